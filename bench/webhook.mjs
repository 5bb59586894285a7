#!/usr/bin/env node
// Webhook-to-runner benchmark (run after `pnpm build`): how long from a job being queued to its runner container
// running, against the floor of a raw `docker run -d` of the same image, side by side in one run. The built gateway
// and orchestrator run as processes; the GitHub simulator (in this process) queues the job and sends the signed
// `workflow_job` delivery to the gateway, exactly as GitHub does; the orchestrator (automatic mode, polling every
// hour, so only the webhook can start the runner) starts a runner of the stand-in image, which takes the job.
//
//   node bench/webhook.mjs              BENCH_WEBHOOK_SAMPLES=20 BENCH_WEBHOOK_BURST=50 BENCH_WEBHOOK_PRESETS=token,jit
//
// Times: t0 is taken just before the job is queued (or `docker run -d` is spawned); "running" is the engine's
// `start` event of the container (Docker's own clock, the same host); "taken" is the job's `started_at` in the
// simulator (when the stand-in runner was handed the job). Raw containers run `sleep` in the same image on the same
// network, so they stay up like runners do.
//
// Variables: BENCH_WEBHOOK_SAMPLES (one at a time, default 20), BENCH_WEBHOOK_BURST (jobs at once, default 50),
// BENCH_WEBHOOK_PRESETS (default token,jit: the registration-token preset of the default image, and the just-in-time
// preset of the official image), BENCH_WEBHOOK_LOG_LEVEL (the services', default INFO); BENCH_LOG_DIR keeps their logs.
import { spawn } from 'node:child_process';
import { createHmac, randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import {
  DockerStarts,
  loadStackModules,
  startWebhookStack,
  tokenPresetEnv,
  SHARED_TOKEN,
  WEBHOOK_SECRET,
  STAND_IN_IMAGE,
} from './services.mjs';
import { ratio, table } from './report.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const GITHUB_TOKEN = `ghp_${'w3bh'.repeat(9)}`;
const LABELS = ['self-hosted', 'bench'];
const WORKFLOW = `name: CI\non: [push]\njobs:\n  build:\n    runs-on: [self-hosted, bench]\n    steps:\n      - run: echo hi\n`;

/** The runner presets measured: what the orchestrator is configured with. */
const PRESETS = {
  // Its variables come from the built orchestrator (`tokenPresetEnv`).
  token: { name: 'registration token (myoung34 preset)', env: null },
  jit: {
    name: 'just-in-time (official image preset)',
    env: { RUNNER_COMMAND: '/home/runner/run.sh', runnerenv_ACTIONS_RUNNER_INPUT_JITCONFIG: '{jit_config}' },
  },
};

/** Settings from the environment. */
export function webhookSettings(env = process.env) {
  const number = (name, fallback) => {
    const value = Number(env[name] ?? fallback);
    if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive whole number`);
    return value;
  };
  const presets = (env.BENCH_WEBHOOK_PRESETS ?? 'token,jit').split(',').map((name) => name.trim());
  for (const name of presets) if (!(name in PRESETS)) throw new Error(`unknown preset ${name} (token, jit)`);
  return {
    samples: number('BENCH_WEBHOOK_SAMPLES', 20),
    burst: number('BENCH_WEBHOOK_BURST', 50),
    presets,
    logLevel: env.BENCH_WEBHOOK_LOG_LEVEL ?? 'INFO',
  };
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))];
const stats = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return { n: sorted.length, p50: percentile(sorted, 50), p95: percentile(sorted, 95), max: sorted.at(-1) };
};

export function runDocker(args) {
  return new Promise((resolve, reject) => {
    const child = spawn('docker', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.stderr.on('data', (chunk) => (err += chunk));
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve(out.trim()) : reject(new Error(`docker ${args[0]}: ${err.trim()}`)),
    );
  });
}

/** What a raw container runs: `sleep` (Docker alone), or an idle Node process (a runner's start-up CPU, roughly). */
const RAW_COMMANDS = {
  sleep: ['--entrypoint', '/bin/sleep', STAND_IN_IMAGE, '300'],
  node: ['--entrypoint', 'node', STAND_IN_IMAGE, '-e', 'setTimeout(() => {}, 300000)'],
};

/** The raw floor: `docker run -d` of the stand-in image, `count` at once; ms from spawn to each container's start. */
export async function rawRuns(starts, runId, count, command = 'sleep') {
  const ids = Array.from({ length: count }, () => randomUUID());
  const t0 = Date.now();
  await Promise.all(
    ids.map((id) =>
      runDocker([
        'run',
        '-d',
        '--network',
        'host',
        '--label',
        `gha-ephemeral-bench.run=${runId}`,
        '--label',
        `gha-ephemeral-bench.id=${id}`,
        ...RAW_COMMANDS[command],
      ]),
    ),
  );
  const times = await Promise.all(
    ids.map((id) => starts.waitFor((e) => e.labels['gha-ephemeral-bench.id'] === id, 60_000)),
  );
  await removeRaw(runId);
  return times.map((time) => time - t0);
}

/**
 * Removes the raw containers a few at a time. Docker 20.10 can deadlock in libnetwork when dozens of containers exit
 * at the same moment (one `docker rm -f` of fifty did, on this benchmark's host): the engine then hangs until it is
 * restarted.
 */
async function removeRaw(runId) {
  const ids = (await runDocker(['ps', '-aq', '--filter', `label=gha-ephemeral-bench.run=${runId}`]))
    .split(/\s+/)
    .filter(Boolean);
  for (let i = 0; i < ids.length; i += 5) await runDocker(['rm', '-f', ...ids.slice(i, i + 5)]);
}

/** Starts the simulator, the built orchestrator (automatic mode, `preset`) and the built gateway; the hook on the repo. */
async function startStack(kit, simModule, preset, settings) {
  const sim = await simModule.startGitHubSim({ tokens: { [GITHUB_TOKEN]: { login: 'octo' } } });
  sim.control.createRepo({
    owner: 'octo',
    name: 'bench',
    workflows: [{ path: '.github/workflows/ci.yml', content: WORKFLOW }],
  });
  let stack;
  try {
    stack = await startWebhookStack(ROOT, kit, sim, {
      token: GITHUB_TOKEN,
      sharedToken: SHARED_TOKEN,
      webhookSecret: WEBHOOK_SECRET,
      repo: 'octo/bench',
      orchestratorId: kit.uniqueId('bench-hook'),
      logLevel: settings.logLevel,
      orchestratorEnv: {
        RUNNER_IMAGE: STAND_IN_IMAGE,
        RUNNER_LABELS: 'bench',
        MAX_RUNNERS: String(Math.max(60, settings.burst + 10)),
        ...(PRESETS[preset].env ?? (await tokenPresetEnv(ROOT))),
      },
    });
    // The first poll (at start) must be over, or it could start a runner for a job queued meanwhile.
    await sleep(2000);
  } catch (error) {
    await stack?.stop();
    await sim.close();
    throw error;
  }
  const stop = async () => {
    await stack.stop();
    await sim.close();
  };
  return { sim, orchestratorId: stack.orchestratorId, gatewayUrl: stack.gatewayUrl, stop };
}

/** Queues `count` jobs at once; ms from queueing to each runner container's start and to each job being taken. */
async function webhookRuns(stack, starts, count) {
  const { sim } = stack;
  const t0 = Date.now();
  const jobs = Array.from({ length: count }, () =>
    sim.control.queueJob({ repo: 'octo/bench', labels: LABELS, durationMs: 100 }),
  );
  const running = await Promise.all(
    jobs.map(({ jobId }) =>
      starts.waitFor(
        (e) =>
          e.labels['gha-ephemeral.orchestrator'] === stack.orchestratorId &&
          e.labels['gha-ephemeral.job-id'] === String(jobId),
        120_000,
      ),
    ),
  );
  const taken = await Promise.all(
    jobs.map(async ({ jobId }) => {
      const job = await sim.control.waitForJob(jobId, 'completed', { timeoutMs: 120_000 });
      return Date.parse(job.startedAt);
    }),
  );
  await waitForNoRunners(stack);
  const failed = jobs.filter(({ jobId }) => sim.control.getJob(jobId)?.conclusion !== 'success').length;
  return { running: running.map((t) => t - t0), taken: taken.map((t) => t - t0), failed };
}

async function waitForNoRunners(stack) {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const ids = await runDocker([
      'ps',
      '-aq',
      '--filter',
      `label=gha-ephemeral.orchestrator=${stack.orchestratorId}`,
    ]);
    if (ids === '') return;
    await sleep(100);
  }
  throw new Error('runner containers stayed after their jobs');
}

/** Checks the gateway refuses what it should before timing anything: a forged delivery must start nothing. */
async function checkForgedRefused(stack) {
  const body = JSON.stringify({
    action: 'queued',
    workflow_job: { id: 1, run_id: 1, labels: LABELS },
    repository: { full_name: 'octo/bench' },
  });
  const response = await fetch(`${stack.gatewayUrl}/webhooks/github`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-github-event': 'workflow_job',
      'x-github-delivery': randomUUID(),
      'x-hub-signature-256': `sha256=${createHmac('sha256', 'wrong').update(body).digest('hex')}`,
    },
    body,
  });
  if (response.status !== 401) throw new Error(`a forged delivery was answered ${response.status}, not 401`);
}

async function measurePreset(preset, kit, simModule, starts, settings) {
  const say = (text) => process.stderr.write(`[bench:webhook] ${PRESETS[preset].name}: ${text}\n`);
  const stack = await startStack(kit, simModule, preset, settings);
  const runId = kit.uniqueId('raw');
  try {
    await checkForgedRefused(stack);
    say('warming up');
    await rawRuns(starts, runId, 1);
    await webhookRuns(stack, starts, 1);
    const raw = [];
    const running = [];
    const taken = [];
    let failed = 0;
    say(`${settings.samples} one at a time, alternating raw and webhook`);
    for (let i = 0; i < settings.samples; i += 1) {
      raw.push(...(await rawRuns(starts, runId, 1)));
      const one = await webhookRuns(stack, starts, 1);
      running.push(...one.running);
      taken.push(...one.taken);
      failed += one.failed;
    }
    say(`a burst of ${settings.burst}: raw, then webhook`);
    const rawBurst = await rawRuns(starts, runId, settings.burst);
    const rawNodeBurst = await rawRuns(starts, runId, settings.burst, 'node');
    const burst = await webhookRuns(stack, starts, settings.burst);
    failed += burst.failed;
    const result = {
      preset,
      name: PRESETS[preset].name,
      single: { raw: stats(raw), running: stats(running), taken: stats(taken) },
      burst: {
        raw: stats(rawBurst),
        rawNode: stats(rawNodeBurst),
        running: stats(burst.running),
        taken: stats(burst.taken),
      },
      failedJobs: failed,
    };
    // Printed at once too: a later preset that fails must not lose this one's numbers.
    process.stderr.write(`${formatPreset(result, settings)}\n\n`);
    return result;
  } finally {
    await removeRaw(runId).catch(() => null);
    await stack.stop();
  }
}

/** Runs the benchmark for each preset; the raw floor is measured beside each, in the same run. */
export async function runWebhookBench(settings = webhookSettings()) {
  const { kit, simModule } = await loadStackModules(ROOT);
  const Docker = createRequire(join(ROOT, 'packages/runtime-docker/package.json'))('dockerode');
  const starts = await DockerStarts.open(new Docker());
  const presets = [];
  try {
    for (const preset of settings.presets)
      presets.push(await measurePreset(preset, kit, simModule, starts, settings));
  } finally {
    starts.close();
  }
  return { settings, presets };
}

const ms = (value) => (value === undefined || value === null ? 'n/a' : `${Math.round(value)}`);

function formatPreset(result, settings) {
  const { single, burst } = result;
  const lines = [
    `Runner preset: ${result.name}.`,
    '',
    `One job at a time (${settings.samples} each, alternating), ms from queued to:`,
    '',
    table([
      ['', 'p50', 'p95', 'max', 'p50 vs floor'],
      [
        'raw docker run -d → running (floor)',
        ms(single.raw.p50),
        ms(single.raw.p95),
        ms(single.raw.max),
        '1.00×',
      ],
      [
        'webhook → runner container running',
        ms(single.running.p50),
        ms(single.running.p95),
        ms(single.running.max),
        ratio(single.running.p50, single.raw.p50),
      ],
      [
        'webhook → runner has taken the job',
        ms(single.taken.p50),
        ms(single.taken.p95),
        ms(single.taken.max),
        ratio(single.taken.p50, single.raw.p50),
      ],
    ]),
    '',
    `A burst of ${settings.burst} at once, ms from the first queued (or spawned) to:`,
    '',
    table([
      ['', 'half running', 'all running', 'all vs floor'],
      [
        `${settings.burst} × raw docker run -d in parallel (floor)`,
        ms(burst.raw.p50),
        ms(burst.raw.max),
        '1.00×',
      ],
      [
        `${settings.burst} × raw docker run -d, each running node`,
        ms(burst.rawNode.p50),
        ms(burst.rawNode.max),
        ratio(burst.rawNode.max, burst.raw.max),
      ],
      [
        `${settings.burst} jobs → runner containers running`,
        ms(burst.running.p50),
        ms(burst.running.max),
        ratio(burst.running.max, burst.raw.max),
      ],
      [
        `${settings.burst} jobs → jobs taken by runners`,
        ms(burst.taken.p50),
        ms(burst.taken.max),
        ratio(burst.taken.max, burst.raw.max),
      ],
    ]),
    '',
    `Goals: p50 running <= floor + 150 ms: ${single.running.p50 <= single.raw.p50 + 150 ? 'met' : 'NOT met'} (+${ms(single.running.p50 - single.raw.p50)} ms); ` +
      `burst all running <= 1.3 × floor: ${burst.running.max <= 1.3 * burst.raw.max ? 'met' : 'NOT met'}. Failed jobs: ${result.failedJobs}.`,
  ];
  return lines.join('\n');
}

/** The result as tables with ratios and the goals, one per preset. */
export function formatWebhookBench(result) {
  return [
    '## Webhook to running runner',
    '',
    ...result.presets
      .map((p) => formatPreset(p, result.settings))
      .join('\n\n')
      .split('\n'),
  ].join('\n');
}

/** True when a job failed (a runner did not run it). */
export function webhookBenchFailed(result) {
  return result.presets.some((p) => p.failedJobs > 0);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const result = await runWebhookBench();
  console.log(formatWebhookBench(result));
  if (webhookBenchFailed(result)) process.exitCode = 1;
}
