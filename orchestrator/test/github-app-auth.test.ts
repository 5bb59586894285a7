import { generateKeyPairSync } from 'node:crypto';
import type { Runner } from '@gha-ephemeral/contract';
import { startGitHubSim, type GitHubSim, type InstallationTokenView } from '@gha-ephemeral/github-sim';
import { waitFor } from '@gha-ephemeral/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isOwnRunnerName } from '../src/fleet/naming.js';
import { startHarness, type Harness } from './harness.js';

// Made at run time: no key is ever committed. PKCS#1, as GitHub hands App keys out.
const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
const PRIVATE_KEY = keys.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
const PUBLIC_KEY = keys.publicKey.export({ type: 'spki', format: 'pem' }).toString();

const WORKFLOW = `name: CI
on: [push]
jobs:
  build:
    runs-on: [self-hosted, app]
    steps:
      - run: echo hi
`;

describe('GitHub App authentication end to end (real engine, simulator, stand-in runner)', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({
      // No token: the orchestrator acts as the App's installation, found from the organization.
      GITHUB_RUNNER_TOKEN: '',
      GITHUB_APP_ID: '4242',
      // One line with \n escapes, as a .env file holds it.
      GITHUB_APP_PRIVATE_KEY: PRIVATE_KEY.trim().replace(/\n/g, '\\n'),
      // Repository runners, repositories discovered through /installation/repositories; the organization only
      // says which installation to use.
      GITHUB_ORGANIZATION: 'appco',
      AUTO_CREATE_RUNNERS: 'true',
      RUNNER_LABELS: 'app',
    });
    h.sim.control.createOrg({ login: 'appco' });
    h.sim.control.createRepo({
      owner: 'appco',
      name: 'svc',
      workflows: [{ path: '.github/workflows/ci.yml', content: WORKFLOW }],
    });
    h.sim.control.addApp({
      id: 4242,
      publicKey: PUBLIC_KEY,
      installations: [{ id: 55, account: 'appco' }],
    });
  });
  afterAll(async () => h?.close());

  it('starts a runner through the API with an installation token, and the runner takes a job', async () => {
    const response = await h.orchestrator.app.inject({
      method: 'POST',
      url: '/api/v1/runners',
      payload: { repository: 'appco/svc' },
    });
    expect(response.statusCode).toBe(201);
    const [runner] = response.json<{ runners: Runner[] }>().runners;
    const { jobId } = h.sim.control.queueJob({
      repo: 'appco/svc',
      labels: ['self-hosted', 'app'],
      durationMs: 200,
    });
    const job = await h.sim.control.waitForJob(jobId, 'completed', { timeoutMs: 30_000 });
    expect(job.runnerName).toBe(runner!.id);
    await waitFor(async () => (await h.orchestrator.runners.list()).length === 0, {
      timeoutMs: 20_000,
      message: 'the runner stayed after its job',
    });
    const counts = h.sim.control.requestCounts().byRoute;
    expect(counts['GET /orgs/{org}/installation']?.total).toBe(1);
    expect(counts['POST /app/installations/{installation_id}/access_tokens']?.total).toBe(1);
  });

  it('finds queued jobs in automatic mode through the installation’s repositories', async () => {
    const auto = h.orchestrator.auto!;
    const { jobId } = h.sim.control.queueJob({
      repo: 'appco/svc',
      labels: ['self-hosted', 'app'],
      durationMs: 200,
    });
    const demand = await auto.poller.poll();
    expect(demand.flatMap((d) => d.jobs.map((j) => j.id))).toEqual([jobId]);
    const result = await auto.reconciler.reconcile(demand);
    expect(result.created).toBe(1);
    await h.sim.control.waitForJob(jobId, 'completed', { timeoutMs: 30_000 });
    expect(h.sim.control.requestCounts().byRoute['GET /installation/repositories']?.total).toBeGreaterThan(0);
    // Still the one token: it is valid for an hour.
    expect(
      h.sim.control.requestCounts().byRoute['POST /app/installations/{installation_id}/access_tokens']?.total,
    ).toBe(1);
  });
});

/** The installation tokens the simulator minted, oldest first, read over its HTTP control API. */
async function mintedTokens(sim: GitHubSim): Promise<InstallationTokenView[]> {
  const response = await fetch(`${sim.url}/_sim/installation-tokens`);
  return ((await response.json()) as { tokens: InstallationTokenView[] }).tokens;
}

