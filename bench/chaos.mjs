#!/usr/bin/env node
// Chaos benchmark (run after `pnpm build`): jobs across repositories with webhooks and polling on, while the
// orchestrator is SIGKILLed and restarted at random moments and GitHub fails at random (5xx bursts, slow answers,
// dropped connections, secondary rate limits). The built gateway and orchestrator run as processes; the GitHub
// simulator runs here, queues the jobs and sends signed `workflow_job` deliveries to the gateway as GitHub does.
//
//   node bench/chaos.mjs     BENCH_CHAOS_JOBS=200 BENCH_CHAOS_REPOS=10 BENCH_CHAOS_KILLS=3 BENCH_CHAOS_SEED=1
//
// Reported: jobs served (completed by a runner of ours), the longest wait of a job (queued → taken), runners started
// beyond one per job (duplicates), containers and registrations of ours left at the end (leaks, stale). Goal: all
// served, 0 duplicates, 0 leaks, 0 stale. Bounded: BENCH_CHAOS_MINUTES (default 12) ends the run where it is.
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  DockerStarts,
  envInt,
  freePort,
  startProcess,
  stopProcess,
  waitForHttp,
  loadStackModules,
  SHARED_TOKEN,
  WEBHOOK_SECRET,
  STAND_IN_IMAGE,
  SELF_HOSTED_WORKFLOW,
  API_KEY,
} from './services.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const GITHUB_TOKEN = `ghp_${'ch4o'.repeat(9)}`;

/** Settings from the environment. */
export function chaosSettings(env = process.env) {
  return {
    jobs: envInt(env, 'BENCH_CHAOS_JOBS', 200),
    repos: envInt(env, 'BENCH_CHAOS_REPOS', 10),
    kills: envInt(env, 'BENCH_CHAOS_KILLS', 3, 0),
    seed: envInt(env, 'BENCH_CHAOS_SEED', 1, 0),
    minutes: envInt(env, 'BENCH_CHAOS_MINUTES', 12),
    queueSeconds: envInt(env, 'BENCH_CHAOS_QUEUE_SECONDS', 90),
  };
}

/** A small seeded generator (mulberry32), so a run's schedule of jobs, kills and faults can be repeated. */
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The faults injected at random: each applies to a few requests. */
const FAULTS = [
  { kind: 'error', status: 502, count: 5 },
  { kind: 'error', status: 503, count: 3 },
  { kind: 'delay', ms: 4000, count: 3 },
  { kind: 'reset', count: 2 },
  { kind: 'secondary-rate-limit', retryAfterSeconds: 2, count: 1 },
];

function orchestratorEnv(sim, orchestratorId, port) {
  return {
    GITHUB_API_URL: sim.apiUrl,
    GITHUB_RUNNER_TOKEN: GITHUB_TOKEN,
    RUNNER_IMAGE: STAND_IN_IMAGE,
    RUNNER_NETWORK: 'host',
    ORCHESTRATOR_ID: orchestratorId,
    ORCHESTRATOR_HOST: '127.0.0.1',
    ORCHESTRATOR_PORT: String(port),
    ORCHESTRATOR_API_TOKEN: SHARED_TOKEN,
    AUTO_CREATE_RUNNERS: 'true',
    RUNNER_CHECK_INTERVAL: '15',
    RUNNER_PURGE_INTERVAL: '10',
    RUNNER_IDLE_TIMEOUT: '30',
    RUNNER_START_TIMEOUT: '60',
    GITHUB_REQUEST_TIMEOUT: '5',
    MAX_RUNNERS: '30',
    LOG_FORMAT: 'json',
  };
}

