import type { GitHubSim } from '@gha-ephemeral/github-sim';
import { waitFor } from '@gha-ephemeral/testkit';
import Dockerode from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Harness } from './harness.js';
import { counterValue, sampleValue, scrape } from './prometheus.js';
import {
  containersOf,
  postDelivery,
  SHARED_TOKEN,
  signDelivery,
  startWebhookWorld,
  type WebhookStack,
  type WebhookWorld,
} from './webhook-stack.js';

const docker = new Dockerode();

const SECRET = 'webhook-e2e-secret-0123456789abcdef';
const LABELS = ['self-hosted', 'hook'];

/** A `workflow_job` payload for a job of the simulator, as GitHub would send it. */
function payload(
  action: string,
  job: { jobId: number; runId: number },
  repo: string,
  extra: { labels?: string[]; runnerName?: string | null } = {},
): string {
  return JSON.stringify({
    action,
    workflow_job: {
      id: job.jobId,
      run_id: job.runId,
      status: action,
      labels: extra.labels ?? LABELS,
      runner_name: extra.runnerName ?? null,
      created_at: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    },
    repository: { full_name: repo },
    sender: { login: 'octo' },
  });
}

/** Posts a delivery to the gateway as GitHub does, signed with the secret unless `signature` says otherwise. */
async function post(
  gatewayUrl: string,
  body: string,
  options: { signature?: string | null; deliveryId?: string } = {},
): Promise<Response> {
  const signature = options.signature === undefined ? signDelivery(SECRET, body) : options.signature;
  return postDelivery(gatewayUrl, body, {
    signature,
    ...(options.deliveryId === undefined ? {} : { deliveryId: options.deliveryId }),
  });
}

