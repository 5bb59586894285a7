import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GitHubSim } from '../src/index.js';
import { expectSchema } from './helpers/openapi.js';
import { TOKENS, octokitFor, startWorld, statusOf } from './helpers/sim.js';

describe('discovery endpoints', () => {
  let sim: GitHubSim;
  beforeAll(async () => {
    sim = await startWorld();
  });
  afterAll(async () => {
    await sim.close();
  });

  it('validates its own helper: a wrong body fails the schema', () => {
    expect(() =>
      expectSchema('/repos/{owner}/{repo}/actions/runners/{runner_id}', 'get', 200, { id: 'x' }),
    ).toThrow(/schema/);
  });

  it('lists the repositories of the authenticated user (GET /user/repos)', async () => {
    const res = await octokitFor(sim, TOKENS.alice).repos.listForAuthenticatedUser({ per_page: 100 });
    expectSchema('/user/repos', 'get', 200, res.data);
    expect(res.data.map((r) => r.full_name)).toEqual(['acme/app', 'acme/site']);
    expect(res.data[0]).toMatchObject({ private: true, visibility: 'private', permissions: { admin: true } });
    const bob = await octokitFor(sim, TOKENS.bob).repos.listForAuthenticatedUser();
    expect(bob.data.map((r) => r.full_name)).toEqual(['bob/secret']);
    const forbidden = await statusOf(octokitFor(sim, TOKENS.installation).repos.listForAuthenticatedUser());
    expect(forbidden.status).toBe(403);
    expectSchema('/user/repos', 'get', 403, forbidden.body);
  });

  it('lists organization repositories: members see private ones, others only public ones', async () => {
    const member = await octokitFor(sim, TOKENS.alice).repos.listForOrg({ org: 'acme', sort: 'full_name' });
    expectSchema('/orgs/{org}/repos', 'get', 200, member.data);
    expect(member.data.map((r) => r.name)).toEqual(['app', 'site']);
    const stranger = await octokitFor(sim, TOKENS.bob).repos.listForOrg({ org: 'acme' });
    expect(stranger.data.map((r) => r.name)).toEqual(['site']);
    const missing = await statusOf(octokitFor(sim, TOKENS.bob).repos.listForOrg({ org: 'nope' }));
    expect(missing.status).toBe(404);
  });

  it('lists an installation’s repositories (GET /installation/repositories)', async () => {
    const res = await octokitFor(sim, TOKENS.installation).apps.listReposAccessibleToInstallation();
    expectSchema('/installation/repositories', 'get', 200, res.data);
    expect(res.data.total_count).toBe(2);
    const paged = await octokitFor(sim, TOKENS.installation).paginate(
      octokitFor(sim, TOKENS.installation).apps.listReposAccessibleToInstallation,
      { per_page: 1 },
    );
    expect(paged.map((r) => r.full_name)).toEqual(['acme/app', 'acme/site']);
    const user = await statusOf(octokitFor(sim, TOKENS.alice).apps.listReposAccessibleToInstallation());
    expect(user.status).toBe(403);
    expectSchema('/installation/repositories', 'get', 403, user.body);
  });

  it('gets a repository (full-repository), 404 for a foreign private one', async () => {
    const res = await octokitFor(sim, TOKENS.alice).repos.get({ owner: 'acme', repo: 'app' });
    expectSchema('/repos/{owner}/{repo}', 'get', 200, res.data);
    expect(res.data).toMatchObject({
      full_name: 'acme/app',
      archived: false,
      disabled: false,
      default_branch: 'main',
    });
    expect(res.data.url).toBe(`${sim.apiUrl}/repos/acme/app`);
    expect(res.data.html_url).toBe(`${sim.url}/acme/app`);
    const err = await statusOf(octokitFor(sim, TOKENS.bob).repos.get({ owner: 'acme', repo: 'app' }));
    expect(err.status).toBe(404);
    expectSchema('/repos/{owner}/{repo}', 'get', 404, err.body);
  });

  it('shows archived and disabled flags; a disabled repository blocks its contents (403)', async () => {
    sim.control.createRepo({ owner: 'acme', name: 'old', archived: true });
    sim.control.createRepo({ owner: 'acme', name: 'off', disabled: true });
    const gh = octokitFor(sim, TOKENS.alice);
    expect((await gh.repos.get({ owner: 'acme', repo: 'old' })).data.archived).toBe(true);
    expect((await gh.repos.get({ owner: 'acme', repo: 'off' })).data.disabled).toBe(true);
    const blocked = await statusOf(gh.actions.listRepoWorkflows({ owner: 'acme', repo: 'off' }));
    expect(blocked).toMatchObject({ status: 403, body: { message: 'Repository access blocked' } });
    const readOnly = await statusOf(
      gh.actions.createRegistrationTokenForRepo({ owner: 'acme', repo: 'old' }),
    );
    expect(readOnly).toMatchObject({
      status: 403,
      body: { message: 'Repository was archived so is read-only.' },
    });
  });

  it('lists workflows with their state', async () => {
    sim.control.addWorkflowFile('acme/app', {
      path: '.github/workflows/nightly.yml',
      content: 'name: Nightly\non: schedule\n',
      state: 'disabled_manually',
    });
    const res = await octokitFor(sim, TOKENS.alice).actions.listRepoWorkflows({ owner: 'acme', repo: 'app' });
    expectSchema('/repos/{owner}/{repo}/actions/workflows', 'get', 200, res.data);
    expect(res.data.workflows.map((w) => [w.name, w.path, w.state])).toEqual([
      ['CI', '.github/workflows/ci.yml', 'active'],
      ['Nightly', '.github/workflows/nightly.yml', 'disabled_manually'],
    ]);
  });

  it('serves file contents as base64 in 60-character lines, and directories', async () => {
    const gh = octokitFor(sim, TOKENS.alice);
    const content = 'x'.repeat(200);
    sim.control.addWorkflowFile('acme/app', { path: '.github/workflows/long.yml', content });
    const res = await gh.repos.getContent({ owner: 'acme', repo: 'app', path: '.github/workflows/long.yml' });
    expectSchema('/repos/{owner}/{repo}/contents/{path}', 'get', 200, res.data);
    const file = res.data as { content: string; encoding: string; sha: string; size: number };
    expect(file.encoding).toBe('base64');
    const lines = file.content.split('\n');
    expect(lines.slice(0, -2).every((l) => l.length === 60)).toBe(true);
    expect(lines.at(-1)).toBe('');
    expect(Buffer.from(file.content, 'base64').toString('utf8')).toBe(content);
    expect(file.sha).toMatch(/^[0-9a-f]{40}$/);
    expect(file.size).toBe(200);
    const dir = await gh.repos.getContent({ owner: 'acme', repo: 'app', path: '.github/workflows' });
    expectSchema('/repos/{owner}/{repo}/contents/{path}', 'get', 200, dir.data);
    expect((dir.data as { name: string }[]).map((e) => e.name)).toEqual([
      'ci.yml',
      'long.yml',
      'nightly.yml',
    ]);
    const missing = await statusOf(gh.repos.getContent({ owner: 'acme', repo: 'app', path: 'nope.txt' }));
    expect(missing.status).toBe(404);
    expectSchema('/repos/{owner}/{repo}/contents/{path}', 'get', 404, missing.body);
    const badRef = await statusOf(
      gh.repos.getContent({ owner: 'acme', repo: 'app', path: 'README.md', ref: 'feature' }),
    );
    expect(badRef.status).toBe(404);
  });

  it('lists runs by status, the jobs of a run, and a job', async () => {
    const gh = octokitFor(sim, TOKENS.alice);
    const a = sim.control.queueJob({
      repo: 'acme/app',
      labels: ['self-hosted', 'linux'],
      workflowName: 'CI',
    });
    const b = sim.control.queueRun({
      repo: 'acme/app',
      workflowName: 'Matrix',
      jobs: [{ labels: ['x'] }, { labels: ['y'], name: 'two' }],
    });
    sim.control.cancelJob(a.jobId);
    const queued = await gh.actions.listWorkflowRunsForRepo({ owner: 'acme', repo: 'app', status: 'queued' });
    expectSchema('/repos/{owner}/{repo}/actions/runs', 'get', 200, queued.data);
    expect(queued.data.workflow_runs.map((r) => r.id)).toEqual([b.runId]);
    const cancelled = await gh.actions.listWorkflowRunsForRepo({
      owner: 'acme',
      repo: 'app',
      status: 'cancelled',
    });
    expect(cancelled.data.workflow_runs.map((r) => [r.id, r.status, r.conclusion])).toEqual([
      [a.runId, 'completed', 'cancelled'],
    ]);
    const all = await gh.actions.listWorkflowRunsForRepo({ owner: 'acme', repo: 'app' });
    expect(all.data.workflow_runs.map((r) => r.id)).toEqual([b.runId, a.runId]);
    const run = await gh.actions.getWorkflowRun({ owner: 'acme', repo: 'app', run_id: b.runId });
    expectSchema('/repos/{owner}/{repo}/actions/runs/{run_id}', 'get', 200, run.data);
    const jobs = await gh.actions.listJobsForWorkflowRun({ owner: 'acme', repo: 'app', run_id: b.runId });
    expectSchema('/repos/{owner}/{repo}/actions/runs/{run_id}/jobs', 'get', 200, jobs.data);
    expect(jobs.data.jobs.map((j) => [j.name, j.status, j.labels, j.runner_id, j.runner_name])).toEqual([
      ['job-1', 'queued', ['x'], null, null],
      ['two', 'queued', ['y'], null, null],
    ]);
    const job = await gh.actions.getJobForWorkflowRun({
      owner: 'acme',
      repo: 'app',
      job_id: b.jobIds[1] ?? 0,
    });
    expectSchema('/repos/{owner}/{repo}/actions/jobs/{job_id}', 'get', 200, job.data);
    expect(job.data).toMatchObject({
      id: b.jobIds[1],
      run_id: b.runId,
      workflow_name: 'Matrix',
      head_branch: 'main',
    });
    const other = await statusOf(
      gh.actions.getJobForWorkflowRun({ owner: 'acme', repo: 'site', job_id: b.jobIds[1] ?? 0 }),
    );
    expect(other.status).toBe(404);
    const badStatus = await statusOf(
      gh.request('GET /repos/{owner}/{repo}/actions/runs', {
        owner: 'acme',
        repo: 'app',
        status: 'bogus',
      } as never),
    );
    expect(badStatus.status).toBe(422);
  });

  it('paginates runs like GitHub', async () => {
    sim.control.createRepo({ owner: 'acme', name: 'busy' });
    for (let i = 0; i < 35; i += 1) sim.control.queueJob({ repo: 'acme/busy', labels: ['self-hosted'] });
    const gh = octokitFor(sim, TOKENS.alice);
    const first = await gh.actions.listWorkflowRunsForRepo({ owner: 'acme', repo: 'busy' });
    expect(first.data.workflow_runs).toHaveLength(30);
    expect(first.data.total_count).toBe(35);
    expect(first.headers.link).toContain('rel="next"');
    const all = await gh.paginate(gh.actions.listWorkflowRunsForRepo, {
      owner: 'acme',
      repo: 'busy',
      status: 'queued',
      per_page: 10,
    });
    expect(all).toHaveLength(35);
  });

  it('reports the rate limit without charging for it', async () => {
    const gh = octokitFor(sim, TOKENS.bob);
    const before = await gh.rateLimit.get();
    expectSchema('/rate_limit', 'get', 200, before.data);
    await gh.repos.listForAuthenticatedUser();
    const after = await gh.rateLimit.get();
    expect(after.data.rate.used).toBe(before.data.rate.used + 1);
    expect(after.data.resources.core.limit).toBe(5000);
  });
});
