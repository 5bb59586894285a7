#!/usr/bin/env node
// Scale-set benchmark (run after `pnpm build`): how soon a queued job gets a runner, and what each mode costs in
// GitHub requests while idle, for the four ways runners can start, side by side in one run with the same stand-in
// runner image and the same simulated jobs:
//   raw      `docker run -d` of the image (the floor; nothing is queued, so no "taken");
//   webhook  the built gateway and orchestrator, the simulator posting signed `workflow_job` deliveries (polling
//            every hour, so only the webhook starts runners);
//   polling  the built orchestrator's own code, in this process, asked for one poll pass right after the job is
//            queued: the pass is measured, the wait for the next pass at the default RUNNER_CHECK_INTERVAL (300 s)
//            is computed (150 s on average, 285 s at the 95th percentile), never waited;
//   scaleset the built orchestrator alone (no gateway, no webhook: nothing GitHub must reach) with a pool
//            registered as a runner scale set; the simulator's Actions service assigns the jobs, its listener holds
//            one long poll (the simulator's default 50 s).
//
//   node bench/scaleset.mjs      BENCH_SCALESET_SAMPLES=20 BENCH_SCALESET_BURST=50 BENCH_SCALESET_IDLE_SECONDS=150
//
// Times: t0 just before the jobs are queued (or `docker run -d` is spawned); "running" is the engine's `start`
// event of the container of the runner that took the job (Docker's clock, the same host); "taken" is the job's
// `started_at` in the simulator. Idle requests: every stack sits idle for BENCH_SCALESET_IDLE_SECONDS, its
// simulator's request counts (REST and Actions service apart) are extrapolated to one hour; the polling mode's are
// one idle poll pass × 12 (a pass every 300 s), and the webhook mode's add the same safety-net poll (its default
// interval) to what its window counted. Bounded: every wait has a deadline; containers, networks, state
// directories and simulators are removed on failure too. BENCH_LOG_DIR keeps the services' logs.
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  DockerStarts,
  envInt,
  loadStackModules,
  startScaleSetStack,
  startWebhookStack,
  SHARED_TOKEN,
  WEBHOOK_SECRET,
  STAND_IN_IMAGE,
} from './services.mjs';
import { rawRuns, runDocker } from './webhook.mjs';
import { ms, ratio, table } from './report.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const GITHUB_TOKEN = `ghp_${'sc4l'.repeat(9)}`;
const REPO = 'octo/bench';
const SCALE_SET = 'linux-set';
/** Jobs of the webhook and polling modes: the default pool's runners (RUNNER_LABELS=bench) take them. */
const POOL_LABELS = ['self-hosted', 'bench'];
/** Jobs of the scale-set mode: `runs-on: linux-set`. */
const SET_LABELS = [SCALE_SET];
const WORKFLOW = `name: CI\non: [push]\njobs:\n  build:\n    runs-on: [self-hosted, bench]\n    steps:\n      - run: echo hi\n`;
/** The orchestrator's default RUNNER_CHECK_INTERVAL: the polling mode's interval, and the webhook mode's safety net. */
const CHECK_INTERVAL_S = 300;
/** REST routes that are job polling (what the scale-set mode must never do while idle). */
const JOB_POLLING = /actions\/runs|\/jobs/;

export function scaleSetSettings(env = process.env) {
  return {
    samples: envInt(env, 'BENCH_SCALESET_SAMPLES', 20),
    burst: envInt(env, 'BENCH_SCALESET_BURST', 50),
    // Three of the simulator's default 50 s long polls: what one hour's 72 look like, without rounding at the edges.
    idleSeconds: envInt(env, 'BENCH_SCALESET_IDLE_SECONDS', 150, 10),
    logLevel: env.BENCH_SCALESET_LOG_LEVEL ?? 'INFO',
  };
}

