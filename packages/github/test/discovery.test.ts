import { runStandInRunner, type GitHubSim } from '@gha-ephemeral/github-sim';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { gitHubFor, startWorld, TOKENS, workflowYaml } from './helpers/world.js';

const REPOS = 260;
const pad = (n: number): string => String(n).padStart(3, '0');

describe('discovery against the simulator', () => {
  let sim: GitHubSim;

  beforeAll(async () => {
    sim = await startWorld();
    for (let i = 0; i < REPOS; i += 1) {
      sim.control.createRepo({ owner: 'acme', name: `repo-${pad(i)}`, archived: i === 7, disabled: i === 8 });
    }
    sim.control.createRepo({ owner: 'alice', name: 'own', private: false });
  });
  afterAll(async () => sim.close());
  afterEach(() => {
    sim.control.clearFaults();
    sim.control.resetCounts();
  });

  it('lists every repository a token reaches over three pages, with progress and flags', async () => {
    const { github } = gitHubFor(sim);
    const progress: [number, number][] = [];
    const repos = await github.listAccessibleRepositories({
      onPage: (count, page) => progress.push([count, page]),
    });
    expect(repos).toHaveLength(REPOS + 1);
    expect(progress).toEqual([
      [100, 1],
      [200, 2],
      [261, 3],
    ]);
    expect(repos.find((r) => r.name === 'repo-007')).toMatchObject({ archived: true, disabled: false });
    expect(repos.find((r) => r.name === 'repo-008')).toMatchObject({ archived: false, disabled: true });
    expect(repos.find((r) => r.fullName === 'alice/own')).toEqual({
      owner: 'alice',
      name: 'own',
      fullName: 'alice/own',
      archived: false,
      disabled: false,
      private: false,
    });
    expect(sim.control.requestCounts().byRoute['GET /user/repos']?.total).toBe(3);
  });

  it('answers an unchanged listing from the cache: three 304s, nothing charged', async () => {
    const { github } = gitHubFor(sim);
    const first = await github.listAccessibleRepositories();
    sim.control.resetCounts();
    const second = await github.listAccessibleRepositories();
    expect(second).toEqual(first);
    expect(sim.control.requestCounts().byRoute['GET /user/repos']).toEqual({
      total: 3,
      charged: 0,
      conditional: 3,
      notModified: 3,
    });
    expect(github.conditionalRequestStats()).toMatchObject({ conditional: 3, notModified: 3, modified: 3 });
  });

  it('pays only for the pages that changed', async () => {
    const { github } = gitHubFor(sim);
    await github.listAccessibleRepositories();
    sim.control.createRepo({ owner: 'acme', name: 'zzz-last' });
    sim.control.resetCounts();
    const repos = await github.listAccessibleRepositories();
    expect(repos.map((r) => r.fullName)).toContain('acme/zzz-last');
    // Sorted by full name, the new repository lands on the last page: pages 1 and 2 are unchanged.
    expect(sim.control.requestCounts().byRoute['GET /user/repos']).toMatchObject({
      total: 3,
      charged: 1,
      notModified: 2,
    });
  });

  it('lists an organization and an App installation', async () => {
    const { github } = gitHubFor(sim);
    const org = await github.listOrganizationRepositories('acme');
    expect(org.every((r) => r.owner === 'acme')).toBe(true);
    expect(org.length).toBeGreaterThanOrEqual(REPOS);

    const { github: app } = gitHubFor(sim, {
      token: TOKENS.installation,
      port: { authKind: 'app-installation' },
    });
    const installed = await app.listAccessibleRepositories();
    expect(installed.map((r) => r.fullName).sort()).toEqual(org.map((r) => r.fullName).sort());
    expect(
      sim.control.requestCounts().byRoute['GET /installation/repositories']?.total,
    ).toBeGreaterThanOrEqual(3);
  });

  it('maps an unknown organization to github.not_found and an aborted signal to a cancelled call', async () => {
    const { github } = gitHubFor(sim);
    await expect(github.listOrganizationRepositories('nope')).rejects.toMatchObject({
      code: 'github.not_found',
    });
    const controller = new AbortController();
    controller.abort();
    await expect(github.listAccessibleRepositories({ signal: controller.signal })).rejects.toMatchObject({
      code: 'github.unavailable',
      message: expect.stringMatching(/cancelled/),
    });
  });

  it('reads one repository with its private flag, conditionally; an unknown one is github.not_found', async () => {
    const { github } = gitHubFor(sim);
    expect(await github.getRepository('alice/own')).toMatchObject({ fullName: 'alice/own', private: false });
    expect(await github.getRepository({ owner: 'acme', name: 'repo-001' })).toMatchObject({ private: true });
    sim.control.resetCounts();
    await github.getRepository('alice/own');
    expect(sim.control.requestCounts().byRoute['GET /repos/{owner}/{repo}']).toMatchObject({
      total: 1,
      charged: 0,
      notModified: 1,
    });
    await expect(github.getRepository('alice/missing')).rejects.toMatchObject({ code: 'github.not_found' });
  });

  it('lists workflows and reads a file again only when it changed', async () => {
    const { fullName } = sim.control.createRepo({
      owner: 'acme',
      name: 'with-workflows',
      workflows: [
        { path: '.github/workflows/ci.yml', content: workflowYaml('[self-hosted, linux]') },
        {
          path: '.github/workflows/docs.yml',
          content: workflowYaml('ubuntu-latest', 'Docs'),
          state: 'disabled_manually',
        },
      ],
    });
    const repo = { owner: 'acme', name: 'with-workflows' };
    const { github } = gitHubFor(sim);
    expect(await github.listWorkflows(repo)).toEqual([
      { id: expect.any(Number), name: 'CI', path: '.github/workflows/ci.yml', state: 'active' },
      {
        id: expect.any(Number),
        name: 'Docs',
        path: '.github/workflows/docs.yml',
        state: 'disabled_manually',
      },
    ]);
    const route = 'GET /repos/{owner}/{repo}/contents/{path}';
    expect(await github.getWorkflowFile(repo, '.github/workflows/ci.yml')).toBe(
      workflowYaml('[self-hosted, linux]'),
    );
    expect(await github.getWorkflowFile(repo, '.github/workflows/ci.yml')).toBe(
      workflowYaml('[self-hosted, linux]'),
    );
    expect(sim.control.requestCounts().byRoute[route]).toMatchObject({
      total: 2,
      charged: 1,
      notModified: 1,
    });

    sim.control.addWorkflowFile(fullName, {
      path: '.github/workflows/ci.yml',
      content: workflowYaml('[self-hosted, gpu]'),
    });
    expect(await github.getWorkflowFile(repo, '.github/workflows/ci.yml')).toBe(
      workflowYaml('[self-hosted, gpu]'),
    );
    expect(sim.control.requestCounts().byRoute[route]).toMatchObject({
      total: 3,
      charged: 2,
      notModified: 1,
    });

    expect(await github.getWorkflowFile(repo, '.github/workflows/missing.yml')).toBeNull();
    expect(await github.getWorkflowFile(repo, '.github')).toBeNull();
  });

  it('lists queued runs and their jobs, labels as written', async () => {
    sim.control.createRepo({ owner: 'acme', name: 'busy' });
    const repo = { owner: 'acme', name: 'busy' };
    const { runId, jobId } = sim.control.queueJob({
      repo: 'acme/busy',
      labels: ['Self-Hosted', 'Linux', 'GPU'],
    });
    const { github } = gitHubFor(sim);
    const runs = await github.listQueuedRuns(repo);
    expect(runs).toEqual([
      {
        id: runId,
        name: expect.any(String),
        workflowId: expect.any(Number),
        path: expect.stringMatching(/^\.github\/workflows\//),
        status: 'queued',
        event: expect.any(String),
        headBranch: 'main',
        createdAt: expect.any(String),
        // The repository's visibility as of this answer (the simulator's repositories are private by default).
        repositoryPrivate: true,
      },
    ]);
    expect(await github.listRunJobs(repo, runId)).toEqual([
      {
        id: jobId,
        runId,
        name: expect.any(String),
        status: 'queued',
        conclusion: null,
        labels: ['Self-Hosted', 'Linux', 'GPU'],
        runnerId: null,
        runnerName: null,
        createdAt: expect.any(String),
        workflowName: 'CI',
        htmlUrl: expect.stringMatching(new RegExp(`/actions/runs/${runId}/job/${jobId}$`)),
      },
    ]);
    sim.control.resetCounts();
    await github.listQueuedRuns(repo);
    await github.listRunJobs(repo, runId);
    expect(sim.control.requestCounts()).toMatchObject({ total: 2, charged: 0, notModified: 2 });

    sim.control.cancelJob(jobId);
    expect(await github.listQueuedRuns(repo)).toEqual([]);
  });

  it('sees a job still queued in a run that is already in progress', async () => {
    sim.control.createRepo({ owner: 'acme', name: 'multi' });
    const repo = { owner: 'acme', name: 'multi' };
    const { runId, jobIds } = sim.control.queueRun({
      repo: 'acme/multi',
      jobs: [
        { name: 'first', labels: ['self-hosted', 'a'], durationMs: 60_000 },
        { name: 'second', labels: ['self-hosted', 'b'] },
      ],
    });
    const { github } = gitHubFor(sim);
    const jit = await github.generateJitConfig(
      { kind: 'repository', owner: 'acme', repo: 'multi' },
      { name: 'runner-a', labels: ['self-hosted', 'a'], runnerGroupId: 1 },
    );
    const stop = new AbortController();
    const runner = runStandInRunner({
      mode: 'jit',
      jitConfig: jit.encodedJitConfig,
      signal: stop.signal,
      pollWaitMs: 200,
    });
    try {
      await sim.control.waitForJob(jobIds[0] ?? 0, 'in_progress', { timeoutMs: 20_000 });
      expect(await github.listQueuedRuns(repo)).toEqual([]);
      const running = await github.listRunsByStatus(repo, 'in_progress');
      expect(running.map((r) => r.id)).toEqual([runId]);
      const jobs = await github.listRunJobs(repo, runId);
      expect(jobs.map((j) => [j.name, j.status, j.runnerName])).toEqual([
        ['first', 'in_progress', 'runner-a'],
        ['second', 'queued', null],
      ]);
      expect(jobs[0]?.runnerId).toBe(jit.runner.id);
    } finally {
      stop.abort();
      await runner;
    }
  });

  it('retries a 5xx and reports one that persists as retryable', async () => {
    sim.control.createRepo({ owner: 'acme', name: 'flaky' });
    const repo = { owner: 'acme', name: 'flaky' };
    const route = '/repos/{owner}/{repo}/actions/workflows';
    const { github } = gitHubFor(sim, { retries: 2 });
    sim.control.injectFault({ kind: 'error', status: 502, count: 1, match: { method: 'GET', path: route } });
    expect(await github.listWorkflows(repo)).toEqual([]);
    expect(sim.control.requestCounts().byRoute[`GET ${route}`]?.total).toBe(2);

    sim.control.resetCounts();
    sim.control.injectFault({
      kind: 'error',
      status: 503,
      count: 'always',
      match: { method: 'GET', path: route },
    });
    await expect(github.listWorkflows(repo)).rejects.toMatchObject({
      code: 'github.unavailable',
      retryable: true,
    });
    expect(sim.control.requestCounts().byRoute[`GET ${route}`]?.total).toBe(3);
  }, 30_000);
});
