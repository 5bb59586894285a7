#!/usr/bin/env node
// Warm-pool benchmark (run after `pnpm build`): queued → job taken for a pool that keeps warm runners against a
// cold pool of the same image, side by side in one run, and how soon the warm pool is back to minIdle after a job
// took one, against the floor of a raw `docker run -d`. The built gateway and orchestrator run as processes with a
// pool file of two pools; the simulator (here) queues jobs and sends signed `workflow_job` deliveries to the gateway.
//
//   node bench/warm.mjs          BENCH_WARM_SAMPLES=20 BENCH_WARM_BURST=10 BENCH_WARM_MIN_IDLE=10
//
// Times: t0 just before the job is queued; "taken" is the job's `started_at` in the simulator; "refilled" is the
// engine's `start` event of the warm pool's replacement runner, from the moment the job was taken. Goal: with a
// warm runner free, the warm pool's p50 at most a quarter of the cold pool's, and the refill within a raw
// `docker run -d` + 150 ms. Bounded: every wait has a deadline.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import {
  DockerStarts,
  envInt,
  loadStackModules,
  startWebhookStack,
  SHARED_TOKEN,
  WEBHOOK_SECRET,
  STAND_IN_IMAGE,
  SELF_HOSTED_WORKFLOW,
} from './services.mjs';
import { rawRuns } from './webhook.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const GITHUB_TOKEN = `ghp_${'w4rm'.repeat(9)}`;

export function warmSettings(env = process.env) {
  return {
    samples: envInt(env, 'BENCH_WARM_SAMPLES', 20),
    burst: envInt(env, 'BENCH_WARM_BURST', 10),
    minIdle: envInt(env, 'BENCH_WARM_MIN_IDLE', 10),
  };
}

const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return null;
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]);
};

async function startStack(kit, simModule, settings) {
  const sim = await simModule.startGitHubSim({ tokens: { [GITHUB_TOKEN]: { login: 'octo' } } });
  sim.control.createRepo({
    owner: 'octo',
    name: 'bench',
    workflows: [{ path: '.github/workflows/ci.yml', content: SELF_HOSTED_WORKFLOW }],
  });
  const poolFile = join(mkdtempSync(join(tmpdir(), 'bench-warm-')), 'pools.yaml');
  writeFileSync(
    poolFile,
    `pools:\n  - name: warm\n    labels: [warm]\n    minIdle: ${settings.minIdle}\n    max: ${settings.minIdle + settings.burst}\n    scope: { repository: octo/bench }\n  - name: cold\n    labels: [cold]\n`,
  );
  const stack = await startWebhookStack(ROOT, kit, sim, {
    token: GITHUB_TOKEN,
    sharedToken: SHARED_TOKEN,
    webhookSecret: WEBHOOK_SECRET,
    repo: 'octo/bench',
    orchestratorId: kit.uniqueId('bench-warm'),
    orchestratorEnv: {
      RUNNER_IMAGE: STAND_IN_IMAGE,
      RUNNER_POOLS_FILE: poolFile,
      MAX_RUNNERS: String(settings.minIdle + 2 * settings.burst + 5),
    },
  }).catch(async (error) => {
    await sim.close();
    throw error;
  });
  const stop = async () => {
    await stack.stop();
    await sim.close();
  };
  return { sim, orchestratorId: stack.orchestratorId, stop };
}

/** Waits until `count` runners are online and free in the repository: the warm pool is ready. */
async function warmReady(sim, count) {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    const free = sim.control
      .listRunners({ repo: 'octo/bench' })
      .filter((r) => r.status === 'online' && !r.busy);
    if (free.length >= count) return;
    await sleep(50);
  }
  throw new Error(`the warm pool did not reach ${count} free runners within 120 s`);
}

/** Queues `count` jobs of `pool` at once; ms from queueing to each job being taken. */
async function takeJobs(sim, pool, count) {
  const t0 = Date.now();
  const jobs = Array.from({ length: count }, () =>
    sim.control.queueJob({ repo: 'octo/bench', labels: ['self-hosted', pool], durationMs: 100 }),
  );
  return Promise.all(
    jobs.map(async ({ jobId }) => {
      const job = await sim.control.waitForJob(jobId, 'completed', { timeoutMs: 120_000 });
      return { taken: Date.parse(job.startedAt) - t0, takenAt: Date.parse(job.startedAt) };
    }),
  );
}

