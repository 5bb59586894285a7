import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Runner } from '@gha-ephemeral/contract';

/** One request the stand-in received. */
export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** Answers a request; the default implements the orchestrator's routes over an in-memory list. */
export type StandInHandler = (request: RecordedRequest, response: ServerResponse) => void | Promise<void>;

/** A real HTTP server standing in for the orchestrator, recording every request it gets. */
export interface StandInOrchestrator {
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** Replaces how it answers (until `reset()`). */
  respondWith(handler: StandInHandler): void;
  /** Back to the default answers, with no runner and no recorded request. */
  reset(): void;
  runners: Runner[];
  close(): Promise<void>;
}

/** A runner as the orchestrator would show it. */
export function sampleRunner(id: string, overrides: Partial<Runner> = {}): Runner {
  return {
    id,
    pool: 'default',
    name: id,
    status: 'idle',
    scope: 'repository',
    target: 'octo-org/octo-repo',
    labels: ['self-hosted', 'linux', 'x64'],
    image: 'gha-ephemeral/stand-in-runner:local',
    containerId: 'f'.repeat(64),
    createdAt: '2025-01-01T00:00:00.000Z',
    githubRunnerId: 42,
    busy: false,
    jobId: null,
    ...overrides,
  };
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  response.end(text);
}

/** Starts the stand-in on 127.0.0.1 and a free port. `token`, when given, is required as a Bearer token. */
export async function startStandInOrchestrator(
  options: { token?: string } = {},
): Promise<StandInOrchestrator> {
  const requests: RecordedRequest[] = [];
  let handler: StandInHandler | null = null;
  let counter = 0;
  const state = { runners: [] as Runner[] };

  const defaultHandler: StandInHandler = (request, response) => {
    const path = request.url.split('?')[0] ?? '';
    if (path === '/health') {
      sendJson(response, 200, {
        status: 'ok',
        service: 'orchestrator',
        version: '9.9.9',
        uptimeSeconds: 1,
        dependencies: { docker: { status: 'ok' }, github: { status: 'ok' } },
      });
      return;
    }
    if (options.token !== undefined && request.headers.authorization !== `Bearer ${options.token}`) {
      sendJson(response, 401, { code: 'auth.invalid', message: 'The orchestrator requires a token' });
      return;
    }
    const one = /^\/api\/v1\/runners\/([^/]+)$/.exec(path);
    if (path === '/internal/v1/workflow-jobs' && request.method === 'POST') {
      sendJson(response, 200, { outcome: 'queued' });
      return;
    }
    if (path === '/api/v1/runners' && request.method === 'GET') {
      sendJson(response, 200, { runners: state.runners, total: state.runners.length });
    } else if (path === '/api/v1/runners' && request.method === 'POST') {
      const body = JSON.parse(request.body) as { count?: number; labels?: string[] };
      const created = Array.from({ length: body.count ?? 1 }, () =>
        sampleRunner(`runner-${(counter += 1)}`, { labels: ['self-hosted', ...(body.labels ?? [])] }),
      );
      state.runners.push(...created);
      sendJson(response, 201, { runners: created });
    } else if (one && request.method === 'GET') {
      const runner = state.runners.find((candidate) => candidate.id === decodeURIComponent(one[1] ?? ''));
      if (runner) sendJson(response, 200, runner);
      else sendJson(response, 404, { code: 'runner.not_found', message: 'No runner with this id' });
    } else if (one && request.method === 'DELETE') {
      const before = state.runners.length;
      state.runners = state.runners.filter((candidate) => candidate.id !== decodeURIComponent(one[1] ?? ''));
      if (state.runners.length === before) {
        sendJson(response, 404, { code: 'runner.not_found', message: 'No runner with this id' });
      } else {
        response.writeHead(204);
        response.end();
      }
    } else {
      sendJson(response, 404, { code: 'request.not_found', message: `No route ${request.method} ${path}` });
    }
  };

  const server = createServer((incoming, response) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const request: RecordedRequest = {
        method: incoming.method ?? '',
        url: incoming.url ?? '',
        headers: incoming.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(request);
      Promise.resolve((handler ?? defaultHandler)(request, response)).catch(() => response.destroy());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    get runners() {
      return state.runners;
    },
    set runners(value: Runner[]) {
      state.runners = value;
    },
    respondWith(next) {
      handler = next;
    },
    reset() {
      handler = null;
      requests.length = 0;
      state.runners = [];
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
