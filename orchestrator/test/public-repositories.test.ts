import type { GitHubSim } from '@gha-ephemeral/github-sim';
import { waitFor } from '@gha-ephemeral/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Harness } from './harness.js';
import { sampleValue, scrape } from './prometheus.js';
import {
  containersOf,
  postDelivery,
  signDelivery,
  startWebhookWorld,
  type WebhookWorld,
} from './webhook-stack.js';

// A public repository takes pull requests from any fork: by default no runner may serve it, whichever way its jobs
// or requests arrive (polling, webhook, API). ALLOW_PUBLIC_REPOSITORIES=true is the opt-in.
const SECRET = 'public-repositories-secret-0123456789';
const LABEL = 'pubrepo';
const LABELS = ['self-hosted', LABEL];
/** The gateway's API key in `startWebhookStack`. */
const API_KEY = 'webhook-tests-api-key-0123456789';
const OPEN = ['hooked-open', 'polled-open', 'api-open'];

/** A world whose three repositories are public, with a webhook on `octo/hooked-open` only. */
async function startPublicWorld(env: Record<string, string> = {}): Promise<WebhookWorld> {
  // `turned-open` starts private: it is made public between discovery and a poll.
  const world = await startWebhookWorld({
    label: LABEL,
    secret: SECRET,
    repos: [...OPEN, 'turned-open'],
    env,
  });
  for (const name of OPEN) world.sim.control.updateRepo(`octo/${name}`, { private: false });
  world.sim.control.addWebhook({
    url: `${world.stack.gatewayUrl}/webhooks/github`,
    secret: SECRET,
    repo: 'octo/hooked-open',
  });
  await world.sim.control.webhooksIdle();
  return world;
}

/** One automatic pass, as the check loop runs it. */
async function pass(h: Harness) {
  const auto = h.orchestrator.auto!;
  return auto.reconciler.reconcile(await auto.poller.poll());
}

