import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GitHubSim } from '../src/index.js';
import { expectSchema } from './helpers/openapi.js';
import { TOKENS, octokitFor, startWorld, statusOf } from './helpers/sim.js';

const REPO = '/repos/{owner}/{repo}/actions/runners';
const ORG = '/orgs/{org}/actions/runners';

describe('self-hosted runner endpoints', () => {
  let sim: GitHubSim;
  beforeAll(async () => {
    sim = await startWorld();
  });
  afterAll(async () => {
    await sim.close();
  });

  it('creates repository registration and remove tokens valid for an hour (201)', async () => {
    const gh = octokitFor(sim, TOKENS.alice);
    const reg = await gh.actions.createRegistrationTokenForRepo({ owner: 'acme', repo: 'app' });
    expect(reg.status).toBe(201);
    expectSchema(`${REPO}/registration-token`, 'post', 201, reg.data);
    const expiresIn = Date.parse(reg.data.expires_at) - Date.now();
    expect(expiresIn).toBeGreaterThan(59 * 60_000);
    expect(expiresIn).toBeLessThanOrEqual(60 * 60_000);
    const remove = await gh.actions.createRemoveTokenForRepo({ owner: 'acme', repo: 'app' });
    expect(remove.status).toBe(201);
    expectSchema(`${REPO}/remove-token`, 'post', 201, remove.data);
    expect(remove.data.token).not.toBe(reg.data.token);
  });

  it('creates organization tokens (201)', async () => {
    const gh = octokitFor(sim, TOKENS.alice);
    const reg = await gh.actions.createRegistrationTokenForOrg({ org: 'acme' });
    expectSchema(`${ORG}/registration-token`, 'post', 201, reg.data);
    const remove = await gh.actions.createRemoveTokenForOrg({ org: 'acme' });
    expectSchema(`${ORG}/remove-token`, 'post', 201, remove.data);
  });

  it('generates a JIT config (201) with the runner record created at once', async () => {
    const gh = octokitFor(sim, TOKENS.alice);
    const res = await gh.actions.generateRunnerJitconfigForRepo({
      owner: 'acme',
      repo: 'app',
      name: 'jit-201',
      runner_group_id: 1,
      labels: ['self-hosted', 'linux', 'gpu'],
      work_folder: '_w',
    });
    expect(res.status).toBe(201);
    expectSchema(`${REPO}/generate-jitconfig`, 'post', 201, res.data);
    expect(res.data.runner).toMatchObject({
      name: 'jit-201',
      os: 'unknown',
      status: 'offline',
      busy: false,
      ephemeral: true,
      runner_group_id: 1,
    });
    expect(res.data.runner.labels).toEqual([
      expect.objectContaining({ name: 'self-hosted', type: 'read-only' }),
      expect.objectContaining({ name: 'linux', type: 'read-only' }),
      expect.objectContaining({ name: 'gpu', type: 'custom' }),
    ]);
    const decoded = Buffer.from(res.data.encoded_jit_config, 'base64').toString('utf8');
    expect(decoded).not.toContain(TOKENS.alice);
    expect(JSON.parse(decoded)).toHaveProperty(['.runner']);
    const listed = await gh.actions.listSelfHostedRunnersForRepo({
      owner: 'acme',
      repo: 'app',
      name: 'jit-201',
    });
    expect(listed.data.runners.map((r) => r.id)).toEqual([res.data.runner.id]);
  });

  it('answers 409 when a runner of that name exists (a retry after a lost response)', async () => {
    const gh = octokitFor(sim, TOKENS.alice);
    const body = { owner: 'acme', repo: 'app', name: 'jit-409', runner_group_id: 1, labels: ['self-hosted'] };
    await gh.actions.generateRunnerJitconfigForRepo(body);
    const err = await statusOf(gh.actions.generateRunnerJitconfigForRepo(body));
    expect(err.status).toBe(409);
    expectSchema(`${REPO}/generate-jitconfig`, 'post', 409, err.body);
    expect(err.body).toMatchObject({
      message: 'Already exists - A runner with the name jit-409 already exists.',
    });
  });

  it.each([
    ['no labels', { name: 'x', runner_group_id: 1, labels: [] }],
    ['101 labels', { name: 'x', runner_group_id: 1, labels: Array.from({ length: 101 }, (_, i) => `l${i}`) }],
    ['no name', { runner_group_id: 1, labels: ['a'] }],
    ['a string group', { name: 'x', runner_group_id: 'one', labels: ['a'] }],
  ])('answers 422 to a JIT body with %s', async (_what, body) => {
    const gh = octokitFor(sim, TOKENS.alice);
    const err = await statusOf(
      gh.request('POST /repos/{owner}/{repo}/actions/runners/generate-jitconfig', {
        owner: 'acme',
        repo: 'app',
        ...body,
      } as never),
    );
    expect(err.status).toBe(422);
    expectSchema(`${REPO}/generate-jitconfig`, 'post', 422, err.body);
    expect((err.body as { message: string }).message).toMatch(/^Invalid request\./);
  });

  it('answers 404 to an unknown runner group', async () => {
    const gh = octokitFor(sim, TOKENS.alice);
    const err = await statusOf(
      gh.actions.generateRunnerJitconfigForOrg({ org: 'acme', name: 'g', runner_group_id: 7, labels: ['a'] }),
    );
    expect(err.status).toBe(404);
    expectSchema(`${ORG}/generate-jitconfig`, 'post', 404, err.body);
  });

  it('lists runners with a name filter and GitHub pagination (Link next/last/first/prev)', async () => {
    const gh = octokitFor(sim, TOKENS.alice);
    for (let i = 0; i < 5; i += 1) {
      await gh.actions.generateRunnerJitconfigForOrg({
        org: 'acme',
        name: `page-${i}`,
        runner_group_id: 1,
        labels: ['self-hosted'],
      });
    }
    const first = await gh.actions.listSelfHostedRunnersForOrg({ org: 'acme', per_page: 2 });
    expectSchema(ORG, 'get', 200, first.data);
    expect(first.data.total_count).toBe(5);
    expect(first.data.runners).toHaveLength(2);
    expect(first.headers.link).toMatch(
      /<[^>]+[?&]page=2[^>]*>; rel="next", <[^>]+[?&]page=3[^>]*>; rel="last"/,
    );
    const middle = await gh.actions.listSelfHostedRunnersForOrg({ org: 'acme', per_page: 2, page: 2 });
    expect(middle.headers.link).toMatch(/rel="prev".*rel="next".*rel="last".*rel="first"/);
    const all = await gh.paginate(gh.actions.listSelfHostedRunnersForOrg, { org: 'acme', per_page: 2 });
    expect(all.map((r) => r.name)).toEqual(['page-0', 'page-1', 'page-2', 'page-3', 'page-4']);
    const one = await gh.actions.listSelfHostedRunnersForOrg({ org: 'acme', name: 'page-3' });
    expect(one.data.total_count).toBe(1);
    expect(one.headers.link).toBeUndefined();
    const capped = await gh.actions.listSelfHostedRunnersForOrg({ org: 'acme', per_page: 500 });
    expect(capped.data.runners).toHaveLength(5);
  });

  it('gets (200) and deletes (204) a runner; unknown ids are 404', async () => {
    const gh = octokitFor(sim, TOKENS.alice);
    const { data } = await gh.actions.generateRunnerJitconfigForRepo({
      owner: 'acme',
      repo: 'app',
      name: 'to-delete',
      runner_group_id: 1,
      labels: ['a'],
    });
    const got = await gh.actions.getSelfHostedRunnerForRepo({
      owner: 'acme',
      repo: 'app',
      runner_id: data.runner.id,
    });
    expectSchema(`${REPO}/{runner_id}`, 'get', 200, got.data);
    const del = await gh.actions.deleteSelfHostedRunnerFromRepo({
      owner: 'acme',
      repo: 'app',
      runner_id: data.runner.id,
    });
    expect(del.status).toBe(204);
    const gone = await statusOf(
      gh.actions.getSelfHostedRunnerForRepo({ owner: 'acme', repo: 'app', runner_id: data.runner.id }),
    );
    expect(gone.status).toBe(404);
    expectSchema(`${REPO}/{runner_id}`, 'get', 404, gone.body);
    const orgGet = await statusOf(
      gh.actions.getSelfHostedRunnerForOrg({ org: 'acme', runner_id: data.runner.id }),
    );
    expect(orgGet.status).toBe(404);
  });

  it('refuses to delete a busy runner (422)', async () => {
    const gh = octokitFor(sim, TOKENS.alice);
    const { data } = await gh.actions.generateRunnerJitconfigForRepo({
      owner: 'acme',
      repo: 'app',
      name: 'busy-one',
      runner_group_id: 1,
      labels: ['busy-label'],
    });
    const { runStandInRunner } = await import('@gha-ephemeral/stand-in-runner');
    const { jobId } = sim.control.queueJob({ repo: 'acme/app', labels: ['busy-label'], durationMs: 60_000 });
    const stop = new AbortController();
    const running = runStandInRunner({
      mode: 'jit',
      jitConfig: data.encoded_jit_config,
      signal: stop.signal,
      pollWaitMs: 500,
    });
    await sim.control.waitForJob(jobId, 'in_progress');
    const err = await statusOf(
      gh.actions.deleteSelfHostedRunnerFromRepo({ owner: 'acme', repo: 'app', runner_id: data.runner.id }),
    );
    expect(err.status).toBe(422);
    expectSchema(`${REPO}/{runner_id}`, 'delete', 422, err.body);
    expect(err.body).toMatchObject({ message: 'Bad request - Runner "busy-one" is still running a job' });
    sim.control.cancelJob(jobId);
    await running;
    stop.abort();
  });

  it('answers 401 without a token and with an unknown one', async () => {
    const missing = await statusOf(
      octokitFor(sim, undefined).actions.listSelfHostedRunnersForRepo({ owner: 'acme', repo: 'app' }),
    );
    expect(missing.status).toBe(401);
    expect(missing.body).toMatchObject({ message: 'Requires authentication', status: '401' });
    expectSchema(REPO, 'get', 401, missing.body);
    const bad = await statusOf(
      octokitFor(sim, 'ghp_nope').actions.createRegistrationTokenForRepo({ owner: 'acme', repo: 'app' }),
    );
    expect(bad.status).toBe(401);
    expect(bad.body).toMatchObject({
      message: 'Bad credentials',
      documentation_url: expect.stringMatching(/^https:\/\/docs\.github\.com/),
    });
  });

  it('answers 404 (not 403) for a private repository or organization the token cannot see', async () => {
    const bob = octokitFor(sim, TOKENS.bob);
    const repo = await statusOf(bob.actions.createRegistrationTokenForRepo({ owner: 'acme', repo: 'app' }));
    expect(repo.status).toBe(404);
    expect(repo.body).toMatchObject({ message: 'Not Found', status: '404' });
    const org = await statusOf(bob.actions.listSelfHostedRunnersForOrg({ org: 'acme' }));
    expect(org.status).toBe(404);
    const missing = await statusOf(
      bob.actions.listSelfHostedRunnersForRepo({ owner: 'nobody', repo: 'nothing' }),
    );
    expect(missing.status).toBe(404);
  });

  it('answers 403 when a classic token lacks the scope, and on a public repository without admin rights', async () => {
    const scoped = await statusOf(
      octokitFor(sim, TOKENS.aliceNoScopes).actions.createRegistrationTokenForOrg({ org: 'acme' }),
    );
    expect(scoped.status).toBe(403);
    expect(scoped.headers['x-accepted-oauth-scopes']).toBe('admin:org');
    const publicRepo = await statusOf(
      octokitFor(sim, TOKENS.bob).actions.createRegistrationTokenForRepo({ owner: 'acme', repo: 'site' }),
    );
    expect(publicRepo.status).toBe(403);
  });

  it('lets an installation token on the organization manage its runners', async () => {
    const app = octokitFor(sim, TOKENS.installation);
    const res = await app.actions.createRegistrationTokenForOrg({ org: 'acme' });
    expect(res.status).toBe(201);
  });
});
