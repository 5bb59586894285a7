import type { GitHubSim } from '@gha-ephemeral/github-sim';
import { startGitHubSim } from '@gha-ephemeral/github-sim';
import { waitFor } from '@gha-ephemeral/testkit';
import Dockerode from 'dockerode';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, startHarnessSim, TOKEN, type Harness } from './harness.js';

const docker = new Dockerode();

const workflow = (runsOn: string) => `name: CI
on: [push]
jobs:
  build:
    runs-on: ${runsOn}
    steps:
      - run: echo hi
`;

async function liveContainers(orchestratorId: string): Promise<Dockerode.ContainerInfo[]> {
  return docker.listContainers({
    all: true,
    filters: { label: [`gha-ephemeral.orchestrator=${orchestratorId}`] },
  });
}

/** One automatic pass, as the check loop runs it. */
async function pass(h: Harness) {
  const auto = h.orchestrator.auto!;
  const demand = await auto.poller.poll();
  return auto.reconciler.reconcile(demand);
}

describe('automatic mode (real engine, GitHub simulator)', () => {
  let sim: GitHubSim;
  let h: Harness | undefined;

  beforeAll(async () => {
    sim = await startGitHubSim({ tokens: { [TOKEN]: { login: 'octo' } } });
    // Hundreds of repositories without self-hosted jobs, a few with.
    for (let i = 0; i < 150; i++) {
      sim.control.createRepo({
        owner: 'octo',
        name: `plain-${i}`,
        workflows: [{ path: '.github/workflows/ci.yml', content: workflow('ubuntu-latest') }],
      });
    }
    sim.control.createRepo({
      owner: 'octo',
      name: 'string-label',
      workflows: [{ path: '.github/workflows/ci.yml', content: workflow('self-hosted') }],
    });
    sim.control.createRepo({
      owner: 'octo',
      name: 'list-label',
      workflows: [{ path: '.github/workflows/ci.yml', content: workflow('[self-hosted, linux]') }],
    });
    sim.control.createRepo({
      owner: 'octo',
      name: 'mixed-case',
      workflows: [{ path: '.github/workflows/ci.yml', content: workflow('[Self-Hosted, LINUX, x64]') }],
    });
    sim.control.createRepo({
      owner: 'octo',
      name: 'archived',
      archived: true,
      workflows: [{ path: '.github/workflows/ci.yml', content: workflow('self-hosted') }],
    });
  });
  beforeAll(() => {
    for (const name of ['cancelled', 'faulty', 'refused', 'served', 'denied']) {
      sim.control.createRepo({
        owner: 'octo',
        name,
        workflows: [{ path: '.github/workflows/ci.yml', content: workflow('self-hosted') }],
      });
    }
  });
  afterEach(async () => {
    await h?.close();
    h = undefined;
    sim.control.clearFaults();
    // Each test starts with an empty queue, whatever the last one left.
    for (const job of sim.control.listJobs({ status: 'queued' })) sim.control.cancelJob(job.id);
  });
  afterAll(async () => sim?.close());

  it('starts exactly one runner per queued self-hosted job, and none for other jobs; then costs nothing while idle', async () => {
    h = await startHarness({ AUTO_CREATE_RUNNERS: 'true', RUNNER_CHECK_INTERVAL: '3600' }, { sim });
    const jobs = [
      sim.control.queueJob({
        repo: 'octo/string-label',
        workflowName: 'CI',
        labels: ['self-hosted'],
        durationMs: 3000,
      }),
      sim.control.queueJob({
        repo: 'octo/list-label',
        workflowName: 'CI',
        labels: ['self-hosted', 'linux'],
        durationMs: 3000,
      }),
      sim.control.queueJob({
        repo: 'octo/mixed-case',
        workflowName: 'CI',
        labels: ['Self-Hosted', 'LINUX', 'x64'],
        durationMs: 3000,
      }),
    ];
    const unmatched = sim.control.queueJob({
      repo: 'octo/list-label',
      workflowName: 'CI',
      labels: ['self-hosted', 'windows'],
    });
    const hosted = sim.control.queueJob({
      repo: 'octo/plain-7',
      workflowName: 'CI',
      labels: ['ubuntu-latest'],
    });

    const first = await pass(h);
    const watched = h.orchestrator.auto!.poller.watchedRepositories;
    expect(watched).toEqual(
      expect.arrayContaining(['octo/list-label', 'octo/mixed-case', 'octo/string-label']),
    );
    expect(watched).not.toContain('octo/archived');
    expect(watched.filter((name) => name.startsWith('octo/plain-'))).toEqual([]);
    expect(first.created).toBe(3);
    expect(first.plan.unmatchedJobs).toBe(1);
    // A pass while the runners start must not double them.
    const second = await pass(h);
    expect(second.created).toBe(0);
    expect(h.log.text.split('\n').filter((line) => line.includes('"runner started"'))).toHaveLength(3);

    for (const { jobId } of jobs) {
      const done = await sim.control.waitForJob(jobId, 'completed', { timeoutMs: 30_000 });
      expect(done.conclusion).toBe('success');
    }
    await waitFor(async () => (await liveContainers(h!.orchestratorId)).length === 0, {
      timeoutMs: 20_000,
      message: 'runner containers stayed after their jobs',
    });
    expect(sim.control.getJob(unmatched.jobId)?.status).toBe('queued');
    expect(sim.control.getJob(hosted.jobId)?.status).toBe('queued');

    // Steady state: many passes, no new runner, and (conditional requests) almost nothing charged.
    await pass(h);
    sim.control.resetCounts();
    for (let i = 0; i < 10; i++) expect((await pass(h)).created).toBe(0);
    const counts = sim.control.requestCounts();
    expect(counts.total).toBeGreaterThan(0);
    expect(counts.notModified).toBeGreaterThan(0);
    expect(counts.charged / 10).toBeLessThanOrEqual(1);
    expect(await liveContainers(h.orchestratorId)).toHaveLength(0);
    sim.control.cancelJob(unmatched.jobId);
    sim.control.cancelJob(hosted.jobId);
  });

  it('purges a runner whose job was cancelled while it started', async () => {
    h = await startHarness(
      { AUTO_CREATE_RUNNERS: 'true', RUNNER_IDLE_TIMEOUT: '5', RUNNER_START_TIMEOUT: '20' },
      { sim },
    );
    const { jobId } = sim.control.queueJob({
      repo: 'octo/string-label',
      workflowName: 'CI',
      labels: ['self-hosted'],
    });
    const first = await pass(h);
    expect(first.created).toBe(1);
    sim.control.cancelJob(jobId);
    await waitFor(
      async () => {
        await pass(h!);
        return (await liveContainers(h!.orchestratorId)).length === 0;
      },
      { timeoutMs: 30_000, intervalMs: 1000, message: 'the runner of a cancelled job was never purged' },
    );
    expect(sim.control.listRunners({ repo: 'octo/cancelled' })).toEqual([]);
  });

  const rateLimitWarnings = (h: Harness) =>
    h.log.text
      .split('\n')
      .filter((line) => line.includes('"category":"WARNING"') && /rate limit/i.test(line));

  it('survives 5xx and a short rate limit without crashing or doubling runners', async () => {
    h = await startHarness({ AUTO_CREATE_RUNNERS: 'true' }, { sim });
    await pass(h); // discovery
    const { jobId } = sim.control.queueJob({
      repo: 'octo/faulty',
      workflowName: 'CI',
      labels: ['self-hosted'],
      durationMs: 2000,
    });

    sim.control.injectFault({
      kind: 'error',
      status: 502,
      match: { path: '/repos/*/actions/runs*' },
      count: 'always',
    });
    await expect(pass(h)).rejects.toMatchObject({ code: 'github.unavailable', retryable: true });
    sim.control.clearFaults();
    // A limit that lifts in two seconds is waited out, once, with one warning.
    // (Matched to the poller's requests, so the runner's own registration is not the one limited.)
    sim.control.injectFault({
      kind: 'primary-rate-limit',
      resetInSeconds: 2,
      count: 1,
      match: { path: '/repos/*/actions/runs*' },
    });
    const limited = await pass(h);
    const again = await pass(h);
    expect(limited.created).toBe(1);
    expect(again.created).toBe(0);
    await sim.control.waitForJob(jobId, 'completed', { timeoutMs: 30_000 });
    expect(h.log.text.split('\n').filter((line) => line.includes('"runner started"'))).toHaveLength(1);
    expect(rateLimitWarnings(h)).toHaveLength(1);
  });

  it('serves the other repositories while GitHub refuses one, reports it once, and asks it again only later', async () => {
    h = await startHarness({ AUTO_CREATE_RUNNERS: 'true' }, { sim });
    await pass(h); // discovery
    sim.control.injectFault({
      kind: 'error',
      status: 403,
      message: 'Must have admin rights to Repository.',
      match: { path: '/repos/octo/refused/actions/runs*' },
      count: 'always',
    });
    const { jobId } = sim.control.queueJob({
      repo: 'octo/served',
      workflowName: 'CI',
      labels: ['self-hosted'],
      durationMs: 300,
    });
    expect((await pass(h)).created).toBe(1);
    sim.control.clearFaults();
    // Refused a moment ago: not asked again on the next pass, so its new job waits for the backoff to end.
    sim.control.queueJob({
      repo: 'octo/refused',
      workflowName: 'CI',
      labels: ['self-hosted'],
      durationMs: 300,
    });
    expect((await pass(h)).created).toBe(0);
    const refusals = h.log.text
      .split('\n')
      .filter((line) => line.includes('GitHub refuses the queued jobs of a repository'));
    expect(refusals).toHaveLength(1);
    expect(refusals[0]).toContain('"repository":"octo/refused"');
    const [refused, ...others] = h.orchestrator.auto!.poller.refusedRepositories();
    expect(others).toEqual([]);
    expect(refused).toMatchObject({ repository: 'octo/refused', code: 'github.forbidden', failures: 1 });
    expect(Date.parse(refused!.retryAt)).toBeGreaterThan(Date.now() + 30_000);
    await sim.control.waitForJob(jobId, 'completed', { timeoutMs: 30_000 });
  });

  it('does not try a creation GitHub refuses for good on every pass, and reports it once', async () => {
    h = await startHarness({ AUTO_CREATE_RUNNERS: 'true' }, { sim });
    await pass(h); // discovery
    // The built-in template registers each runner just in time: that is the write GitHub refuses here.
    const tokenRoute = 'POST /repos/{owner}/{repo}/actions/runners/generate-jitconfig';
    sim.control.injectFault({
      kind: 'error',
      status: 403,
      message: 'Resource not accessible by integration',
      match: { method: 'POST', path: '/repos/octo/denied/actions/runners/generate-jitconfig' },
      count: 'always',
    });
    sim.control.queueJob({
      repo: 'octo/denied',
      workflowName: 'CI',
      labels: ['self-hosted'],
      durationMs: 300,
    });
    sim.control.resetCounts();
    const first = await pass(h);
    expect(first).toMatchObject({ created: 0, failures: 1 });
    const asked = sim.control.requestCounts().byRoute[tokenRoute]?.total ?? 0;
    expect(asked).toBe(1);
    for (let i = 0; i < 3; i++) expect((await pass(h)).created).toBe(0);
    expect(sim.control.requestCounts().byRoute[tokenRoute]?.total ?? 0).toBe(asked);
    const warnings = h.log.text.split('\n').filter((line) => line.includes('will not pass by itself'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('"target":"octo/denied"');
    expect(h.orchestrator.auto!.reconciler.backoff.lastingCount()).toBe(1);
    const metrics = await h.orchestrator.app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toMatch(/^gha_ephemeral_scopes_backing_off 1$/m);
  });

  it('stops asking GitHub while a long rate limit is in force, and slows its polling', async () => {
    h = await startHarness({ AUTO_CREATE_RUNNERS: 'true' }, { sim });
    sim.control.injectFault({ kind: 'primary-rate-limit', resetInSeconds: 3600, count: 1 });
    await expect(pass(h)).rejects.toMatchObject({ code: 'github.rate_limited', retryable: true });
    sim.control.resetCounts();
    await expect(pass(h)).rejects.toMatchObject({ code: 'github.rate_limited' });
    expect(sim.control.requestCounts().total).toBe(0);
    expect(h.orchestrator.github.suggestedPollDelayMs(300_000)).toBeGreaterThan(300_000);
    expect(rateLimitWarnings(h)).toHaveLength(1);
  });

  it('serves an organization with organization runners, over HTTPS as on GitHub', async () => {
    const org = await startHarnessSim(true);
    try {
      await serveOrganization(org);
    } finally {
      await h?.close();
      h = undefined;
      await org.close();
    }
  });

  async function serveOrganization(sim: GitHubSim): Promise<void> {
    sim.control.createOrg({ login: 'acme', members: ['octo'] });
    sim.control.createRepo({
      owner: 'acme',
      name: 'app',
      workflows: [{ path: '.github/workflows/ci.yml', content: workflow('self-hosted') }],
    });
    sim.control.createRepo({
      owner: 'acme',
      name: 'docs',
      workflows: [{ path: '.github/workflows/ci.yml', content: workflow('ubuntu-latest') }],
    });
    h = await startHarness(
      { AUTO_CREATE_RUNNERS: 'true', DISCOVERY_MODE: 'organization', GITHUB_ORGANIZATION: 'acme' },
      { sim, tls: true },
    );
    const { jobId } = sim.control.queueJob({
      repo: 'acme/app',
      workflowName: 'CI',
      labels: ['self-hosted'],
      durationMs: 300,
    });
    const result = await pass(h);
    expect(result.created).toBe(1);
    const [container] = await liveContainers(h.orchestratorId);
    expect(container?.Labels['gha-ephemeral.scope']).toBe('organization');
    expect(container?.Labels['gha-ephemeral.target']).toBe('acme');
    const job = await sim.control.waitForJob(jobId, 'completed', { timeoutMs: 30_000 });
    expect(job.runnerName).toBe(container?.Labels['gha-ephemeral.runner']);
  }
});
