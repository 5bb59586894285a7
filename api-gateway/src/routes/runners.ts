import { CreateRunnersRequest, parseOrThrow, RunnerIdParams } from '@gha-ephemeral/contract';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { requireApiKey } from '../auth/client-identity.js';
import { requireJsonBody } from '../http/json-body.js';
import type { OrchestratorPort, UpstreamRequest } from '../upstream/orchestrator-client.js';
import { relayUpstream } from '../upstream/relay.js';

/** Options of {@link runnerRoutes}. */
export interface RunnerRoutesOptions {
  orchestrator: OrchestratorPort;
}

const runnerPath = (request: FastifyRequest): string => {
  const { id } = parseOrThrow(RunnerIdParams, request.params, 'runner id');
  return `/api/v1/runners/${encodeURIComponent(id)}`;
};

/**
 * The runner routes of docs/api.md. Every request is authenticated (at `preParsing`) and validated with the
 * contract's schemas before anything is sent, and the orchestrator gets a request rebuilt from the validated
 * values (its canonical `/api/v1` path, the parsed body), never the client's raw one.
 */
export const runnerRoutes: FastifyPluginAsync<RunnerRoutesOptions> = async (app, { orchestrator }) => {
  app.addHook('preParsing', requireApiKey);

  const forward = async (request: FastifyRequest, upstream: Omit<UpstreamRequest, 'requestId'>) =>
    orchestrator.request({ ...upstream, requestId: request.id });

  for (const prefix of ['', '/api/v1']) {
    app.get(`${prefix}/runners`, async (request, reply) =>
      relayUpstream(
        reply,
        await forward(request, { method: 'GET', path: '/api/v1/runners' }),
        orchestrator.url,
      ),
    );
    app.get(`${prefix}/runners/:id`, async (request, reply) =>
      relayUpstream(
        reply,
        await forward(request, { method: 'GET', path: runnerPath(request) }),
        orchestrator.url,
      ),
    );
  }

  app.get('/api/v1/pools', async (request, reply) =>
    relayUpstream(reply, await forward(request, { method: 'GET', path: '/api/v1/pools' }), orchestrator.url),
  );

  app.post('/api/v1/runners', { preValidation: requireJsonBody }, async (request, reply) => {
    const body = parseOrThrow(CreateRunnersRequest, request.body, 'request body');
    const upstream = await forward(request, { method: 'POST', path: '/api/v1/runners', body, kind: 'write' });
    return relayUpstream(reply, upstream, orchestrator.url);
  });

  app.delete('/api/v1/runners/:id', async (request, reply) => {
    const upstream = await forward(request, { method: 'DELETE', path: runnerPath(request), kind: 'write' });
    return relayUpstream(reply, upstream, orchestrator.url);
  });
};
