import type { GitHubSim } from '@gha-ephemeral/github-sim';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createOctokit, type OctokitClientOptions } from '../src/octokit-client.js';
import { recordingLogger, startWorld, TOKENS } from './helpers/world.js';

const ORG_REPOS = 'GET /orgs/{org}/repos';

describe('conditional requests against the simulator', () => {
  let sim: GitHubSim;
  const client = (options: Partial<OctokitClientOptions> = {}) =>
    createOctokit({
      baseUrl: sim.apiUrl,
      auth: TOKENS.alice,
      userAgent: 'tests',
      logger: recordingLogger(),
      ...options,
    });

  beforeAll(async () => {
    sim = await startWorld();
    for (let i = 0; i < 120; i += 1)
      sim.control.createRepo({ owner: 'acme', name: `r-${String(i).padStart(3, '0')}` });
  });
  afterAll(async () => sim.close());
  beforeEach(() => sim.control.resetCounts());

  it('works under octokit.paginate: each page its own ETag, bodies intact on replay', async () => {
    const octokit = client();
    const first = await octokit.paginate(ORG_REPOS, { org: 'acme', per_page: 100 });
    const second = await octokit.paginate(ORG_REPOS, { org: 'acme', per_page: 100 });
    expect(second).toEqual(first);
    expect(second).toHaveLength(120);
    expect(sim.control.requestCounts().byRoute[ORG_REPOS]).toEqual({
      total: 4,
      charged: 2,
      conditional: 2,
      notModified: 2,
    });
    expect(octokit.conditionalRequests.stats()).toMatchObject({
      conditional: 2,
      notModified: 2,
      modified: 2,
      entries: 2,
    });
  });

  it('hands each caller its own copy of a replayed body', async () => {
    const octokit = client();
    const first = await octokit.request('GET /orgs/{org}/repos', { org: 'acme', per_page: 5 });
    (first.data as { name: string }[])[0]!.name = 'changed by the caller';
    const second = await octokit.request('GET /orgs/{org}/repos', { org: 'acme', per_page: 5 });
    expect(second.status).toBe(200);
    expect((second.data as { name: string }[])[0]!.name).not.toBe('changed by the caller');
    expect(second.headers.link).toMatch(/rel="next"/);
    expect(sim.control.requestCounts().notModified).toBe(1);
  });

  it('keeps one cache per client: a new client starts cold', async () => {
    await client().request('GET /orgs/{org}/repos', { org: 'acme' });
    await client().request('GET /orgs/{org}/repos', { org: 'acme' });
    expect(sim.control.requestCounts()).toMatchObject({ total: 2, conditional: 0 });
  });

  it('keys by the full URL with its query', async () => {
    const octokit = client();
    await octokit.request('GET /orgs/{org}/repos', { org: 'acme', per_page: 3 });
    await octokit.request('GET /orgs/{org}/repos', { org: 'acme', per_page: 4 });
    await octokit.request('GET /orgs/{org}/repos', { org: 'acme', per_page: 3 });
    expect(sim.control.requestCounts()).toMatchObject({ total: 3, conditional: 1, notModified: 1 });
  });

  it('stays within its bound, evicting the least recently used', async () => {
    const octokit = client({ conditionalRequests: { maxEntries: 1 } });
    for (const perPage of [3, 4, 3, 4])
      await octokit.request('GET /orgs/{org}/repos', { org: 'acme', per_page: perPage });
    expect(sim.control.requestCounts()).toMatchObject({ total: 4, conditional: 0 });
    expect(octokit.conditionalRequests.stats()).toMatchObject({ entries: 1, evictions: 3 });
  });

  it("leaves a caller's own If-None-Match alone, and can be switched off", async () => {
    const octokit = client();
    const { headers } = await octokit.request('GET /orgs/{org}/repos', { org: 'acme', per_page: 2 });
    await expect(
      octokit.request('GET /orgs/{org}/repos', {
        org: 'acme',
        per_page: 2,
        headers: { 'if-none-match': String(headers.etag) },
      }),
    ).rejects.toMatchObject({ status: 304 });

    const off = client({ conditionalRequests: { enabled: false } });
    sim.control.resetCounts();
    await off.request('GET /orgs/{org}/repos', { org: 'acme', per_page: 2 });
    await off.request('GET /orgs/{org}/repos', { org: 'acme', per_page: 2 });
    expect(sim.control.requestCounts()).toMatchObject({ total: 2, conditional: 0, charged: 2 });
  });

  it('sends the API version on every request', async () => {
    await client().request('GET /orgs/{org}/repos', { org: 'acme' });
    expect(sim.control.requestCounts().apiVersions).toEqual({ '2022-11-28': 1 });
  });
});
