// Suite "dashboard": what live dashboards cost the services, and how soon a change reaches them.
// - API latency (GET /api/v1/runners through the gateway, one at a time) with no event stream open, against the same
//   with BENCH_DASHBOARD_STREAMS streams open, one of them a client that never reads: the ratio is the cost.
// - Event delay: a runner started (POST returns once it runs) until its `runner` event arrives on a stream, and a
//   runner removed (DELETE returns) until its `runner.removed` arrives; BENCH_DASHBOARD_ROUNDS of each.
// Goals: the API at most 1.1× slower with the streams open; both delays under 1 s at p95.
import { connect } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ms, ratio, table } from './report.mjs';
import {
  API_KEY,
  envInt,
  loadStackModules,
  SELF_HOSTED_WORKFLOW,
  SHARED_TOKEN,
  STAND_IN_IMAGE,
  startWebhookStack,
  WEBHOOK_SECRET,
} from './services.mjs';

const root = join(fileURLToPath(new URL('.', import.meta.url)), '..');
const TOKEN = `ghp_${'dshb'.repeat(9)}`;
const auth = { authorization: `Bearer ${API_KEY}` };

export function dashboardSettings(env = process.env) {
  return {
    streams: envInt(env, 'BENCH_DASHBOARD_STREAMS', 60),
    requests: envInt(env, 'BENCH_DASHBOARD_REQUESTS', 200),
    rounds: envInt(env, 'BENCH_DASHBOARD_ROUNDS', 10),
  };
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))];
const stats = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return { n: sorted.length, p50: percentile(sorted, 50), p95: percentile(sorted, 95) };
};

/** `count` GETs of the runner list, one after the other; their durations. */
async function apiLatencies(base, count) {
  const durations = [];
  for (let i = 0; i < count; i += 1) {
    const started = performance.now();
    const response = await fetch(`${base}/api/v1/runners`, {
      headers: auth,
      signal: AbortSignal.timeout(10_000),
    });
    await response.arrayBuffer();
    if (!response.ok) throw new Error(`GET /api/v1/runners answered ${response.status}`);
    durations.push(performance.now() - started);
  }
  return durations;
}

/** A client that asks for the stream and never reads a byte of it. */
function stalledClient(base) {
  const { hostname, port } = new URL(base);
  const socket = connect(Number(port), hostname);
  socket.write(
    `GET /api/v1/events HTTP/1.1\r\nHost: ${hostname}\r\nAuthorization: ${auth.authorization}\r\n\r\n`,
  );
  socket.pause();
  return socket;
}

/** How long after `act` resolves the stream shows the event `matches` picks (ms). */
async function eventDelay(stream, act, matches) {
  const id = await act();
  const done = performance.now();
  await stream.next((event) => matches(event.data, id), 10_000);
  return performance.now() - done;
}

async function createRunner(base) {
  const response = await fetch(`${base}/api/v1/runners`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify({ repository: 'octo/dash' }),
    signal: AbortSignal.timeout(60_000),
  });
  const body = await response.json();
  if (response.status !== 201) throw new Error(`POST /api/v1/runners answered ${response.status}`);
  return body.runners[0].id;
}

async function removeRunner(base, id) {
  const response = await fetch(`${base}/api/v1/runners/${id}`, {
    method: 'DELETE',
    headers: auth,
    signal: AbortSignal.timeout(60_000),
  });
  if (response.status >= 300) throw new Error(`DELETE answered ${response.status}`);
  return id;
}

/** Runner events: each round starts a runner and removes it, timing both events on one stream. */
async function eventDelays(kit, base, rounds) {
  const stream = await kit.openSse(`${base}/api/v1/events`, { headers: auth });
  try {
    await stream.next((event) => event.event === 'snapshot', 15_000);
    const started = [];
    const removed = [];
    for (let i = 0; i < rounds; i += 1) {
      let id = '';
      started.push(
        await eventDelay(
          stream,
          async () => (id = await createRunner(base)),
          (data, runner) => data.type === 'runner' && data.runner.id === runner,
        ),
      );
      removed.push(
        await eventDelay(
          stream,
          () => removeRunner(base, id),
          (data, runner) => data.type === 'runner.removed' && data.id === runner,
        ),
      );
    }
    return { started: stats(started), removed: stats(removed) };
  } finally {
    stream.close();
  }
}

export async function runDashboardBench(settings = dashboardSettings()) {
  const { kit, simModule } = await loadStackModules(root);
  const sim = await simModule.startGitHubSim({ tokens: { [TOKEN]: { login: 'octo' } } });
  sim.control.createRepo({
    owner: 'octo',
    name: 'dash',
    workflows: [{ path: '.github/workflows/ci.yml', content: SELF_HOSTED_WORKFLOW }],
  });
  const stack = await startWebhookStack(root, kit, sim, {
    token: TOKEN,
    sharedToken: SHARED_TOKEN,
    webhookSecret: WEBHOOK_SECRET,
    repo: 'octo/dash',
    orchestratorId: `bench-dash-${Date.now().toString(36)}`,
    orchestratorEnv: { RUNNER_IMAGE: STAND_IN_IMAGE, AUTO_CREATE_RUNNERS: 'false' },
    // The requests measured are one client's: the gateway's per-client limit would cut the run short.
    gatewayEnv: { RATE_LIMIT_MAX: '100000' },
  });
  const base = stack.gatewayUrl;
  const open = [];
  try {
    await apiLatencies(base, 20); // warm-up
    const quiet = stats(await apiLatencies(base, settings.requests));
    console.log(`[dashboard] no stream: p50 ${ms(quiet.p50)} ms`);
    for (let i = 0; i < settings.streams - 1; i += 1) {
      const stream = await kit.openSse(`${base}/api/v1/events`, { headers: auth });
      await stream.next((event) => event.event === 'snapshot', 15_000);
      open.push(stream);
    }
    const stalled = stalledClient(base);
    const watched = stats(await apiLatencies(base, settings.requests));
    console.log(`[dashboard] ${settings.streams} streams: p50 ${ms(watched.p50)} ms`);
    stalled.destroy();
    for (const stream of open.splice(0)) stream.close();
    const delays = await eventDelays(kit, base, settings.rounds);
    return { settings, quiet, watched, delays };
  } finally {
    for (const stream of open) stream.close();
    await stack.stop();
    await sim.close();
  }
}

export function formatDashboardBench(result) {
  const { quiet, watched, delays, settings } = result;
  return [
    `## dashboard: ${settings.streams} live streams (one never reading), ${settings.rounds} runners started and removed`,
    '',
    table([
      ['measure', 'p50 ms', 'p95 ms', 'vs baseline'],
      ['GET /api/v1/runners, no stream open (baseline)', ms(quiet.p50), ms(quiet.p95), '1.00×'],
      [
        `GET /api/v1/runners, ${settings.streams} streams open`,
        ms(watched.p50),
        ms(watched.p95),
        ratio(watched.p50, quiet.p50),
      ],
      ['runner running → its event on the stream', ms(delays.started.p50), ms(delays.started.p95), ''],
      ['runner removed → its event on the stream', ms(delays.removed.p50), ms(delays.removed.p95), ''],
    ]),
    '',
    'Goals: the API at most 1.1× slower with the streams open; both event delays under 1,000 ms at p95.',
  ].join('\n');
}

export function dashboardBenchFailed(result) {
  return (
    result.watched.p50 > result.quiet.p50 * 1.1 ||
    result.delays.started.p95 > 1000 ||
    result.delays.removed.p95 > 1000
  );
}