const say = (text) => process.stderr.write(`[bench:scaleset] ${text}\n`);

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))];
const stats = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    n: sorted.length,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    max: sorted.at(-1),
  };
};
/** The polling mode at CHECK_INTERVAL_S: the measured pass plus the wait for it (uniform over the interval). */
const withPollWait = (s) => ({
  n: s.n,
  p50: s.p50 + (CHECK_INTERVAL_S * 1000) / 2,
  p95: s.p95 + CHECK_INTERVAL_S * 1000 * 0.95,
  max: s.max + CHECK_INTERVAL_S * 1000,
});
/** A burst's jobs are queued at once, so they all wait for the same pass: the expected wait, 150 s. */
const withBurstPollWait = (s) => ({
  n: s.n,
  p50: s.p50 + (CHECK_INTERVAL_S * 1000) / 2,
  p95: s.p95 + (CHECK_INTERVAL_S * 1000) / 2,
  max: s.max + (CHECK_INTERVAL_S * 1000) / 2,
});

async function newSim(simModule) {
  const sim = await simModule.startGitHubSim({ tokens: { [GITHUB_TOKEN]: { login: 'octo' } } });
  sim.control.createRepo({
    owner: 'octo',
    name: 'bench',
    workflows: [{ path: '.github/workflows/ci.yml', content: WORKFLOW }],
  });
  return sim;
}

/** Runner containers of `orchestratorId` (any state). */
async function runnerContainers(orchestratorId) {
  const ids = await runDocker([
    'ps',
    '-aq',
    '--filter',
    `label=gha-ephemeral.orchestrator=${orchestratorId}`,
  ]);
  return ids.split(/\s+/).filter(Boolean);
}

/**
 * Exited runner containers the orchestrator had not removed 30 s after their jobs, by orchestrator id. Seen in
 * bursts: the engine's `die` event of one runner never reached the orchestrator's reaper (see docs/benchmarks.md,
 * "scaleset"), so only its purge, every RUNNER_PURGE_INTERVAL (300 s), would remove it. The bench counts them and
 * removes them itself, so that one mode's leftovers do not take the next measurement's capacity.
 */
const lingering = new Map();

/** Waits until every runner container of `orchestratorId` is gone (the orchestrator removes them as they exit). */
async function waitForNoRunners(orchestratorId) {
  const list = async (status) =>
    (
      await runDocker([
        'ps',
        '-a',
        '--filter',
        `label=gha-ephemeral.orchestrator=${orchestratorId}`,
        ...(status ? ['--filter', `status=${status}`] : []),
        '--format',
        '{{.ID}} {{.Names}} {{.Status}}',
      ])
    )
      .split('\n')
      .filter(Boolean);
  const began = Date.now();
  while (Date.now() - began < 60_000) {
    const left = await list();
    if (left.length === 0) return;
    if (Date.now() - began >= 30_000) {
      const exited = await list('exited');
      if (exited.length === left.length) {
        say(
          `${exited.length} exited runner container(s) not removed by the orchestrator after 30 s: ${exited.join('; ')}`,
        );
        lingering.set(orchestratorId, [
          ...(lingering.get(orchestratorId) ?? []),
          ...exited.map((l) => l.split(' ')[1]),
        ]);
        for (const line of exited) await runDocker(['rm', '-f', line.split(' ')[0]]).catch(() => null);
        return;
      }
    }
    await sleep(100);
  }
  throw new Error(
    `runner containers of ${orchestratorId} stayed after their jobs: ${(await list().catch(() => ['?'])).join('; ')}`,
  );
}

/**
 * Queues `count` jobs with `labels` at once, calls `afterQueue` (the polling mode's pass), waits for them all to
 * complete; ms from queueing to each job's runner container running and to each job being taken.
 */
async function serveJobs(mode, starts, count, afterQueue = async () => {}) {
  const { sim, orchestratorId, labels } = mode;
  const t0 = Date.now();
  const jobs = Array.from({ length: count }, () =>
    sim.control.queueJob({ repo: REPO, labels, durationMs: 100 }),
  );
  await afterQueue();
  const done = await Promise.all(
    jobs.map(({ jobId }) => sim.control.waitForJob(jobId, 'completed', { timeoutMs: 120_000 })),
  );
  const running = await Promise.all(
    done.map((job) =>
      job.runnerName
        ? starts.waitFor(
            (e) =>
              e.labels['gha-ephemeral.orchestrator'] === orchestratorId &&
              e.labels['gha-ephemeral.runner'] === job.runnerName,
            10_000,
          )
        : Promise.reject(new Error(`job ${job.id} completed without a runner (${job.conclusion})`)),
    ),
  );
  await waitForNoRunners(orchestratorId);
  return {
    running: running.map((t) => t - t0),
    taken: done.map((job) => Date.parse(job.startedAt) - t0),
    failed: done.filter((job) => job.conclusion !== 'success').length,
  };
}

