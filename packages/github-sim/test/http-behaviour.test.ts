import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { GitHubSim } from '../src/index.js';
import { expectSchema } from './helpers/openapi.js';
import { TOKENS, octokitFor, startWorld, statusOf } from './helpers/sim.js';

const RUNNERS = '/repos/{owner}/{repo}/actions/runners';

async function get(sim: GitHubSim, path: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${sim.apiUrl}${path}`, { headers: { authorization: `token ${TOKENS.alice}`, ...headers } });
}

describe('GitHub HTTP behaviour', () => {
  let sim: GitHubSim;
  beforeAll(async () => {
    sim = await startWorld();
  });
  afterAll(async () => {
    await sim.close();
  });
  beforeEach(() => {
    sim.control.clearFaults();
    sim.control.resetCounts();
    sim.control.setRateLimit(TOKENS.alice, { limit: 5000, remaining: 5000 });
  });

  it('sends GitHub’s headers on every answer', async () => {
    const res = await get(sim, '/repos/acme/app/actions/runners', { 'x-github-api-version': '2022-11-28' });
    expect(res.status).toBe(200);
    for (const h of [
      'x-ratelimit-limit',
      'x-ratelimit-remaining',
      'x-ratelimit-used',
      'x-ratelimit-reset',
      'x-ratelimit-resource',
      'x-github-request-id',
    ]) {
      expect(res.headers.get(h), h).toBeTruthy();
    }
    expect(res.headers.get('x-ratelimit-limit')).toBe('5000');
    expect(res.headers.get('x-ratelimit-remaining')).toBe('4999');
    expect(res.headers.get('x-ratelimit-resource')).toBe('core');
    expect(res.headers.get('x-github-api-version-selected')).toBe('2022-11-28');
    expect(Number(res.headers.get('x-ratelimit-reset'))).toBeGreaterThan(Date.now() / 1000);
    expect(res.headers.get('etag')).toMatch(/^W\/"[0-9a-f]{64}"$/);
    const error = await get(sim, '/repos/acme/nope');
    expect(error.headers.get('x-github-request-id')).toBeTruthy();
    expect(error.headers.get('x-ratelimit-remaining')).toBe('4998');
  });

  it('accepts requests without X-GitHub-Api-Version but records which version each asked for', async () => {
    await get(sim, '/repos/acme/app');
    await get(sim, '/repos/acme/app', { 'x-github-api-version': '2022-11-28' });
    const bad = await get(sim, '/repos/acme/app', { 'x-github-api-version': '1999-01-01' });
    expect(bad.status).toBe(400);
    expect(sim.control.requestCounts().apiVersions).toEqual({ none: 1, '2022-11-28': 1, '1999-01-01': 1 });
  });

  it('answers 304 to a matching If-None-Match without charging it', async () => {
    const first = await get(sim, '/repos/acme/app/actions/runners');
    const etag = first.headers.get('etag') ?? '';
    const again = await get(sim, '/repos/acme/app/actions/runners', { 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
    expect(again.headers.get('x-ratelimit-remaining')).toBe('4999');
    await sim.control.waitFor(() => true);
    sim.control.queueJob({ repo: 'acme/app', labels: ['unmatched'] });
    await octokitFor(sim, TOKENS.alice).actions.generateRunnerJitconfigForRepo({
      owner: 'acme',
      repo: 'app',
      name: 'changes-etag',
      runner_group_id: 1,
      labels: ['a'],
    });
    const changed = await get(sim, '/repos/acme/app/actions/runners', { 'if-none-match': etag });
    expect(changed.status).toBe(200);
    const counts = sim.control.requestCounts();
    expect(counts).toMatchObject({ total: 4, charged: 3, conditional: 2, notModified: 1 });
    expect(counts.byRoute['GET /repos/{owner}/{repo}/actions/runners']).toEqual({
      total: 3,
      charged: 2,
      conditional: 2,
      notModified: 1,
    });
    expect(counts.byRoute['POST /repos/{owner}/{repo}/actions/runners/generate-jitconfig']?.total).toBe(1);
  });

  it('works with Octokit’s conditional requests', async () => {
    const gh = octokitFor(sim, TOKENS.alice);
    const first = await gh.repos.get({ owner: 'acme', repo: 'app' });
    const err = await statusOf(
      gh.repos.get({ owner: 'acme', repo: 'app', headers: { 'if-none-match': first.headers.etag ?? '' } }),
    );
    expect(err.status).toBe(304);
  });

  it('serves the REST API at the root too, with root URLs in bodies', async () => {
    const res = await fetch(`${sim.url}/repos/acme/app`, {
      headers: { authorization: `Bearer ${TOKENS.alice}` },
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { url: string };
    expect(body.url).toBe(`${sim.url}/repos/acme/app`);
    expect(sim.control.requestCounts().byRoute['GET /repos/{owner}/{repo}']?.total).toBe(1);
  });

  it('answers 404 in GitHub’s shape for unknown paths', async () => {
    const res = await get(sim, '/no/such/thing');
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({
      message: 'Not Found',
      documentation_url: expect.any(String),
      status: '404',
    });
  });

  it('answers 403 with x-ratelimit-remaining 0 when the primary limit is spent', async () => {
    sim.control.setRateLimit(TOKENS.alice, { remaining: 1, resetInSeconds: 120 });
    expect((await get(sim, '/repos/acme/app')).status).toBe(200);
    const res = await get(sim, '/repos/acme/app');
    expect(res.status).toBe(403);
    expect(res.headers.get('x-ratelimit-remaining')).toBe('0');
    const body = (await res.json()) as { message: string };
    expect(body.message).toMatch(
      /^API rate limit exceeded for user ID \d+\. If you reach out to GitHub Support/,
    );
    expectSchema('/repos/{owner}/{repo}', 'get', 403, body);
    const limits = await octokitFor(sim, TOKENS.alice).rateLimit.get();
    expect(limits.data.rate.remaining).toBe(0);
  });

  it('injects 5xx errors into the next N matching requests', async () => {
    sim.control.injectFault({
      kind: 'error',
      status: 503,
      count: 2,
      match: { method: 'GET', path: RUNNERS },
    });
    expect((await get(sim, '/repos/acme/app')).status).toBe(200);
    expect((await get(sim, '/repos/acme/app/actions/runners')).status).toBe(503);
    expect((await get(sim, '/repos/acme/app/actions/runners')).status).toBe(503);
    expect((await get(sim, '/repos/acme/app/actions/runners')).status).toBe(200);
    sim.control.injectFault({ kind: 'error', count: 'always', match: { path: '/repos/acme/*' } });
    expect((await get(sim, '/repos/acme/site')).status).toBe(502);
    expect((await get(sim, '/repos/acme/app')).status).toBe(502);
    sim.control.clearFaults();
    expect((await get(sim, '/repos/acme/app')).status).toBe(200);
  });

  it('drops the connection without an answer (reset)', async () => {
    sim.control.injectFault({ kind: 'reset', match: { path: '/rate_limit' } });
    await expect(get(sim, '/rate_limit')).rejects.toThrow();
    expect((await get(sim, '/rate_limit')).status).toBe(200);
  });

  it('delays answers', async () => {
    sim.control.injectFault({ kind: 'delay', ms: 300 });
    const started = Date.now();
    expect((await get(sim, '/repos/acme/app')).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(280);
  });

  it('simulates a primary rate limit (fault)', async () => {
    sim.control.injectFault({ kind: 'primary-rate-limit', resetInSeconds: 30 });
    const err = await statusOf(octokitFor(sim, TOKENS.alice).repos.get({ owner: 'acme', repo: 'app' }));
    expect(err.status).toBe(403);
    expect(err.headers['x-ratelimit-remaining']).toBe('0');
    expect(Number(err.headers['x-ratelimit-reset'])).toBeGreaterThan(Date.now() / 1000 + 20);
  });

  it.each([403, 429] as const)('simulates a secondary rate limit (%i with retry-after)', async (status) => {
    sim.control.injectFault({ kind: 'secondary-rate-limit', status, retryAfterSeconds: 7 });
    const err = await statusOf(
      octokitFor(sim, TOKENS.alice).actions.createRegistrationTokenForRepo({ owner: 'acme', repo: 'app' }),
    );
    expect(err.status).toBe(status);
    expect(err.headers['retry-after']).toBe('7');
    expect((err.body as { message: string }).message).toMatch(/You have exceeded a secondary rate limit/);
  });
});

describe('control over HTTP (/_sim)', () => {
  let sim: GitHubSim;
  beforeAll(async () => {
    sim = await startWorld();
  });
  afterAll(async () => {
    await sim.close();
  });

  const call = async (
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; json: unknown }> => {
    const res = await fetch(`${sim.url}/_sim${path}`, {
      method,
      ...(body === undefined
        ? {}
        : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
    });
    const text = await res.text();
    return { status: res.status, json: text ? (JSON.parse(text) as unknown) : undefined };
  };

  it('seeds, queues, inspects, cancels and counts', async () => {
    expect((await call('POST', '/tokens', { token: 'ghp_carol', login: 'carol' })).status).toBe(201);
    expect((await call('POST', '/orgs', { login: 'zeta', members: ['carol'] })).status).toBe(201);
    expect((await call('POST', '/repos', { owner: 'zeta', name: 'svc' })).json).toMatchObject({
      fullName: 'zeta/svc',
    });
    const queued = (await call('POST', '/jobs', { repo: 'zeta/svc', labels: ['self-hosted'] })).json as {
      jobId: number;
      runId: number;
    };
    expect((await call('GET', `/jobs/${queued.jobId}`)).json).toMatchObject({
      status: 'queued',
      repo: 'zeta/svc',
    });
    expect((await call('GET', '/jobs?status=queued&repo=zeta/svc')).json).toMatchObject({
      jobs: [{ id: queued.jobId }],
    });
    expect((await call('POST', `/jobs/${queued.jobId}/cancel`)).json).toEqual({ cancelled: true });
    expect((await call('GET', `/jobs/${queued.jobId}`)).json).toMatchObject({
      status: 'completed',
      conclusion: 'cancelled',
    });
    const token = await octokitFor(sim, 'ghp_carol').actions.generateRunnerJitconfigForOrg({
      org: 'zeta',
      name: 'z1',
      runner_group_id: 1,
      labels: ['a'],
    });
    expect((await call('GET', '/runners?org=zeta')).json).toMatchObject({
      runners: [{ id: token.data.runner.id, name: 'z1', status: 'offline' }],
    });
    expect((await call('GET', '/requests')).json).toMatchObject({ total: 1 });
    expect((await call('DELETE', '/requests')).status).toBe(204);
    expect((await call('POST', '/faults', { kind: 'error', status: 500 })).status).toBe(201);
    expect(
      (await fetch(`${sim.apiUrl}/rate_limit`, { headers: { authorization: 'token ghp_carol' } })).status,
    ).toBe(500);
    expect((await call('POST', '/rate-limit', { token: 'ghp_carol', remaining: 0 })).status).toBe(204);
    expect(
      (await fetch(`${sim.apiUrl}/repos/zeta/svc`, { headers: { authorization: 'token ghp_carol' } })).status,
    ).toBe(403);
    expect((await call('GET', '/jobs/999')).status).toBe(404);
    expect((await call('POST', '/jobs', { repo: 'zeta/none', labels: ['a'] })).status).toBe(400);
  });
});
