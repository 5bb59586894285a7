import type { GitHubSim } from '@gha-ephemeral/github-sim';
import { waitFor } from '@gha-ephemeral/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Harness } from './harness.js';
import { counterValue, sampleValue, scrape } from './prometheus.js';
import {
  containersOf,
  postDelivery,
  signDelivery,
  startWebhookWorld,
  type WebhookStack,
  type WebhookWorld,
} from './webhook-stack.js';

const SECRET = 'webhook-replay-secret-0123456789abcdef';
const LABELS = ['self-hosted', 'replay'];

/**
 * What an attacker who captured one signed delivery can send: the same body and the same valid signature (it
 * covers the body only), under an `X-GitHub-Delivery` of their choosing.
 */
async function replay(gatewayUrl: string, body: string): Promise<Response> {
  return postDelivery(gatewayUrl, body, { signature: signDelivery(SECRET, body) });
}

describe('a replayed queued delivery (fresh delivery id) for a finished job (real engine, simulator)', () => {
  let sim: GitHubSim;
  let h: Harness;
  let stack: WebhookStack;

  const metric = async (name: string, labels: Record<string, string> = {}) =>
    sampleValue(await scrape(stack.orchestratorUrl), name, labels);
  const started = () => metric('gha_ephemeral_runners_started_total', { reason: 'job' });
  // A count of events, 0 before the first of its kind: the replays below are counted from a baseline.
  const eventsSeen = async (action: string, outcome: string) =>
    counterValue(await scrape(stack.orchestratorUrl), 'gha_ephemeral_workflow_job_events_total', {
      action,
      outcome,
    });

  let world: WebhookWorld | undefined;

  beforeAll(async () => {
    // No polling: the webhook is the only signal, as between two polls an hour apart.
    world = await startWebhookWorld({ label: 'replay', secret: SECRET, repos: ['replayed'] });
    ({ sim, h, stack } = world);
    sim.control.addWebhook({
      url: `${stack.gatewayUrl}/webhooks/github`,
      secret: SECRET,
      repo: 'octo/replayed',
    });
    await sim.control.webhooksIdle();
  });
  afterAll(async () => world?.close());

  it('starts no runner and adds no demand, however often it is sent', async () => {
    const job = sim.control.queueJob({ repo: 'octo/replayed', labels: LABELS, durationMs: 200 });
    const done = await sim.control.waitForJob(job.jobId, 'completed', { timeoutMs: 30_000 });
    expect(done.conclusion).toBe('success');
    await sim.control.webhooksIdle();
    // The gateway hands deliveries on in the background: wait until the orchestrator has seen the job end.
    await waitFor(async () => (await eventsSeen('completed', 'completed')) === 1, {
      timeoutMs: 15_000,
      message: 'the completed delivery did not reach the orchestrator',
    });
    await waitFor(async () => (await containersOf(h.orchestratorId)).length === 0, {
      timeoutMs: 20_000,
      message: 'the runner container stayed after its job',
    });
    expect(await started()).toBe(1);
    const captured = sim.control
      .webhookDeliveries()
      .find((d) => d.action === 'queued' && d.body.includes(`"id":${job.jobId},`));
    expect(captured?.status).toBe(202);

    const seenBefore = await eventsSeen('queued', 'queued');
    for (let attempt = 1; attempt <= 3; attempt += 1) {
      expect((await replay(stack.gatewayUrl, captured!.body)).status).toBe(202);
      await waitFor(
        async () =>
          (await eventsSeen('queued', 'ignored')) + (await eventsSeen('queued', 'queued')) ===
          seenBefore + attempt,
        { timeoutMs: 10_000, message: 'the replayed delivery did not reach the orchestrator' },
      );
    }

    // A pass on what the orchestrator now holds as demand, awaited: had a replay brought the job back, its runner
    // would be there by the time this resolves (and would stay, idle: the job is long done).
    const auto = h.orchestrator.auto!;
    await auto.reconciler.nudge(() => auto.book.demand());
    expect(await containersOf(h.orchestratorId)).toEqual([]);
    expect(await started()).toBe(1);
    expect(sim.control.listRunners({ repo: 'octo/replayed' })).toEqual([]);
    expect(auto.book.demand()).toEqual([]);
    // What the metrics show: three queued deliveries ignored, none taken as a queued job.
    expect(await eventsSeen('queued', 'ignored')).toBe(3);
    expect(await eventsSeen('queued', 'queued')).toBe(seenBefore);
  });
});