describe('GitHub App installation tokens replaced before they expire (real engine, simulator, stand-in runner)', () => {
  // Tokens live 6 s and are replaced 4 s before expires_at: each serves 2-3 s of polls, and a poll (every second)
  // has a 4 s window to mint the next one while the old one still works.
  const LIFETIME_SECONDS = 6;
  const REFRESH_MARGIN_MS = 4_000;
  let sim: GitHubSim;
  let h: Harness;

  beforeAll(async () => {
    sim = await startGitHubSim();
    sim.control.createOrg({ login: 'refreshco' });
    sim.control.createRepo({
      owner: 'refreshco',
      name: 'svc',
      workflows: [{ path: '.github/workflows/ci.yml', content: WORKFLOW }],
    });
    sim.control.addApp({
      id: 4343,
      publicKey: PUBLIC_KEY,
      tokenLifetimeSeconds: LIFETIME_SECONDS,
      installations: [{ id: 56, account: 'refreshco' }],
    });
    h = await startHarness(
      {
        GITHUB_RUNNER_TOKEN: '',
        GITHUB_APP_ID: '4343',
        GITHUB_APP_PRIVATE_KEY: PRIVATE_KEY.trim().replace(/\n/g, '\\n'),
        GITHUB_ORGANIZATION: 'refreshco',
        AUTO_CREATE_RUNNERS: 'true',
        RUNNER_LABELS: 'app',
        // Automatic mode polls GitHub every second: steady traffic across the tokens' expiries.
        RUNNER_CHECK_INTERVAL: '1',
      },
      { sim, autoCheck: true, appTokenRefreshMarginMs: REFRESH_MARGIN_MS },
    );
  });
  afterAll(async () => {
    await h?.close();
    await sim?.close();
  });

  it('mints a new token before the old one expires, is never refused, and keeps serving jobs and the API', async () => {
    const [first] = await waitFor(
      async () => {
        const tokens = await mintedTokens(sim);
        return tokens.length > 0 ? tokens : undefined;
      },
      { timeoutMs: 20_000, message: 'a first installation token' },
    );
    const firstExpiry = Date.parse(first!.expiresAt);
    // The App's lifetime, not GitHub's hour (expires_at is rounded up to the second).
    const lifetimeMs = firstExpiry - Date.parse(first!.issuedAt);
    expect(lifetimeMs).toBeGreaterThanOrEqual(LIFETIME_SECONDS * 1000);
    expect(lifetimeMs).toBeLessThan((LIFETIME_SECONDS + 1) * 1000);

    // Until the first token has expired and a successor has authenticated requests of its own.
    const tokens = await waitFor(
      async () => {
        const all = await mintedTokens(sim);
        return Date.now() > firstExpiry + 500 && (all[1]?.accepted ?? 0) > 0 ? all : undefined;
      },
      { timeoutMs: 30_000, message: 'a second installation token in use after the first expired' },
    );
    const second = tokens[1]!;
    // Replaced no sooner than the margin before its expiry, and before it expired.
    expect(Date.parse(second.issuedAt)).toBeGreaterThanOrEqual(firstExpiry - REFRESH_MARGIN_MS);
    expect(Date.parse(second.issuedAt)).toBeLessThan(firstExpiry);
    expect(tokens[0]!.accepted).toBeGreaterThan(0);

    // Still working with the successors: a job found by polling gets a runner, and the API starts one.
    const { jobId } = sim.control.queueJob({
      repo: 'refreshco/svc',
      labels: ['self-hosted', 'app'],
      durationMs: 200,
    });
    const job = await sim.control.waitForJob(jobId, 'completed', { timeoutMs: 30_000 });
    expect(job.conclusion).toBe('success');
    expect(isOwnRunnerName(job.runnerName ?? '', h.orchestratorId)).toBe(true);
    const response = await h.orchestrator.app.inject({
      method: 'POST',
      url: '/api/v1/runners',
      payload: { repository: 'refreshco/svc' },
    });
    expect(response.statusCode).toBe(201);
    const [runner] = response.json<{ runners: Runner[] }>().runners;
    // Registered with a just-in-time configuration minted with the current token, and connected.
    await sim.control.waitFor(
      () => sim.control.getRunnerByName(runner!.id, { repo: 'refreshco/svc' })?.status === 'online',
      { timeoutMs: 20_000, description: 'the runner started through the API to come online' },
    );

    const all = await mintedTokens(sim);
    expect(all.length).toBeGreaterThanOrEqual(2);
    expect(all.map((t) => t.refusedExpired)).toEqual(all.map(() => 0));
  });
});