/** `POST /api/v1/runners` through the gateway, as a client calls it. */
async function requestRunner(world: WebhookWorld, repository: string): Promise<Response> {
  return fetch(`${world.stack.gatewayUrl}/api/v1/runners`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${API_KEY}` },
    body: JSON.stringify({ repository }),
  });
}

/** The log lines of refusals of one repository. */
function refusals(h: Harness, repository: string): string[] {
  return h.log.text
    .split('\n')
    .filter((line) => line.includes('public repository refused') && line.includes(`"${repository}"`));
}

/** The orchestrator's count of `queued` deliveries handled, by outcome; `undefined` for an outcome never counted. */
async function queuedEvents(world: WebhookWorld): Promise<Record<string, number | undefined>> {
  const text = await scrape(world.stack.orchestratorUrl);
  const count = (outcome: string) =>
    sampleValue(text, 'gha_ephemeral_workflow_job_events_total', { action: 'queued', outcome });
  return { refused: count('refused'), queued: count('queued'), ignored: count('ignored') };
}

/** Waits until the orchestrator has handled `total` queued deliveries, whatever became of them. */
async function handledQueued(
  world: WebhookWorld,
  total: number,
): Promise<Record<string, number | undefined>> {
  return waitFor(
    async () => {
      const counts = await queuedEvents(world);
      return Object.values(counts).reduce((a: number, b) => a + (b ?? 0), 0) >= total ? counts : null;
    },
    { timeoutMs: 15_000, message: `the orchestrator did not handle ${total} queued deliveries` },
  );
}

/** A `workflow_job` body without `repository.private`, as an older or trimmed sender might post it. */
function bodyWithoutPrivate(job: { jobId: number; runId: number }, repository: string): string {
  return JSON.stringify({
    action: 'queued',
    workflow_job: { id: job.jobId, run_id: job.runId, status: 'queued', labels: LABELS, runner_name: null },
    repository: { full_name: repository },
    sender: { login: 'octo' },
  });
}

describe('public repositories are refused by default (real engine, simulator, gateway)', () => {
  let world: WebhookWorld;
  let sim: GitHubSim;
  let h: Harness;

  beforeAll(async () => {
    world = await startPublicWorld();
    ({ sim, h } = world);
  });
  afterAll(async () => world?.close());

  it('webhook: a queued job of a public repository is acknowledged, books nothing and starts no runner', async () => {
    const jobs = [1, 2].map(() => sim.control.queueJob({ repo: 'octo/hooked-open', labels: LABELS }));
    await handledQueued(world, 2);
    await sim.control.webhooksIdle();
    const queued = sim.control.webhookDeliveries().filter((d) => d.event === 'workflow_job');
    expect(queued.map((d) => [d.action, d.status])).toEqual([
      ['queued', 202],
      ['queued', 202],
    ]);
    // A delivery without the flag: the orchestrator asks GitHub for the repository instead of trusting it.
    const third = sim.control.queueJob({ repo: 'octo/api-open', labels: LABELS });
    const body = bodyWithoutPrivate(third, 'octo/api-open');
    expect(
      (await postDelivery(world.stack.gatewayUrl, body, { signature: signDelivery(SECRET, body) })).status,
    ).toBe(202);
    await handledQueued(world, 3);
    // A pass started by a delivery would have started its runner within this time.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect([...jobs, third].map(({ jobId }) => sim.control.getJob(jobId)?.status)).toEqual([
      'queued',
      'queued',
      'queued',
    ]);
    expect(sim.control.listAllRunners()).toEqual([]);
    expect(await containersOf(h.orchestratorId)).toEqual([]);
    expect(h.orchestrator.auto!.book.demand()).toEqual([]);
    // Refused, all three; none was ever counted as queued or ignored.
    expect(await queuedEvents(world)).toEqual({ refused: 3, queued: undefined, ignored: undefined });
    expect(sim.control.requestCounts().byRoute['GET /repos/{owner}/{repo}']?.total).toBeGreaterThan(0);
    expect(refusals(h, 'octo/hooked-open')).toHaveLength(1);
    expect(refusals(h, 'octo/hooked-open')[0]).toContain('"source":"webhook"');
  });

  it('discovery: a public repository is not polled, its queued job gets no runner, and it is logged once', async () => {
    const { jobId } = sim.control.queueJob({ repo: 'octo/polled-open', labels: LABELS });
    const first = await pass(h);
    expect(first.created).toBe(0);
    expect(h.orchestrator.auto!.poller.watchedRepositories).not.toContain('octo/polled-open');
    // Passes and a fresh discovery: still no runner, and no second log line.
    expect((await pass(h)).created).toBe(0);
    h.orchestrator.auto!.poller.invalidate();
    expect((await pass(h)).created).toBe(0);
    expect(await containersOf(h.orchestratorId)).toEqual([]);
    expect(sim.control.getJob(jobId)?.status).toBe('queued');
    expect(refusals(h, 'octo/polled-open')).toHaveLength(1);
    expect(refusals(h, 'octo/polled-open')[0]).toContain('"source":"discovery"');
  });

  it('poll: a repository made public after discovery gets no runner, without waiting for a new discovery', async () => {
    await pass(h);
    expect(h.orchestrator.auto!.poller.watchedRepositories).toContain('octo/turned-open');
    sim.control.updateRepo('octo/turned-open', { private: false });
    const { jobId } = sim.control.queueJob({ repo: 'octo/turned-open', labels: LABELS });
    expect((await pass(h)).created).toBe(0);
    expect(await containersOf(h.orchestratorId)).toEqual([]);
    expect(sim.control.getJob(jobId)?.status).toBe('queued');
    expect(refusals(h, 'octo/turned-open')).toHaveLength(1);
  });

  it('API: POST /api/v1/runners for a public repository answers 403 naming ALLOW_PUBLIC_REPOSITORIES', async () => {
    sim.control.resetCounts();
    const response = await requestRunner(world, 'octo/api-open');
    expect(response.status).toBe(403);
    const error = (await response.json()) as { code: string; message: string };
    expect(error.code).toBe('runner.public_repository');
    expect(error.message).toContain('ALLOW_PUBLIC_REPOSITORIES=true');
    expect(await containersOf(h.orchestratorId)).toEqual([]);
    // Nothing was registered for it: no just-in-time runner, no registration token.
    const routes = sim.control.requestCounts().byRoute;
    expect(routes['POST /repos/{owner}/{repo}/actions/runners/generate-jitconfig']?.total ?? 0).toBe(0);
    expect(routes['POST /repos/{owner}/{repo}/actions/runners/registration-token']?.total ?? 0).toBe(0);
  });
});

describe('public repositories with ALLOW_PUBLIC_REPOSITORIES=true (real engine, simulator, gateway)', () => {
  let world: WebhookWorld;
  let sim: GitHubSim;
  let h: Harness;

  beforeAll(async () => {
    world = await startPublicWorld({ ALLOW_PUBLIC_REPOSITORIES: 'true' });
    ({ sim, h } = world);
  });
  afterAll(async () => world?.close());

  it('warns at start what the setting gives away', () => {
    expect(h.log.text).toContain('ALLOW_PUBLIC_REPOSITORIES=true: a pull request from any fork');
  });

  it('webhook: a queued job of a public repository gets a runner, which runs it', async () => {
    const { jobId } = sim.control.queueJob({ repo: 'octo/hooked-open', labels: LABELS, durationMs: 300 });
    const done = await sim.control.waitForJob(jobId, 'completed', { timeoutMs: 30_000 });
    expect(done.runnerName).toMatch(/^gha-/);
    expect(done.conclusion).toBe('success');
  });

  it('discovery: a public repository is polled and its queued job gets a runner', async () => {
    const { jobId } = sim.control.queueJob({ repo: 'octo/polled-open', labels: LABELS, durationMs: 300 });
    expect((await pass(h)).created).toBe(1);
    expect(h.orchestrator.auto!.poller.watchedRepositories).toContain('octo/polled-open');
    const done = await sim.control.waitForJob(jobId, 'completed', { timeoutMs: 30_000 });
    expect(done.runnerName).toMatch(/^gha-/);
  });

  it('API: POST /api/v1/runners for a public repository starts a runner', async () => {
    const response = await requestRunner(world, 'octo/api-open');
    expect(response.status).toBe(201);
    const containers = await containersOf(h.orchestratorId);
    expect(containers.map((c) => c.Labels['gha-ephemeral.target'])).toContain('octo/api-open');
    expect(h.log.text).not.toContain('public repository refused');
  });
});