/** ms from `takenAt` to the start of the warm pool's next runner started for no job. */
async function refillTime(starts, orchestratorId, takenAt) {
  const started = await starts.waitFor(
    (e) =>
      e.labels['gha-ephemeral.orchestrator'] === orchestratorId &&
      e.labels['gha-ephemeral.pool'] === 'warm' &&
      e.labels['gha-ephemeral.job-id'] === undefined &&
      e.time >= takenAt,
    60_000,
  );
  return Math.round(started - takenAt);
}

export async function runWarmBench(settings = warmSettings()) {
  const { kit, simModule } = await loadStackModules(ROOT);
  const Docker = createRequire(join(ROOT, 'packages/runtime-docker/package.json'))('dockerode');
  const starts = await DockerStarts.open(new Docker());
  const say = (text) => process.stderr.write(`[bench:warm] ${text}\n`);
  const raw = await rawRuns(starts, kit.uniqueId('raw'), 1).then(async (first) => [
    ...first,
    ...(await Promise.all(Array.from({ length: 4 }, () => rawRuns(starts, kit.uniqueId('raw'), 1)))).flat(),
  ]);
  const stack = await startStack(kit, simModule, settings);
  try {
    await warmReady(stack.sim, settings.minIdle);
    const warm = [];
    const cold = [];
    const refills = [];
    for (let i = 0; i < settings.samples; i++) {
      const [w] = await takeJobs(stack.sim, 'warm', 1);
      warm.push(w.taken);
      refills.push(await refillTime(starts, stack.orchestratorId, w.takenAt));
      cold.push((await takeJobs(stack.sim, 'cold', 1))[0].taken);
      await warmReady(stack.sim, settings.minIdle);
      if ((i + 1) % 5 === 0) say(`${i + 1} of ${settings.samples} one-at-a-time samples`);
    }
    say(`bursts of ${settings.burst}`);
    const warmBurst = (await takeJobs(stack.sim, 'warm', settings.burst)).map((j) => j.taken);
    await warmReady(stack.sim, settings.minIdle);
    const coldBurst = (await takeJobs(stack.sim, 'cold', settings.burst)).map((j) => j.taken);
    const summary = (values) => ({ p50: percentile(values, 50), p95: percentile(values, 95) });
    return {
      settings,
      rawDockerRun: summary(raw),
      oneAtATime: { warm: summary(warm), cold: summary(cold), refill: summary(refills) },
      burst: { warm: summary(warmBurst), cold: summary(coldBurst) },
      raw: { warm, cold, refills, warmBurst, coldBurst, rawDockerRun: raw },
    };
  } finally {
    starts.close();
    await stack.stop();
  }
}

export function formatWarmBench(r) {
  const row = (name, s) => `| ${name} | ${s.p50} | ${s.p95} |`;
  const ratio = (r.oneAtATime.warm.p50 / r.oneAtATime.cold.p50).toFixed(3);
  const budget = r.rawDockerRun.p50 + 150;
  return [
    `Warm pool (minIdle ${r.settings.minIdle}) against a cold pool, queued → job taken, ms (webhooks).`,
    '| | p50 | p95 |',
    '|--|--:|--:|',
    row(`warm, one at a time (${r.settings.samples})`, r.oneAtATime.warm),
    row(`cold, one at a time (${r.settings.samples})`, r.oneAtATime.cold),
    row(`warm, burst of ${r.settings.burst}`, r.burst.warm),
    row(`cold, burst of ${r.settings.burst}`, r.burst.cold),
    row('warm pool refilled (job taken → replacement running)', r.oneAtATime.refill),
    row('raw docker run -d (floor)', r.rawDockerRun),
    `Goal: warm p50 ≤ 0.25 × cold p50 (now ${ratio}×); refill p50 ≤ docker run p50 + 150 ms = ${budget} ms (now ${r.oneAtATime.refill.p50} ms).`,
  ].join('\n');
}

export function warmBenchFailed(r) {
  return r.oneAtATime.warm.p50 > 0.25 * r.oneAtATime.cold.p50;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const result = await runWarmBench();
  console.log(formatWarmBench(result));
  console.log(JSON.stringify(result.raw));
}