async function startStack(kit, simModule, settings) {
  const sim = await simModule.startGitHubSim({ tokens: { [GITHUB_TOKEN]: { login: 'octo' } } });
  const repos = Array.from({ length: settings.repos }, (_, i) => `chaos-${i}`);
  for (const name of repos) {
    sim.control.createRepo({
      owner: 'octo',
      name,
      workflows: [{ path: '.github/workflows/ci.yml', content: SELF_HOSTED_WORKFLOW }],
    });
  }
  const orchestratorId = kit.uniqueId('bench-chaos');
  const [orchestratorPort, gatewayPort] = [await freePort(), await freePort()];
  const env = orchestratorEnv(sim, orchestratorId, orchestratorPort);
  const stack = {
    sim,
    repos,
    orchestratorId,
    orchestrator: startProcess(join(ROOT, 'orchestrator/dist/main.js'), env),
    gateway: startProcess(join(ROOT, 'api-gateway/dist/main.js'), {
      API_GATEWAY_HOST: '127.0.0.1',
      API_GATEWAY_PORT: String(gatewayPort),
      ORCHESTRATOR_URL: `http://127.0.0.1:${orchestratorPort}`,
      ORCHESTRATOR_API_TOKEN: SHARED_TOKEN,
      GITHUB_WEBHOOK_SECRET: WEBHOOK_SECRET,
      GATEWAY_API_KEYS: API_KEY,
      LOG_FORMAT: 'json',
    }),
    orchestratorUrl: `http://127.0.0.1:${orchestratorPort}`,
    async restart() {
      stack.orchestrator = startProcess(join(ROOT, 'orchestrator/dist/main.js'), env);
      await waitForHttp(`${stack.orchestratorUrl}/health`, stack.orchestrator, 'the orchestrator');
    },
    async stop() {
      await stopProcess(stack.gateway);
      await stopProcess(stack.orchestrator);
      await kit.removeContainersByLabel('gha-ephemeral.orchestrator', orchestratorId);
      await sim.close();
    },
  };
  await waitForHttp(`${stack.orchestratorUrl}/health`, stack.orchestrator, 'the orchestrator');
  await waitForHttp(`http://127.0.0.1:${gatewayPort}/health`, stack.gateway, 'the gateway');
  for (const name of repos) {
    sim.control.addWebhook({
      url: `http://127.0.0.1:${gatewayPort}/webhooks/github`,
      secret: WEBHOOK_SECRET,
      repo: `octo/${name}`,
    });
  }
  return stack;
}

/** Queues the jobs over `queueSeconds`, kills and restarts the orchestrator, and injects faults, all at random. */
async function unleash(stack, settings, rand, say) {
  const jobs = [];
  const span = settings.queueSeconds * 1000;
  const at = (fraction) => Math.round(fraction * span);
  const jobTimes = Array.from({ length: settings.jobs }, () => at(rand())).sort((a, b) => a - b);
  const killTimes = Array.from({ length: settings.kills }, () => at(0.1 + 0.8 * rand())).sort(
    (a, b) => a - b,
  );
  const t0 = Date.now();
  const queueing = (async () => {
    for (const time of jobTimes) {
      await sleep(Math.max(0, t0 + time - Date.now()));
      const repo = stack.repos[Math.floor(rand() * stack.repos.length)];
      const { jobId } = stack.sim.control.queueJob({
        repo: `octo/${repo}`,
        workflowName: 'CI',
        labels: ['self-hosted'],
        durationMs: Math.floor(rand() * 2000),
      });
      jobs.push(jobId);
    }
  })();
  const killing = (async () => {
    for (const time of killTimes) {
      await sleep(Math.max(0, t0 + time - Date.now()));
      say(`SIGKILL the orchestrator at ${Math.round((Date.now() - t0) / 1000)} s`);
      stack.orchestrator.child.kill('SIGKILL');
      await stack.orchestrator.exited;
      await sleep(1000 + rand() * 2000);
      await stack.restart();
    }
  })();
  let faults = 0;
  const faulting = (async () => {
    while (Date.now() - t0 < span) {
      await sleep(2000 + rand() * 4000);
      if (rand() < 0.6) {
        stack.sim.control.injectFault(FAULTS[Math.floor(rand() * FAULTS.length)]);
        faults += 1;
      }
    }
  })();
  await Promise.all([queueing, killing, faulting]);
  stack.sim.control.clearFaults();
  return { jobs, faults };
}

async function settle(stack, jobs, deadline) {
  const done = () => jobs.every((id) => stack.sim.control.getJob(id)?.status === 'completed');
  while (Date.now() < deadline && !done()) await sleep(1000);
  // What is left over must go by itself: the idle timeout (30 s) and the upkeep (every 10 s).
  const containers = async () =>
    (
      await fetch(`${stack.orchestratorUrl}/api/v1/runners`, {
        headers: { authorization: `Bearer ${SHARED_TOKEN}` },
      })
        .then((r) => r.json())
        .catch(() => ({ total: -1 }))
    ).total;
  while (Date.now() < deadline && (await containers()) !== 0) await sleep(1000);
  await sleep(15_000); // one more upkeep for registrations of containers just removed
  return containers();
}

