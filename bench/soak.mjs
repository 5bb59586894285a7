#!/usr/bin/env node
// Soak benchmark (run after `pnpm build`): thousands of runners created and removed through one orchestrator, to show
// that nothing grows with the number of runners ever started. The built orchestrator (and gateway) run as processes;
// the GitHub simulator runs here. Each create is one `POST /api/v1/runners` to the orchestrator; a job of ~0 s is
// queued for it, the stand-in runner takes it and exits, and the orchestrator reaps it. Creates run a few at a time.
//
//   node bench/soak.mjs      BENCH_SOAK_TOKEN_RUNNERS=5000 BENCH_SOAK_JIT_RUNNERS=1000 BENCH_SOAK_PRESETS=token,jit
//
// The just-in-time preset makes one GitHub write per runner (`generate-jitconfig`), and writes are paced as GitHub
// asks (a burst, then one a second: GITHUB_WRITE_BURST), so its soak is shorter: 1,000 runners take ~17 minutes.
// Each probe waits for the write bucket to refill first, so it measures the orchestrator, not the pacing.
//
// Reported per preset: the cost of a create (ms, the POST's round trip; 20 creates one at a time on a quiet machine)
// p50/p95 and the orchestrator's resident memory (VmRSS) after 100, 1,000 and all runners; leftovers at the end. Before the soak, with 100 runners alive and idle, both services' resident memory.
// Bounded: BENCH_SOAK_MINUTES (default 45) per preset stops the soak where it is and reports what it reached.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import {
  envInt,
  freePort,
  startProcess,
  stopProcess,
  waitForHttp,
  loadStackModules,
  tokenPresetEnv,
  SHARED_TOKEN,
  API_KEY,
  STAND_IN_IMAGE,
} from './services.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const GITHUB_TOKEN = `ghp_${'s0ak'.repeat(9)}`;
const PRESETS = {
  jit: {
    name: 'just-in-time (official image preset)',
    env: { RUNNER_COMMAND: '/home/runner/run.sh', runnerenv_ACTIONS_RUNNER_INPUT_JITCONFIG: '{jit_config}' },
  },
  // Its variables come from the built orchestrator (`tokenPresetEnv`).
  token: { name: 'registration token (myoung34 preset)', env: null },
};

/** Settings from the environment. */
export function soakSettings(env = process.env) {
  const presets = (env.BENCH_SOAK_PRESETS ?? 'token,jit').split(',').map((name) => name.trim());
  for (const name of presets) if (!(name in PRESETS)) throw new Error(`unknown preset ${name} (jit, token)`);
  return {
    runners: {
      token: envInt(env, 'BENCH_SOAK_TOKEN_RUNNERS', 5000),
      jit: envInt(env, 'BENCH_SOAK_JIT_RUNNERS', 1000),
    },
    presets,
    concurrency: envInt(env, 'BENCH_SOAK_CONCURRENCY', 8),
    alive: envInt(env, 'BENCH_SOAK_ALIVE', 100),
    minutes: envInt(env, 'BENCH_SOAK_MINUTES', 45),
  };
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))];
const stats = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return { n: sorted.length, p50: percentile(sorted, 50), p95: percentile(sorted, 95) };
};

/** Resident memory of a process, MB (VmRSS). */
function rssMb(pid) {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmRSS:\s+(\d+) kB/m);
  return line ? Math.round(Number(line[1]) / 1024) : null;
}

/** The orchestrator's JavaScript heap in use, MB, from its own metrics (null when it does not say). */
async function heapMb(stack) {
  const text = await fetch(`${stack.api}/metrics`).then((r) => r.text());
  const match = text.match(/^gha_ephemeral_nodejs_heap_size_used_bytes (\S+)$/m);
  return match ? Math.round(Number(match[1]) / 1048576) : null;
}