/** The webhook mode: the built gateway and orchestrator, the default pool (RUNNER_LABELS=bench). */
async function startHookMode(kit, simModule, settings, cleanup) {
  const sim = await newSim(simModule);
  cleanup.push(() => sim.close());
  const stateDir = mkdtempSync(join(tmpdir(), 'bench-scaleset-hook-'));
  cleanup.push(() => rmSync(stateDir, { recursive: true, force: true }));
  const stack = await startWebhookStack(ROOT, kit, sim, {
    token: GITHUB_TOKEN,
    sharedToken: SHARED_TOKEN,
    webhookSecret: WEBHOOK_SECRET,
    repo: REPO,
    orchestratorId: kit.uniqueId('bench-sset-hook'),
    logLevel: settings.logLevel,
    orchestratorEnv: {
      RUNNER_IMAGE: STAND_IN_IMAGE,
      RUNNER_LABELS: 'bench',
      MAX_RUNNERS: String(settings.burst + 10),
      ORCHESTRATOR_STATE_DIR: stateDir,
    },
  });
  cleanup.push(() => stack.stop());
  // The first poll (at start) must be over, or it could start a runner for a job queued meanwhile.
  await sleep(2000);
  return { name: 'webhook', sim, orchestratorId: stack.orchestratorId, labels: POOL_LABELS };
}

/** The scale-set mode: the built orchestrator alone with one scale-set pool (max = the burst). */
async function startSetMode(kit, simModule, settings, cleanup) {
  const sim = await newSim(simModule);
  cleanup.push(() => sim.close());
  // The simulator's defaults (a 50 s long poll, 300 s to take an assigned job), as GitHub's.
  const dir = mkdtempSync(join(tmpdir(), 'bench-scaleset-set-'));
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  const poolFile = join(dir, 'pools.yaml');
  writeFileSync(
    poolFile,
    `pools:\n  - name: ${SCALE_SET}\n    scaleSet: true\n    scope: { repository: ${REPO} }\n    max: ${settings.burst}\n`,
  );
  const stack = await startScaleSetStack(ROOT, kit, sim, {
    token: GITHUB_TOKEN,
    sharedToken: SHARED_TOKEN,
    orchestratorId: kit.uniqueId('bench-sset-set'),
    poolFile,
    scaleSets: [SCALE_SET],
    logLevel: settings.logLevel,
    orchestratorEnv: {
      RUNNER_IMAGE: STAND_IN_IMAGE,
      MAX_RUNNERS: String(settings.burst + 10),
      ORCHESTRATOR_STATE_DIR: join(dir, 'state'),
    },
  });
  cleanup.push(() => stack.stop());
  return { name: 'scaleset', sim, orchestratorId: stack.orchestratorId, labels: SET_LABELS };
}

/**
 * The polling mode: the built orchestrator's code in this process (as the tests' harness runs it), its loops on
 * but not its check loop: `pass()` is one poll pass, as the check loop makes every RUNNER_CHECK_INTERVAL.
 */
