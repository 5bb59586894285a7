import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Runner } from '@gha-ephemeral/contract';
import { startGitHubSim, type GitHubSim } from '@gha-ephemeral/github-sim';
import {
  findRepoRoot,
  removeContainersByLabel,
  requireDockerEngine,
  STAND_IN_RUNNER_IMAGE,
  uniqueId,
  waitFor,
} from '@gha-ephemeral/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBuiltGateway, startBuiltOrchestrator, stopService, type Service } from './helpers/services.js';

const GITHUB_TOKEN = `ghp_${'e2e0'.repeat(9)}`;
const SHARED_TOKEN = 'gateway-to-orchestrator-0123456789';
const API_KEY = 'e2e-api-key-0123456789abcdef';

describe('end to end: the built gateway in front of the real orchestrator, the GitHub simulator and Docker', () => {
  const root = findRepoRoot();
  const orchestratorId = uniqueId('gw-e2e');
  let sim: GitHubSim;
  let orchestrator: Service | undefined;
  let gateway: Service | undefined;
  let base = '';

  const call = (method: string, path: string, options: { key?: string | null; body?: unknown } = {}) =>
    fetch(`${base}${path}`, {
      method,
      headers: {
        ...(options.key === null ? {} : { authorization: `Bearer ${options.key ?? API_KEY}` }),
        ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
      signal: AbortSignal.timeout(30_000),
    });

  beforeAll(async () => {
    await requireDockerEngine();
    for (const script of ['orchestrator/dist/main.js', 'api-gateway/dist/main.js']) {
      if (!existsSync(join(root, script))) throw new Error(`${script} is missing: run pnpm build first`);
    }
    sim = await startGitHubSim({ tokens: { [GITHUB_TOKEN]: { login: 'octo' } } });
    sim.control.createRepo({ owner: 'octo', name: 'hello' });

    const started = await startBuiltOrchestrator({
      githubApiUrl: sim.apiUrl,
      githubToken: GITHUB_TOKEN,
      orchestratorId,
      apiToken: SHARED_TOKEN,
    });
    orchestrator = started.service;
    const front = await startBuiltGateway({
      orchestratorUrl: started.url,
      apiToken: SHARED_TOKEN,
      apiKey: API_KEY,
    });
    gateway = front.service;
    base = front.url;
  });

  afterAll(async () => {
    await stopService(gateway);
    await stopService(orchestrator);
    await removeContainersByLabel('gha-ephemeral.orchestrator', orchestratorId);
    await sim?.close();
  });

  it('reports both services healthy, with their versions', async () => {
    const response = await fetch(`${base}/health`);
    const body = (await response.json()) as Record<string, unknown>;
    expect(response.status, JSON.stringify(body)).toBe(200);
    expect(body).toMatchObject({
      status: 'ok',
      service: 'api-gateway',
      version: '0.1.0',
      dependencies: { orchestrator: { status: 'ok', version: expect.any(String) } },
    });
  });

  it('creates, lists, gets and deletes a runner through the gateway with a key', async () => {
    const created = await call('POST', '/api/v1/runners', {
      body: { repository: 'octo/hello', labels: ['e2e'] },
    });
    const createdBody = (await created.json()) as { runners: Runner[] };
    expect(created.status, JSON.stringify(createdBody)).toBe(201);
    const [runner] = createdBody.runners;
    expect(runner).toMatchObject({ scope: 'repository', target: 'octo/hello', image: STAND_IN_RUNNER_IMAGE });
    expect(runner!.labels).toContain('e2e');

    await waitFor(() => sim.control.getRunnerByName(runner!.id)?.status === 'online', {
      timeoutMs: 60_000,
      message: 'the runner to come online on the simulator',
    });

    for (const path of ['/runners', '/api/v1/runners']) {
      const listed = (await (await call('GET', path)).json()) as { runners: Runner[]; total: number };
      expect(listed.runners.map((item) => item.id)).toContain(runner!.id);
      expect(listed.total).toBe(listed.runners.length);
    }
    for (const path of [`/runners/${runner!.id}`, `/api/v1/runners/${runner!.id}`]) {
      const got = await call('GET', path);
      expect(got.status).toBe(200);
      expect(((await got.json()) as Runner).id).toBe(runner!.id);
    }

    const deleted = await call('DELETE', `/api/v1/runners/${runner!.id}`);
    expect([202, 204]).toContain(deleted.status);
    await waitFor(async () => (await call('GET', `/api/v1/runners/${runner!.id}`)).status === 404, {
      timeoutMs: 30_000,
      message: 'the runner to be gone',
    });
    // Gone everywhere a user would look: the list, and GitHub's registrations.
    const after = (await (await call('GET', '/api/v1/runners')).json()) as { runners: Runner[] };
    expect(after.runners.map((item) => item.id)).not.toContain(runner!.id);
    expect(sim.control.getRunnerByName(runner!.id)).toBeUndefined();
  });

  it("passes the orchestrator's own 404 through for an unknown runner", async () => {
    const response = await call('GET', '/api/v1/runners/no-such-runner');
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ code: 'runner.not_found' });
  });

  it('refuses requests without a valid key, and malformed ones, before the orchestrator', async () => {
    expect((await call('GET', '/api/v1/runners', { key: null })).status).toBe(401);
    expect((await call('GET', '/api/v1/runners', { key: 'wrong-key-0123456789abcdef' })).status).toBe(401);
    const bad = await call('POST', '/api/v1/runners', { body: { repository: '../../etc', count: 1000 } });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ code: 'request.invalid' });
  });

  it('serves its docs', async () => {
    expect((await fetch(`${base}/openapi.json`)).status).toBe(200);
    expect((await fetch(`${base}/docs`)).status).toBe(200);
    expect((await fetch(`${base}/redoc`)).status).toBe(200);
  });

  it('answers 503 when the orchestrator goes down, and stops cleanly on SIGTERM', async () => {
    expect(await stopService(orchestrator)).toBe(0);
    const response = await call('GET', '/api/v1/runners');
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ code: 'upstream.unavailable' });
    // /health serves a view of the orchestrator up to a second old: it says down once that view is renewed.
    await waitFor(async () => (await fetch(`${base}/health`)).status === 503, {
      timeoutMs: 10_000,
      message: '/health to report the orchestrator down',
    });

    expect(await stopService(gateway)).toBe(0);
    const log = gateway!.output.join('');
    expect(log).toContain('api-gateway stopped');
    expect(log).not.toContain(API_KEY);
    expect(log).not.toContain(SHARED_TOKEN);
  });
});