async function startStack(kit, simModule, preset, settings) {
  const sim = await simModule.startGitHubSim({ tokens: { [GITHUB_TOKEN]: { login: 'octo' } } });
  sim.control.createRepo({ owner: 'octo', name: 'soak' });
  const orchestratorId = kit.uniqueId('bench-soak');
  const [orchestratorPort, gatewayPort] = [await freePort(), await freePort()];
  const orchestrator = startProcess(join(ROOT, 'orchestrator/dist/main.js'), {
    GITHUB_API_URL: sim.apiUrl,
    GITHUB_RUNNER_TOKEN: GITHUB_TOKEN,
    RUNNER_IMAGE: STAND_IN_IMAGE,
    RUNNER_NETWORK: 'host',
    ORCHESTRATOR_ID: orchestratorId,
    ORCHESTRATOR_HOST: '127.0.0.1',
    ORCHESTRATOR_PORT: String(orchestratorPort),
    ORCHESTRATOR_API_TOKEN: SHARED_TOKEN,
    MAX_RUNNERS: String(settings.alive + settings.concurrency + 10),
    GITHUB_WRITE_BURST: '150',
    LOG_LEVEL: 'INFO',
    LOG_FORMAT: 'json',
    ...(PRESETS[preset].env ?? (await tokenPresetEnv(ROOT))),
  });
  const gateway = startProcess(join(ROOT, 'api-gateway/dist/main.js'), {
    API_GATEWAY_HOST: '127.0.0.1',
    API_GATEWAY_PORT: String(gatewayPort),
    ORCHESTRATOR_URL: `http://127.0.0.1:${orchestratorPort}`,
    ORCHESTRATOR_API_TOKEN: SHARED_TOKEN,
    GATEWAY_API_KEYS: API_KEY,
    LOG_FORMAT: 'json',
  });
  const stop = async () => {
    await stopProcess(gateway);
    await stopProcess(orchestrator);
    await kit.removeContainersByLabel('gha-ephemeral.orchestrator', orchestratorId);
    await sim.close();
  };
  try {
    await waitForHttp(`http://127.0.0.1:${orchestratorPort}/health`, orchestrator, 'the orchestrator');
    await waitForHttp(`http://127.0.0.1:${gatewayPort}/health`, gateway, 'the gateway');
  } catch (error) {
    await stop();
    throw error;
  }
  const api = `http://127.0.0.1:${orchestratorPort}`;
  return {
    sim,
    orchestrator,
    gateway,
    orchestratorId,
    api,
    gatewayUrl: `http://127.0.0.1:${gatewayPort}`,
    stop,
  };
}

/** Creates runners without jobs until `count` are idle, measures both services' memory, then lets them go. */
async function measureAlive(stack, count) {
  const created = [];
  for (let i = 0; i < count; i += 10) {
    const response = await create(stack, Math.min(10, count - i));
    if (response.status !== 201) throw new Error(`creating idle runners: ${response.status}`);
    created.push(...(await response.json()).runners);
  }
  const deadline = Date.now() + 180_000;
  while (Date.now() < deadline) {
    const online = created.filter((r) => stack.sim.control.getRunnerByName(r.id)?.status === 'online');
    if (online.length === created.length) break;
    await sleep(500);
  }
  // The gateway as a client sees it: a few listings of the 100 through it, then idle.
  for (let i = 0; i < 5; i += 1) {
    await fetch(`${stack.gatewayUrl}/api/v1/runners`, { headers: { authorization: `Bearer ${API_KEY}` } });
  }
  await sleep(2000);
  const memory = {
    orchestratorMb: rssMb(stack.orchestrator.child.pid),
    gatewayMb: rssMb(stack.gateway.child.pid),
  };
  for (let i = 0; i < created.length; i += 1) {
    stack.sim.control.queueJob({ repo: 'octo/soak', labels: ['self-hosted'], durationMs: 0 });
  }
  await waitForNone(stack, 180_000);
  return { alive: created.length, ...memory };
}