export async function runChaosBench(settings = chaosSettings()) {
  const { kit, simModule } = await loadStackModules(ROOT);
  const Docker = createRequire(join(ROOT, 'packages/runtime-docker/package.json'))('dockerode');
  const starts = await DockerStarts.open(new Docker());
  const say = (text) => process.stderr.write(`[bench:chaos] ${text}\n`);
  const rand = random(settings.seed);
  const stack = await startStack(kit, simModule, settings);
  const deadline = Date.now() + settings.minutes * 60_000;
  try {
    say(`${settings.jobs} jobs over ${settings.queueSeconds} s, ${settings.kills} kills, faults at random`);
    const { jobs, faults } = await unleash(stack, settings, rand, say);
    say('waiting for every job and for the fleet to empty');
    const leftContainers = await settle(stack, jobs, deadline);
    const views = jobs.map((id) => stack.sim.control.getJob(id));
    const naming = await import(pathToFileURL(join(ROOT, 'orchestrator/dist/fleet/naming.js')).href);
    const ours = (name) => typeof name === 'string' && naming.isOwnRunnerName(name, stack.orchestratorId);
    const served = views.filter(
      (job) => job?.status === 'completed' && job.conclusion === 'success' && ours(job.runnerName),
    );
    const waits = served.map((job) => Date.parse(job.startedAt) - Date.parse(job.createdAt));
    const started = starts.count((e) => e.labels['gha-ephemeral.orchestrator'] === stack.orchestratorId);
    // The runners that ran no job: where the extra runners came from, for whoever reads the services' logs.
    const ran = new Set(views.map((job) => job?.runnerName));
    const idle = starts
      .names((e) => e.labels['gha-ephemeral.orchestrator'] === stack.orchestratorId)
      .filter((name) => !ran.has(name));
    // A runner that exited non-zero without a job failed at start (an injected fault reached it): its job needed
    // another runner, as it would with the real image. One that ended cleanly, or was removed idle, was one too many.
    const failedAtStart = idle.filter((name) => (starts.exitCode(name) ?? 0) !== 0);
    const stale = stack.repos.flatMap((repo) =>
      stack.sim.control.listRunners({ repo: `octo/${repo}` }),
    ).length;
    return {
      settings,
      faultsInjected: faults,
      jobs: jobs.length,
      served: served.length,
      longestWaitSeconds: waits.length ? Math.round(Math.max(...waits) / 100) / 10 : null,
      runnersStarted: started,
      failedAtStart: failedAtStart.length,
      duplicates: Math.max(0, started - jobs.length - failedAtStart.length),
      runnersWithoutJob: idle,
      leakedContainers: leftContainers,
      staleRegistrations: stale,
    };
  } finally {
    starts.close();
    await stack.stop();
  }
}

export function formatChaosBench(r) {
  return [
    `Chaos: ${r.jobs} jobs over ${r.settings.repos} repositories, webhooks and polling, ${r.settings.kills} SIGKILLs, ${r.faultsInjected} GitHub faults (seed ${r.settings.seed}).`,
    `| served | longest wait s | runners started | failed at start | duplicates | leaked containers | stale registrations |`,
    `|--:|--:|--:|--:|--:|--:|--:|`,
    `| ${r.served} of ${r.jobs} | ${r.longestWaitSeconds ?? 'n/a'} | ${r.runnersStarted} | ${r.failedAtStart} | ${r.duplicates} | ${r.leakedContainers} | ${r.staleRegistrations} |`,
    `Goal: ${r.jobs} of ${r.jobs} served, 0 duplicates, 0 leaks, 0 stale.`,
  ].join('\n');
}

export function chaosBenchFailed(r) {
  return r.served !== r.jobs || r.duplicates > 0 || r.leakedContainers !== 0 || r.staleRegistrations > 0;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = await runChaosBench();
  console.log(formatChaosBench(result));
  const directory = join(ROOT, 'bench/results');
  mkdirSync(directory, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  writeFileSync(join(directory, `chaos-${stamp}.json`), `${JSON.stringify(result, null, 2)}\n`);
  if (chaosBenchFailed(result)) process.exitCode = 1;
}