async function startPollMode(kit, simModule, settings, cleanup) {
  const sim = await newSim(simModule);
  cleanup.push(() => sim.close());
  const load = (path) => import(pathToFileURL(join(ROOT, path)).href);
  const [{ loadOrchestratorConfig }, { createOrchestrator }, { createLogger }, { DockerRuntime }] =
    await Promise.all([
      load('orchestrator/dist/config.js'),
      load('orchestrator/dist/server.js'),
      load('packages/logging/dist/index.js'),
      load('packages/runtime-docker/dist/index.js'),
    ]);
  const stateDir = mkdtempSync(join(tmpdir(), 'bench-scaleset-poll-'));
  cleanup.push(() => rmSync(stateDir, { recursive: true, force: true }));
  const orchestratorId = kit.uniqueId('bench-sset-poll');
  const config = loadOrchestratorConfig({
    GITHUB_API_URL: sim.apiUrl,
    GITHUB_RUNNER_TOKEN: GITHUB_TOKEN,
    RUNNER_IMAGE: STAND_IN_IMAGE,
    RUNNER_NETWORK: 'host',
    RUNNER_LABELS: 'bench',
    ORCHESTRATOR_ID: orchestratorId,
    ORCHESTRATOR_STATE_DIR: stateDir,
    AUTO_CREATE_RUNNERS: 'true',
    MAX_RUNNERS: String(settings.burst + 10),
    RUNNER_CHECK_INTERVAL: String(CHECK_INTERVAL_S),
    LOG_LEVEL: settings.logLevel,
    LOG_FORMAT: 'json',
  });
  // Its log goes to BENCH_LOG_DIR/orchestrator-polling.log when that is set, else nowhere.
  const logFile = process.env.BENCH_LOG_DIR
    ? openSync(join(process.env.BENCH_LOG_DIR, 'orchestrator-polling.log'), 'a')
    : null;
  if (logFile !== null) cleanup.push(() => closeSync(logFile));
  const { logger, redactor } = createLogger({
    service: 'orchestrator',
    level: config.LOG_LEVEL,
    format: config.LOG_FORMAT,
    destination: { isTTY: false, write: (line) => void (logFile !== null && writeSync(logFile, line)) },
    secrets: [GITHUB_TOKEN],
  });
  const orchestrator = await createOrchestrator(config, {
    logger,
    version: 'bench',
    onSecret: (secret, options) => redactor.add(secret, options),
    runtime: new DockerRuntime({ pullTimeoutMs: 0 }),
  });
  const loops = orchestrator.startLoops({ autoCheck: false });
  cleanup.push(async () => {
    await loops.stop();
    await orchestrator.app.close();
    await kit.removeContainersByLabel('gha-ephemeral.orchestrator', orchestratorId);
    await kit.removeNetworksByLabel('gha-ephemeral.orchestrator', orchestratorId);
  });
  const { auto } = orchestrator;
  const signal = AbortSignal.timeout(30 * 60_000);
  const pass = async () => {
    const started = Date.now();
    const demand = await auto.poller.poll(signal);
    auto.book.replace(demand, started);
    await auto.reconciler.reconcile(() => auto.book.demand(), { signal });
  };
  return { name: 'polling', sim, orchestratorId, labels: POOL_LABELS, pass };
}

/** The polling mode's numbers: one-at-a-time and burst passes, and the requests of one idle pass. */
async function measurePolling(poll, starts, settings) {
  await poll.pass(); // discovery and the first poll
  poll.sim.control.resetCounts();
  await poll.pass();
  const idlePass = poll.sim.control.requestCounts();
  say(`polling: one idle pass made ${idlePass.total} GitHub requests (${idlePass.charged} charged)`);
  await serveJobs(poll, starts, 1, poll.pass); // warm-up
  const running = [];
  const taken = [];
  let failed = 0;
  for (let i = 0; i < settings.samples; i += 1) {
    const one = await serveJobs(poll, starts, 1, poll.pass);
    running.push(...one.running);
    taken.push(...one.taken);
    failed += one.failed;
  }
  say(`polling: ${settings.samples} passes one job at a time; a pass for a burst of ${settings.burst}`);
  const burst = await serveJobs(poll, starts, settings.burst, poll.pass);
  return {
    pass: {
      single: { running: stats(running), taken: stats(taken) },
      burst: { running: stats(burst.running), taken: stats(burst.taken) },
    },
    idlePass: {
      total: idlePass.total,
      charged: idlePass.charged,
      jobPolling: Object.entries(idlePass.byRoute)
        .filter(([route]) => JOB_POLLING.test(route))
        .reduce((sum, [, c]) => sum + c.total, 0),
      byRoute: Object.fromEntries(Object.entries(idlePass.byRoute).map(([r, c]) => [r, c.total])),
    },
    failed: failed + burst.failed,
  };
}

const isActionsService = (route) => route.includes('/_runner/') || route.includes('/_apis/');