function create(stack, count = 1) {
  return fetch(`${stack.api}/api/v1/runners`, {
    method: 'POST',
    headers: { authorization: `Bearer ${SHARED_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ repository: 'octo/soak', count }),
    signal: AbortSignal.timeout(120_000),
  });
}

/** Runner containers of this orchestrator, in any state (the API lists them all). */
async function countRunners(stack) {
  const response = await fetch(`${stack.api}/api/v1/runners`, {
    headers: { authorization: `Bearer ${SHARED_TOKEN}` },
  });
  return (await response.json()).total;
}

async function waitForNone(stack, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if ((await countRunners(stack)) === 0) return true;
    await sleep(500);
  }
  return false;
}

/**
 * One create's cost on a quiet machine: `count` creates one at a time, each once the last runner is online (no
 * other runner starting), then a job for each, and the fleet drained again. Comparable at any point of the soak.
 */
async function probe(stack, count) {
  const latencies = [];
  for (let i = 0; i < count; i += 1) {
    const started = performance.now();
    const response = await create(stack);
    latencies.push(performance.now() - started);
    if (response.status !== 201) throw new Error(`a probe create was answered ${response.status}`);
    const [runner] = (await response.json()).runners;
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline && stack.sim.control.getRunnerByName(runner.id)?.status !== 'online')
      await sleep(50);
  }
  for (let i = 0; i < count; i += 1) {
    stack.sim.control.queueJob({ repo: 'octo/soak', labels: ['self-hosted'], durationMs: 0 });
  }
  await waitForNone(stack, 120_000);
  return { ...stats(latencies), rssMb: rssMb(stack.orchestrator.child.pid), heapMb: await heapMb(stack) };
}

/** Creates runners `from` to `to` (exclusive), a few at a time, each followed by a job that ends its runner. */
async function churn(stack, settings, from, to, stopAt, say, total) {
  let next = from;
  let refused = 0;
  const worker = async () => {
    while (next < to && Date.now() < stopAt) {
      const index = ++next;
      for (;;) {
        const response = await create(stack);
        await response.body?.cancel();
        if (response.status === 201) break;
        refused += 1; // at MAX_RUNNERS: wait for a runner to end
        await sleep(200);
      }
      stack.sim.control.queueJob({ repo: 'octo/soak', labels: ['self-hosted'], durationMs: 0 });
      if (index % 500 === 0) say(`${index} of ${total} created`);
    }
  };
  await Promise.all(Array.from({ length: settings.concurrency }, worker));
  await waitForNone(stack, 300_000);
  return { reached: next, refused };
}

/**
 * The soak: runners created and removed up to `settings.runners`, with a probe of a create's cost (and the
 * orchestrator's memory) after the first 100, at 1,000, and at the end.
 */
async function soak(stack, settings, total, say) {
  const stopAt = Date.now() + settings.minutes * 60_000;
  const probes = {};
  let reached = 0;
  let refused = 0;
  for (const checkpoint of [100, 1000, total]) {
    if (checkpoint > total || checkpoint <= reached) continue;
    const segment = await churn(stack, settings, reached, checkpoint - PROBE_SIZE, stopAt, say, total);
    refused += segment.refused;
    reached = segment.reached;
    // GitHub's write pacing refills one write a second: let it refill for the probe's creates.
    await sleep((PROBE_SIZE + 5) * 1000);
    const measured = await probe(stack, PROBE_SIZE);
    reached += PROBE_SIZE;
    probes[reached] = measured;
    say(`at ${reached}: create p50 ${Math.round(measured.p50)} ms, RSS ${measured.rssMb} MB`);
    if (Date.now() >= stopAt) break;
  }
  return { created: reached, refusedAtCapacity: refused, probes };
}

/** Creates measured, one at a time, at each probe. */
const PROBE_SIZE = 20;

async function measurePreset(preset, kit, simModule, settings) {
  const say = (text) => process.stderr.write(`[bench:soak] ${PRESETS[preset].name}: ${text}\n`);
  const stack = await startStack(kit, simModule, preset, settings);
  try {
    say(`${settings.alive} runners alive`);
    const alive = await measureAlive(stack, settings.alive);
    const total = settings.runners[preset];
    say(`soak of ${total} runners, ${settings.concurrency} at a time`);
    const result = await soak(stack, settings, total, say);
    const drained = await waitForNone(stack, 300_000);
    const leftovers = {
      containers: await countRunners(stack),
      registrations: stack.sim.control.listRunners({ repo: 'octo/soak' }).length,
      drained,
    };
    const out = { preset, name: PRESETS[preset].name, alive, ...result, leftovers };
    process.stderr.write(`${formatPreset(out)}\n\n`);
    return out;
  } finally {
    await stack.stop();
  }
}

export async function runSoakBench(settings = soakSettings()) {
  const { kit, simModule } = await loadStackModules(ROOT);
  const presets = [];
  for (const preset of settings.presets) presets.push(await measurePreset(preset, kit, simModule, settings));
  return { settings, presets };
}

const ms = (value) => (value === undefined || value === null ? 'n/a' : `${Math.round(value)}`);
const ratio = (a, b) => (a > 0 && b > 0 ? `${(a / b).toFixed(2)}×` : 'n/a');

function formatPreset(r) {
  const points = Object.entries(r.probes).map(([at, p]) => ({ at: Number(at), ...p }));
  const first = points[0];
  const last = points.at(-1);
  const at1000 = points.find((p) => p.at === 1000);
  return [
    `Soak, ${r.name}: ${r.created} runners created and removed (${r.refusedAtCapacity} creates waited at MAX_RUNNERS).`,
    `| after runners | create p50 ms | create p95 ms | orchestrator RSS MB | heap used MB |`,
    `|--:|--:|--:|--:|--:|`,
    ...points.map((p) => `| ${p.at} | ${ms(p.p50)} | ${ms(p.p95)} | ${ms(p.rssMb)} | ${ms(p.heapMb)} |`),
    `Create at ${last?.at} vs at ${first?.at}, p50: ${ratio(last?.p50, first?.p50)} (goal ≤ 1.2×); RSS at ${last?.at} vs 1,000: ${ratio(last?.rssMb, at1000?.rssMb)} (goal ≤ 1.2×).`,
    `With ${r.alive.alive} runners alive: orchestrator ${ms(r.alive.orchestratorMb)} MB (goal ≤ 120), gateway ${ms(r.alive.gatewayMb)} MB (goal ≤ 80).`,
    `Left at the end: ${r.leftovers.containers} containers, ${r.leftovers.registrations} registrations${r.leftovers.drained ? '' : ' (did not drain in 5 minutes)'}.`,
  ].join('\n');
}

export function formatSoakBench(result) {
  return result.presets.map(formatPreset).join('\n\n');
}

/** The goals: the last create costs ≤ 1.2× the first, RSS at the end ≤ 1.2× RSS at 1,000, nothing left. */
export function soakBenchFailed(result) {
  return result.presets.some((r) => {
    const points = Object.entries(r.probes).map(([at, p]) => ({ at: Number(at), ...p }));
    const first = points[0];
    const last = points.at(-1);
    const at1000 = points.find((p) => p.at === 1000);
    return (
      r.leftovers.containers > 0 ||
      r.leftovers.registrations > 0 ||
      !(last.p50 <= 1.2 * first.p50) ||
      (at1000 !== undefined && !(last.rssMb <= 1.2 * at1000.rssMb))
    );
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = await runSoakBench();
  console.log(formatSoakBench(result));
  const directory = join(ROOT, 'bench/results');
  mkdirSync(directory, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  writeFileSync(join(directory, `soak-${stamp}.json`), `${JSON.stringify(result, null, 2)}\n`);
  if (soakBenchFailed(result)) process.exitCode = 1;
}
