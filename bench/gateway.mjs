#!/usr/bin/env node
// Gateway overhead benchmark (run after `pnpm build`): GET /runners at 50 connections for 30 s, through the API gateway
// and straight to the orchestrator, in the same run, with the gateway's resident memory. The orchestrator is the
// real one (its built dist) with the GitHub simulator and the local Docker engine, holding a few stand-in runners.
//
//   node bench/gateway.mjs                     BENCH_DURATION=10 BENCH_CONNECTIONS=50 BENCH_RUNNERS=3 node bench/gateway.mjs
//
// Variables: BENCH_DURATION (s, default 30), BENCH_WARMUP (s, default 3), BENCH_CONNECTIONS (default 50),
// BENCH_RUNNERS (runners in the list, default 3), BENCH_GATEWAY_LOG_LEVEL (default INFO, the product's default),
// BENCH_SERIAL_DURATION (s, default 10): one request at a time, timed to the microsecond, for the latency the gateway
// adds without queueing (at 50 connections a saturated orchestrator's queue dominates p50, and autocannon rounds to ms),
// BENCH_ISOLATED (default 1; 0 skips it): the same again against a stand-in orchestrator that answers fixed JSON, so
// that the gateway's own cost shows apart from the Docker engine's pace.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import autocannon from 'autocannon';
import {
  freePort,
  startProcess,
  stopProcess,
  waitForHttp,
  SHARED_TOKEN,
  API_KEY,
  STAND_IN_IMAGE,
} from './services.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const GITHUB_TOKEN = `ghp_${'b3nch'.repeat(8)}`;

