import { generateKeyPairSync } from 'node:crypto';
import type { Runner } from '@gha-ephemeral/contract';
import { waitFor } from '@gha-ephemeral/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