/** Every stack idle for `seconds`: requests by route, per hour, and the most long polls open at once per scale set. */
async function idleWindow(modes, seconds) {
  for (const mode of modes) mode.sim.control.resetCounts();
  const t0 = Date.now();
  const maxOpen = new Map(modes.map((mode) => [mode.name, {}]));
  while (Date.now() - t0 < seconds * 1000) {
    for (const mode of modes) {
      const open = maxOpen.get(mode.name);
      for (const set of mode.sim.control.listScaleSets())
        open[set.name] = Math.max(open[set.name] ?? 0, set.openPolls ?? 0);
      for (const [id, count] of Object.entries(mode.sim.control.requestCounts().openLongPolls ?? {}))
        open[`id ${id}`] = Math.max(open[`id ${id}`] ?? 0, count);
    }
    await sleep(250);
  }
  const elapsedMs = Date.now() - t0;
  const perHour = (n) => Math.round((n * 3_600_000) / elapsedMs);
  return Object.fromEntries(
    modes.map((mode) => {
      const counts = mode.sim.control.requestCounts();
      let rest = 0;
      let restPolling = 0;
      let actions = 0;
      for (const [route, c] of Object.entries(counts.byRoute)) {
        if (isActionsService(route)) actions += c.total;
        else {
          rest += c.total;
          if (JOB_POLLING.test(route)) restPolling += c.total;
        }
      }
      return [
        mode.name,
        {
          elapsedMs,
          counted: { rest, restPolling, actions, charged: counts.charged },
          perHour: { rest: perHour(rest), restPolling: perHour(restPolling), actions: perHour(actions) },
          byRoute: Object.fromEntries(Object.entries(counts.byRoute).map(([r, c]) => [r, c.total])),
          maxOpenLongPolls: maxOpen.get(mode.name),
        },
      ];
    }),
  );
}

