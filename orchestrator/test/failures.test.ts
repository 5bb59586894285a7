import type { ErrorBody } from '@gha-ephemeral/contract';
import { DockerRuntime } from '@gha-ephemeral/runtime-docker';
import { freePort } from '@gha-ephemeral/testkit';
import Dockerode from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, TOKEN, type Harness } from './harness.js';

const docker = new Dockerode();

async function containersOf(orchestratorId: string): Promise<number> {
  const list = await docker.listContainers({
    all: true,
    filters: { label: [`gha-ephemeral.orchestrator=${orchestratorId}`] },
  });
  return list.length;
}

describe('bad input and failures leave nothing behind', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({ MAX_RUNNERS: '2' });
    h.sim.control.createOrg({ login: 'acme', members: ['octo'] });
    h.sim.control.createRepo({ owner: 'octo', name: 'hello' });
    h.sim.control.createRepo({ owner: 'someone-else', name: 'private-repo' });
  });
  afterAll(async () => h?.close());

  const post = (payload: unknown, headers: Record<string, string> = {}) =>
    h.orchestrator.app.inject({
      method: 'POST',
      url: '/api/v1/runners',
      payload: payload as object,
      headers,
    });

  it.each([
    [{ repository: 'octo' }, /repository: must be "owner\/name"/],
    [{ repository: 'octo/hello/extra' }, /repository: must be "owner\/name"/],
    [{ repository: '-octo/hello' }, /repository/],
    [{ repository: 'octo/..' }, /repository/],
    [{ organization: 'acme_corp' }, /organization: must be a GitHub organization name/],
    [{ organization: 'a'.repeat(40) }, /organization/],
    [{ repository: 'octo/hello', organization: 'acme' }, /exactly one of "repository"/],
    [{}, /exactly one of "repository"/],
    [{ repository: 'octo/hello', count: 0 }, /count must be at least 1/],
    [{ repository: 'octo/hello', count: 1.5 }, /whole number/],
    [{ repository: 'octo/hello', count: 10_000 }, /count must be at most 50/],
    [{ repository: 'octo/hello', labels: [] }, /1-100 labels/],
    [{ repository: 'octo/hello', labels: ['a,b'] }, /without commas/],
    [
      { repository: 'octo/hello', labels: Array.from({ length: 101 }, (_, i) => `l${i}`) },
      /at most 100 labels/,
    ],
    [{ repository: 'octo/hello', colour: 'blue' }, /unknown field\(s\) "colour"/],
    [{ repository: 'octo/hello', count: '2' }, /count: .*number/],
    [{ repository: 42 }, /repository: .*string/],
  ])('refuses %j with 400 and says what to fix', async (payload, message) => {
    const response = await post(payload);
    expect(response.statusCode).toBe(400);
    const body = response.json<ErrorBody>();
    expect(body.code).toBe('request.invalid');
    expect(body.message).toMatch(message);
  });

  it('refuses malformed JSON and other media types', async () => {
    const bad = await post('{"repository": ', { 'content-type': 'application/json' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json<ErrorBody>().code).toBe('request.invalid_json');
    const text = await post('repository=octo/hello', { 'content-type': 'text/plain' });
    expect(text.statusCode).toBe(415);
    expect(text.json<ErrorBody>()).toMatchObject({ code: 'request.unsupported_media_type' });
  });

  it.each(['NOPE', 'a..b', 'x'.repeat(64), '%2e%2e', '..%2f..%2fetc'])(
    'refuses the malformed id %s',
    async (id) => {
      const response = await h.orchestrator.app.inject({ method: 'GET', url: `/api/v1/runners/${id}` });
      // 400 when the id reaches the route, 404 when the path no longer names a route at all.
      expect([400, 404]).toContain(response.statusCode);
      expect(response.json<ErrorBody>().code).toMatch(/^request\.(invalid|not_found)$/);
    },
  );

  it('answers 404 with a hint for an unknown runner', async () => {
    for (const method of ['GET', 'DELETE'] as const) {
      const response = await h.orchestrator.app.inject({
        method,
        url: '/api/v1/runners/gha-octo-hello-zzzzzzzz',
      });
      expect(response.statusCode).toBe(404);
      expect(response.json<ErrorBody>()).toMatchObject({
        code: 'runner.not_found',
        message: expect.stringMatching(/GET \/api\/v1\/runners/),
      });
    }
  });

  it("passes GitHub's refusal on for a repository the token cannot reach, starting nothing", async () => {
    const response = await post({ repository: 'someone-else/private-repo' });
    expect(response.statusCode).toBe(422);
    expect(response.json<ErrorBody>()).toMatchObject({
      code: 'github.not_found',
      message: expect.stringMatching(/check the name, and that the credentials can administer it/),
    });
    expect(await containersOf(h.orchestratorId)).toBe(0);
  });

  it('refuses more than MAX_RUNNERS with 429 and a message, starting none of them', async () => {
    const response = await post({ repository: 'octo/hello', count: 3 });
    expect(response.statusCode).toBe(429);
    // When to try again, in seconds, as a client reads it.
    expect(Number(response.headers['retry-after'])).toBeGreaterThan(0);
    expect(response.json<ErrorBody>()).toMatchObject({
      code: 'runner.capacity_reached',
      message: expect.stringMatching(/MAX_RUNNERS is 2/),
    });
    expect(await containersOf(h.orchestratorId)).toBe(0);
  });

  it('answers 502 when the runner image is missing, and deletes nothing it did not make', async () => {
    const missing = await startHarness({ RUNNER_IMAGE: 'gha-ephemeral/no-such-image:never' }, { sim: h.sim });
    try {
      const response = await missing.orchestrator.app.inject({
        method: 'POST',
        url: '/api/v1/runners',
        payload: { repository: 'octo/hello' },
      });
      expect(response.statusCode).toBe(502);
      expect(response.json<ErrorBody>()).toMatchObject({
        code: 'runtime.image_unavailable',
        message: expect.stringContaining('gha-ephemeral/no-such-image:never'),
      });
      expect(await containersOf(missing.orchestratorId)).toBe(0);
    } finally {
      await missing.close();
    }
  });

  it('answers 503 with a fix when the Docker engine is unreachable', async () => {
    const runtime = new DockerRuntime({ docker: new Dockerode({ socketPath: '/nonexistent/docker.sock' }) });
    const offline = await startHarness({}, { sim: h.sim, runtime });
    try {
      const created = await offline.orchestrator.app.inject({
        method: 'POST',
        url: '/api/v1/runners',
        payload: { repository: 'octo/hello' },
      });
      expect(created.statusCode).toBe(503);
      expect(created.json<ErrorBody>().code).toBe('runtime.unavailable');
      const health = await offline.orchestrator.app.inject({ method: 'GET', url: '/health' });
      expect(health.statusCode).toBe(503);
      expect(health.json()).toMatchObject({ status: 'down', dependencies: { docker: { status: 'down' } } });
    } finally {
      await offline.close();
    }
  });

  it('answers 502 when GitHub is unreachable, and starts no container', async () => {
    const port = await freePort();
    const unreachable = await startHarness(
      { GITHUB_API_URL: `http://127.0.0.1:${port}/api/v3` },
      { sim: h.sim },
    );
    try {
      const created = await unreachable.orchestrator.app.inject({
        method: 'POST',
        url: '/api/v1/runners',
        payload: { repository: 'octo/hello' },
      });
      expect(created.statusCode).toBe(502);
      expect(created.json<ErrorBody>()).toMatchObject({
        code: 'github.unavailable',
        message: expect.stringMatching(/GitHub is unreachable/),
      });
      expect(await containersOf(unreachable.orchestratorId)).toBe(0);
      const health = await unreachable.orchestrator.app.inject({ method: 'GET', url: '/health' });
      expect(health.json()).toMatchObject({
        dependencies: { github: { status: 'down' }, docker: { status: 'ok' } },
      });
    } finally {
      await unreachable.close();
    }
  });

  it('says which setting to fix when GitHub rejects the token', async () => {
    const wrong = await startHarness(
      { GITHUB_RUNNER_TOKEN: 'ghp_wrongwrongwrongwrongwrongwrongwrong' },
      { sim: h.sim },
    );
    try {
      const created = await wrong.orchestrator.app.inject({
        method: 'POST',
        url: '/api/v1/runners',
        payload: { repository: 'octo/hello' },
      });
      expect(created.statusCode).toBe(502);
      expect(created.json<ErrorBody>()).toMatchObject({
        code: 'github.unauthorized',
        message: expect.stringMatching(/check GITHUB_RUNNER_TOKEN/),
      });
      expect(created.body).not.toContain('ghp_wrong');
      expect(await containersOf(wrong.orchestratorId)).toBe(0);
    } finally {
      await wrong.close();
    }
  });

  it('reports health with versions when everything answers', async () => {
    const health = await h.orchestrator.app.inject({ method: 'GET', url: '/health' });
    expect(health.statusCode).toBe(200);
    expect(health.json()).toMatchObject({
      status: 'ok',
      service: 'orchestrator',
      version: 'test',
      dependencies: { docker: { status: 'ok', version: expect.any(String) }, github: { status: 'ok' } },
    });
  });

  it('requires ORCHESTRATOR_API_TOKEN on runner routes when it is set', async () => {
    const guarded = await startHarness({ ORCHESTRATOR_API_TOKEN: 'shared-secret-123456' }, { sim: h.sim });
    try {
      const none = await guarded.orchestrator.app.inject({ method: 'GET', url: '/api/v1/runners' });
      expect(none.statusCode).toBe(401);
      const wrongKey = await guarded.orchestrator.app.inject({
        method: 'GET',
        url: '/api/v1/runners',
        headers: { authorization: 'Bearer nope' },
      });
      expect(wrongKey.statusCode).toBe(401);
      const right = await guarded.orchestrator.app.inject({
        method: 'GET',
        url: '/api/v1/runners',
        headers: { authorization: 'Bearer shared-secret-123456' },
      });
      expect(right.statusCode).toBe(200);
      const health = await guarded.orchestrator.app.inject({ method: 'GET', url: '/health' });
      expect(health.statusCode).toBe(200);
    } finally {
      await guarded.close();
    }
  });

  it('never logged the GitHub token', () => {
    expect(h.log.text).not.toContain(TOKEN);
  });
});