describe('webhooks end to end: simulator → gateway → orchestrator → runner container (real engine)', () => {
  let sim: GitHubSim;
  let h: Harness;
  let stack: WebhookStack;

  /** The orchestrator's metrics, as Prometheus would scrape them: `undefined` for a series not there. */
  const metric = async (name: string, labels: Record<string, string> = {}) =>
    sampleValue(await scrape(stack.orchestratorUrl), name, labels);
  /** A counter, 0 before its first increment: for the counts taken before an action. */
  const count = async (name: string, labels: Record<string, string> = {}) =>
    counterValue(await scrape(stack.orchestratorUrl), name, labels);
  const started = () => count('gha_ephemeral_runners_started_total', { reason: 'job' });
  const eventsSeen = (action: string, outcome: string) =>
    count('gha_ephemeral_workflow_job_events_total', { action, outcome });

  let world: WebhookWorld | undefined;

  beforeAll(async () => {
    world = await startWebhookWorld({ label: 'hook', secret: SECRET, repos: ['hooked', 'manual'] });
    ({ sim, h, stack } = world);
    sim.control.addWebhook({
      url: `${stack.gatewayUrl}/webhooks/github`,
      secret: SECRET,
      repo: 'octo/hooked',
    });
    await sim.control.webhooksIdle();
  });
  afterAll(async () => world?.close());

  it('a queued job gets a runner through the webhook alone, and the runner takes it', async () => {
    expect(sim.control.webhookDeliveries().map((d) => [d.event, d.status])).toEqual([['ping', 200]]);
    const before = await started();
    const job = sim.control.queueJob({ repo: 'octo/hooked', labels: LABELS, durationMs: 300 });
    const done = await sim.control.waitForJob(job.jobId, 'completed', { timeoutMs: 30_000 });
    expect(done.runnerName).toMatch(/^gha-/);
    expect(await started()).toBe(before + 1);
    const histogram = await metric('gha_ephemeral_job_queued_to_runner_running_seconds_count');
    expect(histogram).toBeGreaterThanOrEqual(1);
    await sim.control.webhooksIdle();
    const deliveries = sim.control.webhookDeliveries().filter((d) => d.event === 'workflow_job');
    expect(deliveries.map((d) => [d.action, d.status])).toEqual([
      ['queued', 202],
      ['in_progress', 202],
      ['completed', 202],
    ]);
    await waitFor(async () => (await containersOf(h.orchestratorId)).length === 0, {
      timeoutMs: 20_000,
      message: 'the runner container stayed after its job',
    });
    const gateway = await scrape(stack.gatewayUrl);
    expect(
      sampleValue(gateway, 'gha_ephemeral_gateway_webhook_deliveries_total', {
        event: 'workflow_job',
        result: 'accepted',
      }),
    ).toBe(3);
  });

  it('a burst of queued deliveries starts exactly one runner per job, beyond MAX_RUNNERS as slots free up', async () => {
    const before = await started();
    // Twelve jobs against MAX_RUNNERS=10, queued a few at a time, so that deliveries reach the orchestrator while
    // the runners of earlier ones start; the last two start when `completed` frees a slot (the poll is an hour off).
    const jobs: { jobId: number; runId: number }[] = [];
    for (let wave = 0; wave < 4; wave += 1) {
      for (let i = 0; i < 3; i += 1)
        jobs.push(sim.control.queueJob({ repo: 'octo/hooked', labels: LABELS, durationMs: 300 }));
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
    const done = await Promise.all(
      jobs.map(({ jobId }) => sim.control.waitForJob(jobId, 'completed', { timeoutMs: 60_000 })),
    );
    expect(done.map((job) => job.conclusion)).toEqual(jobs.map(() => 'success'));
    expect(new Set(done.map((job) => job.runnerName)).size).toBe(jobs.length);
    expect(await started()).toBe(before + jobs.length);
    await waitFor(async () => (await containersOf(h.orchestratorId)).length === 0, {
      timeoutMs: 30_000,
      message: 'runner containers stayed after their jobs',
    });
    expect(await started()).toBe(before + jobs.length);
  }, 120_000);

  it('a job queued the moment the last one ended still gets its runner', async () => {
    // The second pass follows the first within a second or two: it may plan on the first one's listing, in which
    // the first runner was still starting. The job must not be taken for served by that runner.
    for (let i = 0; i < 3; i += 1) {
      const job = sim.control.queueJob({ repo: 'octo/hooked', labels: LABELS, durationMs: 50 });
      const done = await sim.control.waitForJob(job.jobId, 'completed', { timeoutMs: 30_000 });
      expect(done.conclusion).toBe('success');
    }
  });

  it('a redelivered queued delivery (same X-GitHub-Delivery) starts nothing more', async () => {
    const before = await started();
    const job = sim.control.queueJob({ repo: 'octo/hooked', labels: LABELS, durationMs: 200 });
    await sim.control.waitForJob(job.jobId, 'completed', { timeoutMs: 30_000 });
    await waitFor(async () => (await containersOf(h.orchestratorId)).length === 0, {
      timeoutMs: 20_000,
      message: 'the runner container stayed after its job',
    });
    expect(await started()).toBe(before + 1);
    await sim.control.webhooksIdle();
    const queued = sim.control
      .webhookDeliveries()
      .find((d) => d.action === 'queued' && d.body.includes(`"id":${job.jobId},`));
    const duplicatesBefore = await eventsSeen('queued', 'duplicate');
    // GitHub's "Redeliver": the same GUID and body. Were it taken for a new delivery, a runner would start for
    // the job again (the orchestrator has not polled since, so nothing else says the job is done).
    sim.control.redeliverWebhook(queued!.guid);
    await sim.control.webhooksIdle();
    await waitFor(async () => (await eventsSeen('queued', 'duplicate')) === duplicatesBefore + 1, {
      timeoutMs: 10_000,
      message: 'the redelivery did not reach the orchestrator',
    });
    expect(await started()).toBe(before + 1);
    expect(await containersOf(h.orchestratorId)).toEqual([]);
  });

  it('unsigned and forged deliveries do nothing; the signed one starts the runner', async () => {
    const job = sim.control.queueJob({ repo: 'octo/manual', labels: LABELS, durationMs: 200 });
    const body = payload('queued', job, 'octo/manual');
    const before = await started();
    expect((await post(stack.gatewayUrl, body, { signature: null })).status).toBe(401);
    expect(
      (await post(stack.gatewayUrl, body, { signature: signDelivery('not-the-secret', body) })).status,
    ).toBe(401);
    const tampered = body.replace('"queued"', '"queued" ');
    expect((await post(stack.gatewayUrl, tampered, { signature: signDelivery(SECRET, body) })).status).toBe(
      401,
    );
    // Time for a runner to appear, were anything handed over.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await containersOf(h.orchestratorId)).toEqual([]);
    expect(await started()).toBe(before);
    expect(sim.control.getJob(job.jobId)?.status).toBe('queued');

    expect((await post(stack.gatewayUrl, body)).status).toBe(202);
    const done = await sim.control.waitForJob(job.jobId, 'completed', { timeoutMs: 30_000 });
    expect(await started()).toBe(before + 1);
    // The rest of the job's deliveries, as GitHub sends them (this repository has no hook in the simulator).
    const completed = payload('completed', job, 'octo/manual', { runnerName: done.runnerName });
    expect((await post(stack.gatewayUrl, completed)).status).toBe(202);
  });

  it('a queued job whose labels the pool lacks gets no runner', async () => {
    await waitFor(async () => (await containersOf(h.orchestratorId)).length === 0, {
      timeoutMs: 20_000,
      message: 'an earlier runner stayed',
    });
    const job = sim.control.queueJob({
      repo: 'octo/hooked',
      labels: ['self-hosted', 'gpu'],
      durationMs: 200,
    });
    const before = await started();
    await sim.control.webhooksIdle();
    await waitFor(async () => (await eventsSeen('queued', 'ignored')) >= 1, {
      timeoutMs: 10_000,
      message: 'the delivery did not reach the orchestrator',
    });
    expect(await started()).toBe(before);
    expect(await containersOf(h.orchestratorId)).toEqual([]);
    sim.control.cancelJob(job.jobId);
  });

  it('completed removes the runner that ran the job when its container did not exit', async () => {
    await waitFor(async () => (await containersOf(h.orchestratorId)).length === 0, {
      timeoutMs: 20_000,
      message: 'an earlier runner stayed',
    });
    // A runner that stays up (started through the API, never given a job): as if it had not exited after one.
    const created = await fetch(`${stack.orchestratorUrl}/api/v1/runners`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${SHARED_TOKEN}` },
      body: JSON.stringify({ repository: 'octo/manual' }),
    });
    expect(created.status).toBe(201);
    const [runner] = ((await created.json()) as { runners: { id: string }[] }).runners;
    await waitFor(() => sim.control.getRunnerByName(runner!.id)?.status === 'online', {
      timeoutMs: 20_000,
      message: 'the runner did not come online',
    });
    // What an operator's dashboard shows meanwhile: one idle runner, GitHub answering, budget left.
    await waitFor(async () => (await metric('gha_ephemeral_runners', { state: 'idle' })) === 1, {
      timeoutMs: 15_000,
      message: 'the runners gauge never showed the idle runner',
    });
    expect(await metric('gha_ephemeral_github_requests_total', { outcome: '2xx' })).toBeGreaterThan(0);
    expect(await metric('gha_ephemeral_github_rate_limit_remaining')).toBeGreaterThan(0);
    const removedBefore = await count('gha_ephemeral_runners_removed_total', { reason: 'job_completed' });
    const body = payload('completed', { jobId: 987_654, runId: 123_456 }, 'octo/manual', {
      runnerName: runner!.id,
    });
    expect((await post(stack.gatewayUrl, body)).status).toBe(202);
    await waitFor(async () => (await containersOf(h.orchestratorId)).length === 0, {
      timeoutMs: 20_000,
      message: 'the runner of the completed job was not removed',
    });
    await waitFor(() => sim.control.getRunnerByName(runner!.id) === undefined, {
      timeoutMs: 20_000,
      message: 'the registration of the runner stayed on GitHub',
    });
    expect(await metric('gha_ephemeral_runners_removed_total', { reason: 'job_completed' })).toBe(
      removedBefore + 1,
    );
    expect(await metric('gha_ephemeral_runners', { state: 'idle' })).toBe(0);
  });
});

describe('a missed webhook is caught by the poller (automatic mode)', () => {
  it('starts the runner at the next poll when the delivery was refused', async () => {
    const world = await startWebhookWorld({
      label: 'hook',
      secret: SECRET,
      repos: ['lossy'],
      checkInterval: 2,
    });
    const { sim, stack } = world;
    try {
      // The hook's secret differs from the gateway's: every delivery is refused (401), as a lost one would be.
      sim.control.addWebhook({
        url: `${stack.gatewayUrl}/webhooks/github`,
        secret: 'rotated-on-github-only',
        repo: 'octo/lossy',
      });
      const job = sim.control.queueJob({ repo: 'octo/lossy', labels: LABELS, durationMs: 200 });
      const done = await sim.control.waitForJob(job.jobId, 'completed', { timeoutMs: 30_000 });
      expect(done.runnerName).toMatch(/^gha-/);
      await sim.control.webhooksIdle();
      const queued = sim.control.webhookDeliveries().find((d) => d.action === 'queued');
      expect(queued?.status).toBe(401);
      const gateway = await scrape(stack.gatewayUrl);
      expect(
        sampleValue(gateway, 'gha_ephemeral_gateway_webhook_deliveries_total', { result: 'forged' }),
      ).toBeGreaterThanOrEqual(1);
      expect(
        sampleValue(await scrape(stack.orchestratorUrl), 'gha_ephemeral_runners_started_total', {
          reason: 'job',
        }),
      ).toBe(1);
    } finally {
      await world.close();
    }
  });
});

describe('a signed queued delivery becomes a just-in-time runner (official image preset)', () => {
  it('registers the runner, starts a container holding only the encoded config, and the runner takes the job', async () => {
    const world = await startWebhookWorld({
      label: 'hook',
      secret: SECRET,
      repos: ['jit'],
      env: {
        RUNNER_COMMAND: '/home/runner/run.sh',
        runnerenv_ACTIONS_RUNNER_INPUT_JITCONFIG: '{jit_config}',
      },
    });
    const { sim, h, stack } = world;
    try {
      sim.control.addWebhook({
        url: `${stack.gatewayUrl}/webhooks/github`,
        secret: SECRET,
        repo: 'octo/jit',
      });
      const job = sim.control.queueJob({ repo: 'octo/jit', labels: LABELS, durationMs: 200 });
      const [container] = await waitFor(
        async () => {
          const found = await containersOf(h.orchestratorId);
          return found.length > 0 ? found : null;
        },
        { timeoutMs: 20_000, message: 'no runner container started' },
      );
      const env = (await docker.getContainer(container!.Id).inspect()).Config.Env ?? [];
      expect(env.some((entry) => entry.startsWith('ACTIONS_RUNNER_INPUT_JITCONFIG='))).toBe(true);
      expect(env.some((entry) => /^(RUNNER_TOKEN|ACCESS_TOKEN|GITHUB_TOKEN)=/.test(entry))).toBe(false);
      const done = await sim.control.waitForJob(job.jobId, 'completed', { timeoutMs: 30_000 });
      expect(done.runnerName).toBe(container!.Labels['gha-ephemeral.runner']);
      expect(
        sim.control.requestCounts().byRoute['POST /repos/{owner}/{repo}/actions/runners/registration-token'],
      ).toBeUndefined();
    } finally {
      await world.close();
    }
  });
});
