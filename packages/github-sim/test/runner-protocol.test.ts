import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeJitConfig, runStandInRunner } from '@gha-ephemeral/stand-in-runner';
import type { StandInRunnerOptions } from '@gha-ephemeral/stand-in-runner';
import type { GitHubSim } from '../src/index.js';
import { expectSchema } from './helpers/openapi.js';
import { TOKENS, octokitFor, startWorld } from './helpers/sim.js';

describe('runner-side protocol, end to end in process', () => {
  let sim: GitHubSim;
  beforeAll(async () => {
    sim = await startWorld({ offlineAfterMs: 1000 });
  });
  afterAll(async () => {
    await sim.close();
  });

  const gh = (): ReturnType<typeof octokitFor> => octokitFor(sim, TOKENS.alice);
  const regToken = async (): Promise<string> =>
    (await gh().actions.createRegistrationTokenForRepo({ owner: 'acme', repo: 'app' })).data.token;
  const jit = async (name: string, labels: string[]): Promise<string> =>
    (
      await gh().actions.generateRunnerJitconfigForRepo({
        owner: 'acme',
        repo: 'app',
        name,
        runner_group_id: 1,
        labels,
      })
    ).data.encoded_jit_config;
  const start = (options: StandInRunnerOptions, lines: string[] = []): ReturnType<typeof runStandInRunner> =>
    runStandInRunner({ pollWaitMs: 1000, retryDelayMs: 100, log: (l) => lines.push(l), ...options });

  it('registers with a registration token, takes a matching job, completes it and is removed (ephemeral)', async () => {
    const token = await regToken();
    const lines: string[] = [];
    const other = sim.control.queueJob({ repo: 'acme/app', labels: ['self-hosted', 'gpu'], durationMs: 100 });
    const { jobId, runId } = sim.control.queueJob({
      repo: 'acme/app',
      labels: ['SELF-HOSTED', 'linux', 'fast'],
      durationMs: 400,
    });
    const running = start(
      {
        mode: 'register',
        url: `${sim.url}/acme/app`,
        token,
        name: 'reg-1',
        labels: ['fast'],
        ephemeral: true,
      },
      lines,
    );
    const inProgress = await sim.control.waitForJob(jobId, 'in_progress');
    const runner = sim.control.getRunnerByName('reg-1', { repo: 'acme/app' });
    expect(runner).toMatchObject({
      status: 'online',
      busy: true,
      ephemeral: true,
      labels: ['self-hosted', 'Linux', 'X64', 'fast'],
    });
    expect(inProgress).toMatchObject({ runnerName: 'reg-1', runnerId: runner?.id });
    const rest = await gh().actions.getJobForWorkflowRun({ owner: 'acme', repo: 'app', job_id: jobId });
    expectSchema('/repos/{owner}/{repo}/actions/jobs/{job_id}', 'get', 200, rest.data);
    expect(rest.data).toMatchObject({
      status: 'in_progress',
      runner_name: 'reg-1',
      runner_id: runner?.id,
      runner_group_id: 1,
    });
    const restRunner = await gh().actions.getSelfHostedRunnerForRepo({
      owner: 'acme',
      repo: 'app',
      runner_id: runner?.id ?? 0,
    });
    expect(restRunner.data).toMatchObject({ status: 'online', busy: true });
    expect(restRunner.data.labels.map((l) => [l.name, l.type])).toEqual([
      ['self-hosted', 'read-only'],
      ['Linux', 'read-only'],
      ['X64', 'read-only'],
      ['fast', 'custom'],
    ]);
    const result = await running;
    expect(result).toMatchObject({
      exitCode: 0,
      reason: 'job-done',
      jobs: [{ id: jobId, result: 'succeeded' }],
    });
    expect(sim.control.getJob(jobId)).toMatchObject({ status: 'completed', conclusion: 'success' });
    expect(sim.control.getJob(other.jobId)?.status).toBe('queued');
    const run = await gh().actions.getWorkflowRun({ owner: 'acme', repo: 'app', run_id: runId });
    expect([run.data.status, run.data.conclusion]).toEqual(['completed', 'success']);
    expect(sim.control.getRunnerByName('reg-1')).toBeUndefined();
    expect(lines).toEqual(
      expect.arrayContaining([
        '√ Connected to GitHub',
        expect.stringMatching(/Running job: build$/),
        expect.stringMatching(/Job build completed with result: Succeeded$/),
      ]),
    );
    expect(lines.join('\n')).not.toContain(token);
    sim.control.cancelJob(other.jobId);
  });

  it('adds no default labels with noDefaultLabels, and replaces an idle runner of the same name', async () => {
    const token = await regToken();
    const stop = new AbortController();
    const first = start({
      mode: 'register',
      url: `${sim.url}/acme/app`,
      token,
      name: 'plain',
      labels: ['only-this'],
      noDefaultLabels: true,
      signal: stop.signal,
    });
    await sim.control.waitFor(() => sim.control.getRunnerByName('plain')?.status === 'online');
    expect(sim.control.getRunnerByName('plain')?.labels).toEqual(['only-this']);
    stop.abort();
    expect((await first).reason).toBe('signal');
    const dup = await start({
      mode: 'register',
      url: `${sim.url}/acme/app`,
      token,
      name: 'plain',
      labels: [],
    });
    expect(dup).toMatchObject({ exitCode: 1, reason: 'configuration-failed' });
    const stop2 = new AbortController();
    const replaced = start({
      mode: 'register',
      url: `${sim.url}/acme/app`,
      token,
      name: 'plain',
      labels: [],
      replace: true,
      signal: stop2.signal,
      deregisterOnStop: true,
    });
    await sim.control.waitFor(() => {
      const r = sim.control.getRunnerByName('plain');
      return r?.status === 'online' && r.labels.includes('X64');
    });
    stop2.abort();
    await replaced;
    expect(sim.control.getRunnerByName('plain')).toBeUndefined();
  });

  it('exits non-zero with a wrong, foreign-scope or missing registration token', async () => {
    const lines: string[] = [];
    const wrong = await start(
      { mode: 'register', url: `${sim.url}/acme/app`, token: 'AWRONGTOKEN', name: 'x' },
      lines,
    );
    expect(wrong).toMatchObject({ exitCode: 1, reason: 'configuration-failed' });
    expect(wrong.error).toContain("Http response code: NotFound from 'POST");
    expect(lines.join('\n')).not.toContain('AWRONGTOKEN');
    const orgToken = (await gh().actions.createRegistrationTokenForOrg({ org: 'acme' })).data.token;
    expect(
      (await start({ mode: 'register', url: `${sim.url}/acme/app`, token: orgToken, name: 'x' })).exitCode,
    ).toBe(1);
    const removeToken = (await gh().actions.createRemoveTokenForRepo({ owner: 'acme', repo: 'app' })).data
      .token;
    expect(
      (await start({ mode: 'register', url: `${sim.url}/acme/app`, token: removeToken, name: 'x' })).exitCode,
    ).toBe(1);
    const res = await fetch(`${sim.apiUrl}/actions/runner-registration`, {
      method: 'POST',
      body: JSON.stringify({ url: `${sim.url}/acme/app` }),
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(401);
  });

  it('runs from a JIT config that holds no API token, and the runner is removed after its job', async () => {
    const config = await jit('jit-e2e', ['self-hosted', 'jit-only']);
    const creds = decodeJitConfig(config);
    expect(creds).toMatchObject({ runnerName: 'jit-e2e', ephemeral: true, serverUrl: `${sim.url}/_runner` });
    expect(JSON.stringify(creds)).not.toContain(TOKENS.alice);
    const lines: string[] = [];
    const { jobId } = sim.control.queueJob({
      repo: 'acme/app',
      labels: ['jit-only'],
      durationMs: 200,
      conclusion: 'failure',
    });
    const result = await start({ mode: 'jit', jitConfig: config }, lines);
    expect(result).toMatchObject({ exitCode: 0, reason: 'job-done', runnerName: 'jit-e2e' });
    expect(sim.control.getJob(jobId)).toMatchObject({
      status: 'completed',
      conclusion: 'failure',
      runnerName: 'jit-e2e',
    });
    expect(sim.control.getRunnerByName('jit-e2e')).toBeUndefined();
    expect(lines.join('\n')).not.toContain(config);
    expect(lines.join('\n')).not.toContain(creds.secret);
    expect(lines.at(-1)).toMatch(/completed with result: Failed$/);
  });

  it('tells a runner its job was cancelled; it finishes early', async () => {
    const config = await jit('cancel-me', ['cancel-label']);
    const { jobId, runId } = sim.control.queueJob({
      repo: 'acme/app',
      labels: ['cancel-label'],
      durationMs: 60_000,
    });
    const running = start({ mode: 'jit', jitConfig: config });
    await sim.control.waitForJob(jobId, 'in_progress');
    expect(sim.control.cancelJob(jobId)).toBe(true);
    const result = await running;
    expect(result.jobs).toEqual([{ id: jobId, name: 'build', result: 'cancelled' }]);
    expect(sim.control.getJob(jobId)).toMatchObject({ status: 'completed', conclusion: 'cancelled' });
    const run = await gh().actions.getWorkflowRun({ owner: 'acme', repo: 'app', run_id: runId });
    expect(run.data.conclusion).toBe('cancelled');
  });

  it('is online while polling and offline after it stops; a job held by a stopped runner fails', async () => {
    const config = await jit('on-off', ['on-off']);
    expect(sim.control.getRunnerByName('on-off')?.status).toBe('offline');
    const before = await gh().actions.listSelfHostedRunnersForRepo({
      owner: 'acme',
      repo: 'app',
      name: 'on-off',
    });
    expect(before.data.runners[0]?.os).toBe('unknown');
    const stop = new AbortController();
    const running = start({ mode: 'jit', jitConfig: config, signal: stop.signal });
    await sim.control.waitFor(() => sim.control.getRunnerByName('on-off')?.status === 'online');
    const after = await gh().actions.listSelfHostedRunnersForRepo({
      owner: 'acme',
      repo: 'app',
      name: 'on-off',
    });
    expect(after.data.runners[0]).toMatchObject({ os: 'Linux', status: 'online', busy: false });
    const { jobId } = sim.control.queueJob({ repo: 'acme/app', labels: ['on-off'], durationMs: 60_000 });
    await sim.control.waitForJob(jobId, 'in_progress');
    stop.abort();
    expect((await running).reason).toBe('signal');
    expect(sim.control.getJob(jobId)).toMatchObject({ status: 'completed', conclusion: 'failure' });
    expect(sim.control.getRunnerByName('on-off')).toMatchObject({ status: 'offline', busy: false });
  });

  it('goes offline after offlineAfterMs when a runner silently stops polling, and lets it open a new session later', async () => {
    const creds = decodeJitConfig(await jit('silent', ['silent']));
    const auth = { authorization: `Bearer ${creds.secret}`, 'content-type': 'application/json' };
    const session = await fetch(`${creds.serverUrl}/sessions`, { method: 'POST', headers: auth, body: '{}' });
    expect(session.status).toBe(201);
    expect(sim.control.getRunnerByName('silent')?.status).toBe('online');
    const conflict = await fetch(`${creds.serverUrl}/sessions`, {
      method: 'POST',
      headers: auth,
      body: '{}',
    });
    expect(conflict.status).toBe(409);
    await sim.control.waitFor(() => sim.control.getRunnerByName('silent')?.status === 'offline', {
      timeoutMs: 5000,
    });
    const again = await fetch(`${creds.serverUrl}/sessions`, { method: 'POST', headers: auth, body: '{}' });
    expect(again.status).toBe(201);
  });

  it('keeps a non-ephemeral runner for several jobs; an org runner serves every repository of the org', async () => {
    const orgToken = (await gh().actions.createRegistrationTokenForOrg({ org: 'acme' })).data.token;
    const stop = new AbortController();
    const lines: string[] = [];
    const running = start(
      {
        mode: 'register',
        url: `${sim.url}/acme`,
        token: orgToken,
        name: 'org-runner',
        labels: ['org-label'],
        signal: stop.signal,
      },
      lines,
    );
    const a = sim.control.queueJob({ repo: 'acme/app', labels: ['org-label'], durationMs: 50 });
    const b = sim.control.queueJob({ repo: 'acme/site', labels: ['org-label', 'x64'], durationMs: 50 });
    await sim.control.waitForJob(a.jobId);
    await sim.control.waitForJob(b.jobId);
    expect(sim.control.getJob(b.jobId)).toMatchObject({ conclusion: 'success', runnerName: 'org-runner' });
    expect(sim.control.listRunners({ org: 'acme' }).map((r) => r.name)).toContain('org-runner');
    await sim.control.waitFor(() => lines.filter((l) => l.includes('completed with result')).length === 2);
    stop.abort();
    expect((await running).jobs.map((j) => j.id)).toEqual([a.jobId, b.jobId]);
  });

  it('stops a listening runner whose registration was deleted (exit 1)', async () => {
    const config = await jit('deleted', ['deleted']);
    const running = start({ mode: 'jit', jitConfig: config });
    await sim.control.waitFor(() => sim.control.getRunnerByName('deleted')?.status === 'online');
    const id = sim.control.getRunnerByName('deleted')?.id ?? 0;
    await gh().actions.deleteSelfHostedRunnerFromRepo({ owner: 'acme', repo: 'app', runner_id: id });
    expect(await running).toMatchObject({ exitCode: 1, reason: 'runner-deleted' });
  });
});
