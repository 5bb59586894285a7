#!/usr/bin/env node
// Soak benchmark (run after `pnpm build`): thousands of runners created and removed through one orchestrator, to show
// that nothing grows with the number of runners ever started. The built orchestrator (and gateway) run as processes;
// the GitHub simulator runs here. Each create is one `POST /api/v1/runners` to the orchestrator; a job of ~0 s is
// queued for it, the stand-in runner takes it and exits, and the orchestrator reaps it. Creates run a few at a time.
//
//   node bench/soak.mjs      BENCH_SOAK_RUNNERS=5000 BENCH_SOAK_PRESETS=jit,token BENCH_SOAK_CONCURRENCY=8
//
// Reported per preset: create latency (ms, the POST's round trip) p50/p95 over the first 100 creates, the 100 before
// the 1,000th and the 100 before the last; the orchestrator's resident memory (VmRSS) at 100, 1,000 and the last
// create; leftovers at the end. Before the soak, with 100 runners alive and idle, both services' resident memory.
// Bounded: BENCH_SOAK_MINUTES (default 40) per preset stops the soak where it is and reports what it reached.
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { freePort, startProcess, stopProcess, waitForHttp } from './services.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const GITHUB_TOKEN = `ghp_${'s0ak'.repeat(9)}`;
const SHARED_TOKEN = 'bench-shared-token-0123456789abcdef';
const API_KEY = 'bench-api-key-0123456789abcdef';
const STAND_IN_IMAGE = 'gha-ephemeral/stand-in-runner:local';
const PRESETS = {
  jit: {
    name: 'just-in-time (official image preset)',
    env: { RUNNER_COMMAND: '/home/runner/run.sh', runnerenv_ACTIONS_RUNNER_INPUT_JITCONFIG: '{jit_config}' },
  },
  token: { name: 'registration token (default template)', env: {} },
};