export async function runScaleSetBench(settings = scaleSetSettings()) {
  const { kit, simModule } = await loadStackModules(ROOT);
  const Docker = createRequire(join(ROOT, 'packages/runtime-docker/package.json'))('dockerode');
  const starts = await DockerStarts.open(new Docker());
  const rawRun = kit.uniqueId('bench-sset-raw');
  const cleanup = [];
  const began = Date.now();
  try {
    say('starting the webhook stack (gateway, orchestrator) and the scale-set stack (orchestrator alone)');
    const hook = await startHookMode(kit, simModule, settings, cleanup);
    const set = await startSetMode(kit, simModule, settings, cleanup);
    const [registered] = set.sim.control.listScaleSets();
    say(
      `scale set "${registered.name}" (id ${registered.id}) listening: session of ${registered.session?.ownerName}, ` +
        `${registered.openPolls} long poll open, max capacity ${registered.lastMaxCapacity}`,
    );
    say('warming up');
    await rawRuns(starts, rawRun, 1);
    await serveJobs(hook, starts, 1);
    await serveJobs(set, starts, 1);

    const raw = [];
    const single = { webhook: { running: [], taken: [] }, scaleset: { running: [], taken: [] } };
    let failed = 0;
    say(`${settings.samples} one at a time, alternating raw, webhook and scale set`);
    for (let i = 0; i < settings.samples; i += 1) {
      raw.push(...(await rawRuns(starts, rawRun, 1)));
      for (const mode of [hook, set]) {
        const one = await serveJobs(mode, starts, 1);
        single[mode.name].running.push(...one.running);
        single[mode.name].taken.push(...one.taken);
        failed += one.failed;
      }
      if ((i + 1) % 5 === 0) say(`${i + 1} of ${settings.samples}`);
    }
    say(`a burst of ${settings.burst}: raw, then webhook, then scale set`);
    const rawBurst = await rawRuns(starts, rawRun, settings.burst);
    // The runners are Node processes: on a small machine, fifty of them starting take CPU a `sleep` does not.
    const rawNodeBurst = await rawRuns(starts, rawRun, settings.burst, 'node');
    const burst = {};
    for (const mode of [hook, set]) {
      burst[mode.name] = await serveJobs(mode, starts, settings.burst);
      failed += burst[mode.name].failed;
      say(
        `${mode.name}: all ${settings.burst} running after ${Math.round(Math.max(...burst[mode.name].running))} ms`,
      );
    }
    const setStatsAfter = set.sim.control.listScaleSets()[0];

    say(
      `idle for ${settings.idleSeconds} s (webhook and scale-set stacks, counting their GitHub requests); ` +
        'meanwhile the polling mode, in this process',
    );
    const idlePromise = idleWindow([hook, set], settings.idleSeconds);
    const poll = await startPollMode(kit, simModule, settings, cleanup);
    const polling = await measurePolling(poll, starts, settings);
    failed += polling.failed;
    const idle = await idlePromise;
    const leftRegistrations = {
      webhook: hook.sim.control.listRunners({ repo: REPO }).length,
      scaleset: set.sim.control.listRunners({ repo: REPO }).length,
      polling: poll.sim.control.listRunners({ repo: REPO }).length,
    };
    const pollIdlePerHour = polling.idlePass.total * (3600 / CHECK_INTERVAL_S);
    const result = {
      settings,
      seconds: Math.round((Date.now() - began) / 1000),
      checkIntervalSeconds: CHECK_INTERVAL_S,
      single: {
        raw: stats(raw),
        webhook: { running: stats(single.webhook.running), taken: stats(single.webhook.taken) },
        polling: {
          running: withPollWait(polling.pass.single.running),
          taken: withPollWait(polling.pass.single.taken),
        },
        scaleset: { running: stats(single.scaleset.running), taken: stats(single.scaleset.taken) },
      },
      burst: {
        raw: stats(rawBurst),
        rawNode: stats(rawNodeBurst),
        webhook: { running: stats(burst.webhook.running), taken: stats(burst.webhook.taken) },
        polling: {
          running: withBurstPollWait(polling.pass.burst.running),
          taken: withBurstPollWait(polling.pass.burst.taken),
        },
        scaleset: { running: stats(burst.scaleset.running), taken: stats(burst.scaleset.taken) },
      },
      pollPass: polling.pass,
      idle: {
        webhook: {
          ...idle.webhook,
          // Its safety-net poll at the default interval (the run above polls hourly, so only webhooks start runners).
          safetyNetPollPerHour: pollIdlePerHour,
          safetyNetJobPollingPerHour: polling.idlePass.jobPolling * (3600 / CHECK_INTERVAL_S),
          totalPerHour: idle.webhook.perHour.rest + idle.webhook.perHour.actions + pollIdlePerHour,
        },
        polling: {
          idlePass: polling.idlePass,
          totalPerHour: pollIdlePerHour,
          jobPollingPerHour: polling.idlePass.jobPolling * (3600 / CHECK_INTERVAL_S),
        },
        scaleset: {
          ...idle.scaleset,
          totalPerHour: idle.scaleset.perHour.rest + idle.scaleset.perHour.actions,
        },
      },
      scaleSet: {
        name: setStatsAfter?.name,
        lastMaxCapacity: setStatsAfter?.lastMaxCapacity,
        webhookDeliveries: set.sim.control.webhookDeliveries().length,
      },
      leftRegistrations,
      // Exited runner containers the orchestrator left (its reaper missed their exit), by mode.
      lingeringExited: {
        webhook: lingering.get(hook.orchestratorId) ?? [],
        scaleset: lingering.get(set.orchestratorId) ?? [],
        polling: lingering.get(poll.orchestratorId) ?? [],
      },
      failedJobs: failed,
      raw: {
        raw,
        rawBurst,
        rawNodeBurst,
        single,
        burst: Object.fromEntries(
          Object.entries(burst).map(([name, b]) => [name, { running: b.running, taken: b.taken }]),
        ),
      },
    };
    return result;
  } finally {
    starts.close();
    for (const step of cleanup.reverse()) {
      try {
        await step();
      } catch (error) {
        say(`cleanup step failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    const rawLeft = await runDocker([
      'ps',
      '-aq',
      '--filter',
      `label=gha-ephemeral-bench.run=${rawRun}`,
    ]).catch(() => '');
    for (const id of rawLeft.split(/\s+/).filter(Boolean))
      await runDocker(['rm', '-f', id]).catch(() => null);
  }
}

/** The goals of the issue, each with its number and whether it was met. */
export function scaleSetGoals(r) {
  const s = r.single;
  const runningRatio = s.scaleset.running.p50 / s.webhook.running.p50;
  const takenRatio = s.scaleset.taken.p50 / s.webhook.taken.p50;
  const burstRatio = r.burst.scaleset.running.max / r.burst.raw.max;
  const burstNodeRatio = r.burst.scaleset.running.max / r.burst.rawNode.max;
  const maxOpen = Math.max(0, ...Object.values(r.idle.scaleset.maxOpenLongPolls));
  return {
    singleRunning: { value: runningRatio, met: runningRatio <= 1.1 },
    singleTaken: { value: takenRatio, met: takenRatio <= 1.1 },
    burst: { value: burstRatio, met: burstRatio <= 1.3 },
    burstVsNode: { value: burstNodeRatio, met: burstNodeRatio <= 1.3 },
    noPublicEndpoint: { value: r.scaleSet.webhookDeliveries, met: r.scaleSet.webhookDeliveries === 0 },
    oneLongPoll: { value: maxOpen, met: maxOpen <= 1 },
    noRestPolling: {
      value: r.idle.scaleset.counted.restPolling,
      met: r.idle.scaleset.counted.restPolling === 0,
    },
  };
}

export function formatScaleSetBench(r) {
  const { single: s, burst: b, idle } = r;
  const g = scaleSetGoals(r);
  const wait = `${r.checkIntervalSeconds / 2} s`;
  const met = (goal) => (goal.met ? 'met' : 'NOT met');
  const routes = (byRoute) =>
    Object.entries(byRoute)
      .map(([route, n]) => `${n} × ${route}`)
      .join('; ') || 'none';
  return [
    '## Scale-set mode against webhooks, polling and raw docker run -d',
    '',
    `Same stand-in image, same jobs (100 ms each). Polling = a measured poll pass + the wait for it at RUNNER_CHECK_INTERVAL ${r.checkIntervalSeconds} s (computed: p50 +${wait}, p95 +${r.checkIntervalSeconds * 0.95} s).`,
    '',
    `One job at a time (${r.settings.samples} each, alternating), ms from queued:`,
    '',
    table([
      [
        'mode',
        'running p50',
        'running p95',
        'taken p50',
        'taken p95',
        'running p50 vs webhook',
        'taken p50 vs webhook',
      ],
      [
        'raw docker run -d (floor)',
        ms(s.raw.p50),
        ms(s.raw.p95),
        'n/a',
        'n/a',
        ratio(s.raw.p50, s.webhook.running.p50),
        'n/a',
      ],
      [
        'webhook',
        ms(s.webhook.running.p50),
        ms(s.webhook.running.p95),
        ms(s.webhook.taken.p50),
        ms(s.webhook.taken.p95),
        '1.00×',
        '1.00×',
      ],
      [
        `polling, ${r.checkIntervalSeconds} s (computed)`,
        ms(s.polling.running.p50),
        ms(s.polling.running.p95),
        ms(s.polling.taken.p50),
        ms(s.polling.taken.p95),
        ratio(s.polling.running.p50, s.webhook.running.p50),
        ratio(s.polling.taken.p50, s.webhook.taken.p50),
      ],
      [
        '  of which the poll pass',
        ms(r.pollPass.single.running.p50),
        ms(r.pollPass.single.running.p95),
        ms(r.pollPass.single.taken.p50),
        ms(r.pollPass.single.taken.p95),
        '',
        '',
      ],
      [
        'scale set',
        ms(s.scaleset.running.p50),
        ms(s.scaleset.running.p95),
        ms(s.scaleset.taken.p50),
        ms(s.scaleset.taken.p95),
        ratio(s.scaleset.running.p50, s.webhook.running.p50),
        ratio(s.scaleset.taken.p50, s.webhook.taken.p50),
      ],
    ]),
    '',
    `A burst of ${r.settings.burst} at once, ms from queued (or spawned):`,
    '',
    table([
      ['mode', 'half running', 'all running', 'half taken', 'all taken', 'all running vs raw', 'vs raw node'],
      [
        'raw docker run -d (floor)',
        ms(b.raw.p50),
        ms(b.raw.max),
        'n/a',
        'n/a',
        '1.00×',
        ratio(b.raw.max, b.rawNode.max),
      ],
      [
        'raw docker run -d, each running node',
        ms(b.rawNode.p50),
        ms(b.rawNode.max),
        'n/a',
        'n/a',
        ratio(b.rawNode.max, b.raw.max),
        '1.00×',
      ],
      [
        'webhook',
        ms(b.webhook.running.p50),
        ms(b.webhook.running.max),
        ms(b.webhook.taken.p50),
        ms(b.webhook.taken.max),
        ratio(b.webhook.running.max, b.raw.max),
        ratio(b.webhook.running.max, b.rawNode.max),
      ],
      [
        `polling, ${r.checkIntervalSeconds} s (computed, +${wait})`,
        ms(b.polling.running.p50),
        ms(b.polling.running.max),
        ms(b.polling.taken.p50),
        ms(b.polling.taken.max),
        ratio(b.polling.running.max, b.raw.max),
        ratio(b.polling.running.max, b.rawNode.max),
      ],
      [
        '  of which the poll pass',
        ms(r.pollPass.burst.running.p50),
        ms(r.pollPass.burst.running.max),
        ms(r.pollPass.burst.taken.p50),
        ms(r.pollPass.burst.taken.max),
        '',
        '',
      ],
      [
        'scale set',
        ms(b.scaleset.running.p50),
        ms(b.scaleset.running.max),
        ms(b.scaleset.taken.p50),
        ms(b.scaleset.taken.max),
        ratio(b.scaleset.running.max, b.raw.max),
        ratio(b.scaleset.running.max, b.rawNode.max),
      ],
    ]),
    '',
    `GitHub requests per hour while idle (the stacks idle ${Math.round(idle.scaleset.elapsedMs / 1000)} s, extrapolated; polling: one idle pass × ${3600 / r.checkIntervalSeconds}):`,
    '',
    table([
      ['mode', 'REST /h', 'of which job polling', 'Actions service /h', 'total /h', 'most long polls open'],
      [
        'webhook (+ safety-net poll every 300 s)',
        ms(idle.webhook.perHour.rest + idle.webhook.safetyNetPollPerHour),
        ms(idle.webhook.perHour.restPolling + idle.webhook.safetyNetJobPollingPerHour),
        ms(idle.webhook.perHour.actions),
        ms(idle.webhook.totalPerHour),
        'n/a',
      ],
      [
        `polling (${r.checkIntervalSeconds} s)`,
        ms(idle.polling.totalPerHour),
        ms(idle.polling.jobPollingPerHour),
        '0',
        ms(idle.polling.totalPerHour),
        'n/a',
      ],
      [
        'scale set',
        ms(idle.scaleset.perHour.rest),
        ms(idle.scaleset.perHour.restPolling),
        ms(idle.scaleset.perHour.actions),
        ms(idle.scaleset.totalPerHour),
        String(g.oneLongPoll.value),
      ],
    ]),
    '',
    `Idle requests counted: scale set ${routes(idle.scaleset.byRoute)}; webhook ${routes(idle.webhook.byRoute)}; one idle poll pass ${routes(idle.polling.idlePass.byRoute)}.`,
    '',
    `Goals: scale set one at a time within 10% of webhook: running ${g.singleRunning.value.toFixed(2)}× ${met(g.singleRunning)}, taken ${g.singleTaken.value.toFixed(2)}× ${met(g.singleTaken)}; ` +
      `burst all running within 1.3× raw: ${g.burst.value.toFixed(2)}× ${met(g.burst)} (${g.burstVsNode.value.toFixed(2)}× raw running node); no public endpoint (webhook deliveries ${g.noPublicEndpoint.value}): ${met(g.noPublicEndpoint)}; ` +
      `at most one open long poll per scale set (${g.oneLongPoll.value}): ${met(g.oneLongPoll)}; no REST job polling while idle (${g.noRestPolling.value}): ${met(g.noRestPolling)}.`,
    `Exited runners the orchestrator had not removed 30 s after their job (its reaper missed the exit; the bench removed them): ${Object.entries(
      r.lingeringExited ?? {},
    )
      .map(([k, v]) => `${k} ${v.length}`)
      .join(', ')}.`,
    `Failed jobs: ${r.failedJobs}. Registrations left: ${Object.entries(r.leftRegistrations)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}. Run took ${r.seconds} s.`,
  ].join('\n');
}

/** True when a job failed, a scale set held more than one long poll, or the scale-set mode polled REST while idle. */
export function scaleSetBenchFailed(r) {
  const g = scaleSetGoals(r);
  return r.failedJobs > 0 || !g.oneLongPoll.met || !g.noRestPolling.met || !g.noPublicEndpoint.met;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const result = await runScaleSetBench();
  console.log(formatScaleSetBench(result));
  if (scaleSetBenchFailed(result)) process.exitCode = 1;
}