/** Settings from the environment. */
export function benchSettings(env = process.env) {
  const number = (name, fallback) => {
    const value = Number(env[name] ?? fallback);
    if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a non-negative number`);
    return value;
  };
  return {
    duration: number('BENCH_DURATION', 30),
    warmup: number('BENCH_WARMUP', 3),
    connections: number('BENCH_CONNECTIONS', 50),
    runners: number('BENCH_RUNNERS', 3),
    gatewayLogLevel: env.BENCH_GATEWAY_LOG_LEVEL ?? 'INFO',
    serialDuration: number('BENCH_SERIAL_DURATION', 10),
    isolated: env.BENCH_ISOLATED !== '0',
  };
}

/** Resident memory of a process in MiB, from /proc (Linux); null elsewhere. */
function rssMiB(pid) {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : null;
  } catch {
    return null;
  }
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))];

/** One autocannon segment against `target`, its latencies (exact, in ms) added to `sample`. */
async function segment(target, settings, seconds, sample) {
  const instance = autocannon({
    url: target.url,
    headers: target.headers,
    connections: settings.connections,
    duration: seconds,
    timeout: 10,
  });
  if (sample)
    instance.on('response', (_client, _status, _bytes, responseTime) => sample.latencies.push(responseTime));
  const result = await instance;
  if (sample) {
    sample.seconds += seconds;
    sample.ok += result['2xx'];
    sample.failures += result.errors + result.timeouts + result.non2xx;
  }
}

/**
 * Load at `connections` for `duration` seconds on each side, in 5-second segments that alternate direct and gateway
 * (D G G D D G …), so that a machine whose load drifts (other work on a 2-core box) treats both sides alike.
 * Latencies are autocannon's exact per-response times, not its whole-millisecond histogram.
 */
async function measureUnderLoad(direct, through, settings, gatewayPid) {
  if (settings.warmup > 0) {
    await segment(direct, settings, settings.warmup, null);
    await segment(through, settings, settings.warmup, null);
  }
  const samples = [direct, through].map((target) => ({
    name: target.name,
    latencies: [],
    seconds: 0,
    ok: 0,
    failures: 0,
  }));
  const rounds = Math.max(1, Math.round(settings.duration / 5));
  const seconds = settings.duration / rounds;
  const rss = [];
  const sampler = setInterval(() => rss.push(rssMiB(gatewayPid)), 250);
  try {
    for (let round = 0; round < rounds; round += 1) {
      const order = round % 2 === 0 ? [0, 1] : [1, 0];
      for (const side of order) await segment([direct, through][side], settings, seconds, samples[side]);
    }
  } finally {
    clearInterval(sampler);
  }
  const [directRun, throughRun] = samples.map(({ name, latencies, seconds: total, ok, failures }) => {
    latencies.sort((a, b) => a - b);
    return {
      name,
      requestsPerSecond: ok / total,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      total: ok,
      failures,
    };
  });
  const measured = rss.filter((value) => value !== null);
  return {
    direct: directRun,
    through: throughRun,
    peakRssMiB: measured.length > 0 ? Math.max(...measured) : null,
  };
}

/** Times one request (keep-alive), in ms; counts it as failed unless it is a 200. */
async function timed(target, sample) {
  const started = performance.now();
  const response = await fetch(target.url, { headers: target.headers });
  await response.arrayBuffer();
  sample.durations.push(performance.now() - started);
  if (response.status !== 200) sample.failures += 1;
}

/**
 * One request at a time for `seconds` (at most 100,000 pairs), alternating direct and through the gateway so that
 * both see the same moments of the engine behind the orchestrator: exact latencies, no queueing.
 */
async function serialLatency(direct, gateway, seconds) {
  const samples = [direct, gateway].map((target) => ({ name: target.name, durations: [], failures: 0 }));
  const end = performance.now() + seconds * 1000;
  for (let pair = 0; performance.now() < end && pair < 100_000; pair += 1) {
    await timed(direct, samples[0]);
    await timed(gateway, samples[1]);
  }
  const [directRow, gatewayRow] = samples.map(({ name, durations, failures }) => {
    durations.sort((a, b) => a - b);
    return {
      name,
      requests: durations.length,
      p50: percentile(durations, 50),
      p99: percentile(durations, 99),
      failures,
    };
  });
  return { direct: directRow, through: gatewayRow };
}

/** Starts the stand-in orchestrator (fixed JSON, its own process). */
async function startStandIn(settings, why) {
  const port = await freePort();
  const service = startProcess(join(ROOT, 'bench/gateway-stand-in-orchestrator.mjs'), {
    ORCHESTRATOR_PORT: String(port),
    BENCH_RUNNERS: String(settings.runners),
  });
  await waitForHttp(`http://127.0.0.1:${port}/health`, service, 'the stand-in orchestrator');
  return {
    url: `http://127.0.0.1:${port}`,
    kind: `stand-in (${why})`,
    token: null,
    stop: () => stopProcess(service),
  };
}

/** Starts the real orchestrator (or, when it cannot run here, the stand-in) and returns how to reach and stop it. */
async function startOrchestrator(settings) {
  const real = join(ROOT, 'orchestrator/dist/main.js');
  const sim = join(ROOT, 'packages/github-sim/dist/index.js');
  const testkit = join(ROOT, 'packages/testkit/dist/index.js');
  if (!existsSync(real) || !existsSync(sim) || !existsSync(testkit)) {
    return startStandIn(settings, 'the orchestrator is not built: run pnpm build');
  }
  const kit = await import(pathToFileURL(testkit).href);
  try {
    await kit.requireDockerEngine({ timeoutMs: 5000 });
  } catch {
    return startStandIn(settings, 'no Docker engine answers');
  }

  const port = await freePort();
  const { startGitHubSim } = await import(pathToFileURL(sim).href);
  const github = await startGitHubSim({ tokens: { [GITHUB_TOKEN]: { login: 'octo' } } });
  github.control.createRepo({ owner: 'octo', name: 'bench' });
  const orchestratorId = kit.uniqueId('bench-gw');
  const service = startProcess(real, {
    GITHUB_API_URL: github.apiUrl,
    GITHUB_RUNNER_TOKEN: GITHUB_TOKEN,
    RUNNER_IMAGE: STAND_IN_IMAGE,
    RUNNER_NETWORK: 'host',
    ORCHESTRATOR_ID: orchestratorId,
    ORCHESTRATOR_HOST: '127.0.0.1',
    ORCHESTRATOR_PORT: String(port),
    ORCHESTRATOR_API_TOKEN: SHARED_TOKEN,
    MAX_RUNNERS: String(Math.max(10, settings.runners)),
    LOG_FORMAT: 'json',
  });
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    await stopProcess(service);
    await kit.removeContainersByLabel('gha-ephemeral.orchestrator', orchestratorId);
    await github.close();
  };
  try {
    await waitForHttp(`${url}/health`, service, 'the orchestrator');
    if (settings.runners > 0) {
      const response = await fetch(`${url}/api/v1/runners`, {
        method: 'POST',
        headers: { authorization: `Bearer ${SHARED_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ repository: 'octo/bench', count: settings.runners }),
      });
      if (response.status !== 201)
        throw new Error(`creating the bench runners failed: ${response.status} ${await response.text()}`);
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, kind: 'real (GitHub simulator, Docker engine)', token: SHARED_TOKEN, stop };
}

/** Starts the built gateway in front of `orchestrator`. */
async function startGateway(orchestrator, settings) {
  const port = await freePort();
  const service = startProcess(join(ROOT, 'api-gateway/dist/main.js'), {
    API_GATEWAY_HOST: '127.0.0.1',
    API_GATEWAY_PORT: String(port),
    ORCHESTRATOR_URL: orchestrator.url,
    ...(orchestrator.token ? { ORCHESTRATOR_API_TOKEN: orchestrator.token } : {}),
    GATEWAY_API_KEYS: API_KEY,
    // The benchmark is one client; the limit would measure the limiter, not the gateway.
    RATE_LIMIT_MAX: '1000000000',
    LOG_LEVEL: settings.gatewayLogLevel,
    LOG_FORMAT: 'json',
  });
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(`${url}/health`, service, 'the gateway');
  return { url, service, pid: service.child.pid };
}

/** GET /runners straight to `orchestrator` and through a gateway in front of it: one scenario of the table. */
async function compare(orchestrator, settings) {
  const gateway = await startGateway(orchestrator, settings);
  try {
    const idleRss = rssMiB(gateway.pid);
    const direct = {
      name: 'orchestrator (direct)',
      url: `${orchestrator.url}/runners`,
      headers: orchestrator.token ? { authorization: `Bearer ${orchestrator.token}` } : {},
    };
    const through = {
      name: 'gateway → orchestrator',
      url: `${gateway.url}/runners`,
      headers: { authorization: `Bearer ${API_KEY}` },
    };
    process.stderr.write(
      `[bench:gateway] ${orchestrator.kind}: ${settings.connections} connections, alternating...\n`,
    );
    const loaded = await measureUnderLoad(direct, through, settings, gateway.pid);
    const directRun = loaded.direct;
    const throughRun = loaded.through;
    let serial = null;
    if (settings.serialDuration > 0) {
      process.stderr.write(`[bench:gateway] ${orchestrator.kind}: one request at a time, alternating...\n`);
      await serialLatency(direct, through, 1);
      serial = await serialLatency(direct, through, settings.serialDuration);
    }
    return {
      orchestrator: orchestrator.kind,
      direct: directRun,
      through: throughRun,
      serial,
      gatewayRssMiB: { idle: idleRss, peak: loaded.peakRssMiB },
      ratios: {
        throughput: throughRun.requestsPerSecond / directRun.requestsPerSecond,
        addedP50Ms: throughRun.p50 - directRun.p50,
        addedP99Ms: throughRun.p99 - directRun.p99,
        serialAddedP50Ms: serial === null ? null : serial.through.p50 - serial.direct.p50,
      },
    };
  } finally {
    await stopProcess(gateway.service);
  }
}

/**
 * Runs the benchmark: the real orchestrator first (the issue's numbers); then, unless BENCH_ISOLATED=0, the same
 * against the stand-in orchestrator, whose fixed answer costs next to nothing, so that the gateway's own cost shows
 * (the real GET /runners lists Docker's containers on every call, and the engine's pace dominates).
 */
export async function runGatewayBench(settings = benchSettings()) {
  if (!existsSync(join(ROOT, 'api-gateway/dist/main.js')))
    throw new Error('api-gateway/dist/main.js is missing: run pnpm build first');
  const scenarios = [];
  const orchestrator = await startOrchestrator(settings);
  try {
    scenarios.push(await compare(orchestrator, settings));
  } finally {
    await orchestrator.stop();
  }
  if (settings.isolated && !orchestrator.kind.startsWith('stand-in')) {
    const standIn = await startStandIn(settings, "fixed JSON: the gateway's own cost");
    try {
      scenarios.push(await compare(standIn, settings));
    } finally {
      await standIn.stop();
    }
  }
  return { settings, scenarios };
}

const fixed = (value, digits = 1) =>
  value === null || value === undefined ? 'n/a' : Number(value).toFixed(digits);
const signed = (value, digits) =>
  value === null ? 'n/a' : `${value < 0 ? '−' : '+'}${fixed(Math.abs(value), digits)}`;

function table(rows) {
  const widths = rows[0].map((_, column) =>
    Math.max(column === 0 ? 24 : 10, ...rows.map((row) => row[column].length)),
  );
  const line = (row) =>
    `| ${row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]))).join(' | ')} |`;
  const rule = `|${widths.map((width, column) => (column === 0 ? `:${'-'.repeat(width + 1)}` : `${'-'.repeat(width + 1)}:`)).join('|')}|`;
  return [line(rows[0]), rule, ...rows.slice(1).map(line)].join('\n');
}

function formatScenario(scenario, settings) {
  const { direct, through, serial, ratios, gatewayRssMiB } = scenario;
  const row = (run) => [
    run.name,
    fixed(run.requestsPerSecond, 0),
    fixed(run.p50, 1),
    fixed(run.p99, 1),
    String(run.total),
    String(run.failures),
  ];
  const lines = [
    `Orchestrator: ${scenario.orchestrator}. GET /runners, ${settings.connections} connections, ${settings.duration} s each side, alternating in 5 s segments:`,
    '',
    table([
      ['', 'requests/s', 'p50 ms', 'p99 ms', 'requests', 'failures'],
      row(direct),
      row(through),
      [
        'gateway / direct',
        `${fixed(ratios.throughput * 100, 1)} %`,
        signed(ratios.addedP50Ms, 1),
        signed(ratios.addedP99Ms, 1),
        '',
        '',
      ],
    ]),
  ];
  if (serial !== null) {
    const serialRow = (run) => [
      run.name,
      String(run.requests),
      fixed(run.p50, 3),
      fixed(run.p99, 3),
      String(run.failures),
    ];
    lines.push(
      '',
      `One request at a time, alternating direct and gateway, ${settings.serialDuration} s (exact timings):`,
      '',
      table([
        ['', 'requests', 'p50 ms', 'p99 ms', 'failures'],
        serialRow(serial.direct),
        serialRow(serial.through),
        [
          'gateway adds',
          '',
          signed(ratios.serialAddedP50Ms, 3),
          signed(serial.through.p99 - serial.direct.p99, 3),
          '',
        ],
      ]),
    );
  }
  const addedP50 = ratios.serialAddedP50Ms ?? ratios.addedP50Ms;
  lines.push(
    '',
    `Gateway resident memory: ${fixed(gatewayRssMiB.idle)} MiB idle, ${fixed(gatewayRssMiB.peak)} MiB peak under load.`,
    `Goals: throughput >= 70 % of direct: ${ratios.throughput >= 0.7 ? 'met' : 'NOT met'}; ` +
      `p50 added <= 1 ms${serial === null ? '' : ' (one at a time)'}: ${addedP50 <= 1 ? 'met' : 'NOT met'}.`,
  );
  return lines.join('\n');
}

/** The result as tables with ratios and the issue's goals, one per scenario. */
export function formatGatewayBench(result) {
  return [
    '## Gateway overhead',
    '',
    ...result.scenarios
      .map((scenario) => formatScenario(scenario, result.settings))
      .join('\n\n')
      .split('\n'),
  ].join('\n');
}

/** True when any request of any scenario failed. */
export function gatewayBenchFailed(result) {
  return result.scenarios.some(
    ({ direct, through, serial }) =>
      direct.failures +
        through.failures +
        (serial === null ? 0 : serial.direct.failures + serial.through.failures) >
      0,
  );
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const result = await runGatewayBench();
  console.log(formatGatewayBench(result));
  const directory = join(ROOT, 'bench/results');
  mkdirSync(directory, { recursive: true });
  const file = join(directory, `gateway-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`\n(raw numbers: ${file})`);
  if (gatewayBenchFailed(result)) process.exitCode = 1;
}