/** Settings from the environment. */
export function soakSettings(env = process.env) {
  const number = (name, fallback) => {
    const value = Number(env[name] ?? fallback);
    if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive whole number`);
    return value;
  };
  const presets = (env.BENCH_SOAK_PRESETS ?? 'jit,token').split(',').map((name) => name.trim());
  for (const name of presets) if (!(name in PRESETS)) throw new Error(`unknown preset ${name} (jit, token)`);
  return {
    runners: number('BENCH_SOAK_RUNNERS', 5000),
    presets,
    concurrency: number('BENCH_SOAK_CONCURRENCY', 8),
    alive: number('BENCH_SOAK_ALIVE', 100),
    minutes: number('BENCH_SOAK_MINUTES', 40),
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
    ...PRESETS[preset].env,
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

/** The soak: `settings.runners` creates, each followed by a job that ends its runner. */
async function soak(stack, settings, say) {
  const latencies = [];
  const rss = {};
  const checkpoints = new Set([100, 1000, settings.runners]);
  const stopAt = Date.now() + settings.minutes * 60_000;
  let next = 0;
  let refused = 0;
  const worker = async () => {
    while (next < settings.runners && Date.now() < stopAt) {
      const index = ++next;
      for (;;) {
        const started = performance.now();
        const response = await create(stack);
        const elapsed = performance.now() - started;
        await response.body?.cancel();
        if (response.status === 201) {
          latencies[index - 1] = elapsed;
          break;
        }
        refused += 1; // at MAX_RUNNERS: wait for a runner to end
        await sleep(200);
      }
      stack.sim.control.queueJob({ repo: 'octo/soak', labels: ['self-hosted'], durationMs: 0 });
      if (checkpoints.has(index)) rss[index] = rssMb(stack.orchestrator.child.pid);
      if (index % 500 === 0) say(`${index} of ${settings.runners} created`);
    }
  };
  await Promise.all(Array.from({ length: settings.concurrency }, worker));
  const done = latencies.filter((v) => v !== undefined).length;
  const window = (end) => stats(latencies.slice(Math.max(0, end - 100), end).filter((v) => v !== undefined));
  return {
    created: done,
    refusedAtCapacity: refused,
    latency: { first100: window(100), at1000: window(1000), last: window(done) },
    rssMb: {
      at100: rss[100] ?? null,
      at1000: rss[1000] ?? null,
      atLast: rssMb(stack.orchestrator.child.pid),
    },
  };
}

async function measurePreset(preset, kit, simModule, settings) {
  const say = (text) => process.stderr.write(`[bench:soak] ${PRESETS[preset].name}: ${text}\n`);
  const stack = await startStack(kit, simModule, preset, settings);
  try {
    say(`${settings.alive} runners alive`);
    const alive = await measureAlive(stack, settings.alive);
    say(`soak of ${settings.runners} runners, ${settings.concurrency} at a time`);
    const result = await soak(stack, settings, say);
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
  for (const script of [
    'orchestrator/dist/main.js',
    'api-gateway/dist/main.js',
    'packages/github-sim/dist/index.js',
  ]) {
    if (!existsSync(join(ROOT, script))) throw new Error(`${script} is missing: run pnpm build first`);
  }
  const kit = await import(pathToFileURL(join(ROOT, 'packages/testkit/dist/index.js')).href);
  await kit.requireDockerEngine({ timeoutMs: 5000 });
  const simModule = await import(pathToFileURL(join(ROOT, 'packages/github-sim/dist/index.js')).href);
  const presets = [];
  for (const preset of settings.presets) presets.push(await measurePreset(preset, kit, simModule, settings));
  return { settings, presets };
}

const ms = (value) => (value === undefined || value === null ? 'n/a' : `${Math.round(value)}`);
const ratio = (a, b) => (a > 0 && b > 0 ? `${(a / b).toFixed(2)}×` : 'n/a');

function formatPreset(r) {
  const { latency: l, rssMb: m } = r;
  return [
    `Soak, ${r.name}: ${r.created} runners created and removed (${r.refusedAtCapacity} creates waited at MAX_RUNNERS).`,
    `| window | create p50 ms | create p95 ms | orchestrator RSS MB |`,
    `|:--|--:|--:|--:|`,
    `| creates 1–100 | ${ms(l.first100.p50)} | ${ms(l.first100.p95)} | ${ms(m.at100)} |`,
    `| the 100 before 1,000 | ${ms(l.at1000.p50)} | ${ms(l.at1000.p95)} | ${ms(m.at1000)} |`,
    `| the last 100 (to ${r.created}) | ${ms(l.last.p50)} | ${ms(l.last.p95)} | ${ms(m.atLast)} |`,
    `Last 100 vs first 100, p50: ${ratio(l.last.p50, l.first100.p50)} (goal ≤ 1.2×); RSS last vs 1,000: ${ratio(m.atLast, m.at1000)} (goal ≤ 1.2×).`,
    `With ${r.alive.alive} runners alive: orchestrator ${ms(r.alive.orchestratorMb)} MB (goal ≤ 120), gateway ${ms(r.alive.gatewayMb)} MB (goal ≤ 80).`,
    `Left at the end: ${r.leftovers.containers} containers, ${r.leftovers.registrations} registrations${r.leftovers.drained ? '' : ' (did not drain in 5 minutes)'}.`,
  ].join('\n');
}

export function formatSoakBench(result) {
  return result.presets.map(formatPreset).join('\n\n');
}

/** The goals: the last creates cost ≤ 1.2× the first, RSS at the end ≤ 1.2× RSS at 1,000, nothing left. */
export function soakBenchFailed(result) {
  return result.presets.some(
    (r) =>
      r.leftovers.containers > 0 ||
      r.leftovers.registrations > 0 ||
      !(r.latency.last.p50 <= 1.2 * r.latency.first100.p50) ||
      !(r.rssMb.atLast <= 1.2 * r.rssMb.at1000),
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = await runSoakBench();
  console.log(formatSoakBench(result));
  if (soakBenchFailed(result)) process.exitCode = 1;
}
