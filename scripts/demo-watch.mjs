// Drives `pnpm demo` once the stack is up (scripts/demo.sh starts it): points the simulator's webhook at the
// gateway (webhooks mode), or shows the scale sets' listeners (scale-set mode), queues the sample jobs in the GitHub simulator, gets runners started for them (or lets
// automatic mode do it), prints a line as each delivery goes out and each runner starts, takes a job, finishes
// and vanishes, then a summary with each job's time from queued to running. Every wait is bounded.
//
// Environment: DEMO_GATEWAY_URL, DEMO_SIM_URL, DEMO_API_KEY, DEMO_AUTO (true: AUTO_CREATE_RUNNERS is on),
// DEMO_WEBHOOK_URL and DEMO_WEBHOOK_SECRET (both set: webhooks mode; empty: polling), DEMO_MODE (scaleset: the
// pools are runner scale sets, the repositories already exist), DEMO_ORCHESTRATOR_CONTAINER (to read the
// listeners' state from the orchestrator's /health), DEMO_RUNNER_IMAGE and DEMO_RUNNER_NETWORK (for the
// `docker run -d` the starts are compared with), DEMO_TIMEOUT_SECONDS (180).
import { execFile } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  addGatewayWebhook,
  call,
  missingLabels,
  createRepositories,
  JOB_SPACING_MS,
  queueJobs,
  requestRunner,
  runnerCanTake,
} from './demo-scenario.mjs';
import {
  containerStartedAt,
  dockerRunFloor,
  formatJobStart,
  formatStartsLine,
  jobStart,
} from './demo-starts.mjs';

const gateway = process.env.DEMO_GATEWAY_URL;
const sim = process.env.DEMO_SIM_URL;
const apiKey = process.env.DEMO_API_KEY;
const auto = process.env.DEMO_AUTO === 'true';
const webhookUrl = process.env.DEMO_WEBHOOK_URL ?? '';
const webhookSecret = process.env.DEMO_WEBHOOK_SECRET ?? '';
const webhooks = webhookUrl !== '';
const scaleSets = process.env.DEMO_MODE === 'scaleset';
const orchestratorContainer = process.env.DEMO_ORCHESTRATOR_CONTAINER ?? '';
const runnerImage = process.env.DEMO_RUNNER_IMAGE ?? 'gha-ephemeral/stand-in-runner:local';
const runnerNetwork = process.env.DEMO_RUNNER_NETWORK ?? 'gha-demo-runners';
/** Seconds from `docker run -d` of the runner image to its container running, measured once; null if unknown. */
let floor = null;
const timeoutMs = Number(process.env.DEMO_TIMEOUT_SECONDS ?? 180) * 1000;
const POLL_MS = 1000;

const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1).padStart(5)}s`;
const say = (icon, text) => console.log(`  ${elapsed()}  ${icon}  ${text}`);

/** Runner containers as the gateway lists them (GET /api/v1/runners). */
async function gatewayRunners() {
  const { status, body } = await call(`${gateway}/api/v1/runners`, { apiKey });
  if (status !== 200) throw new Error(`GET /api/v1/runners: HTTP ${status} ${body?.message ?? ''}`);
  return body.runners;
}

/** The simulator's view: every job, every registered runner, the webhook deliveries sent so far, the scale sets. */
async function simulatorState() {
  const [jobs, runners, deliveries, sets] = await Promise.all([
    call(`${sim}/_sim/jobs`),
    call(`${sim}/_sim/runners`),
    webhooks ? call(`${sim}/_sim/webhooks/deliveries`) : { body: { deliveries: [] } },
    scaleSets ? call(`${sim}/_sim/scale-sets`) : { body: { scaleSets: [] } },
  ]);
  return {
    jobs: jobs.body.jobs,
    runners: runners.body.runners,
    deliveries: deliveries.body.deliveries,
    scaleSets: sets.body?.scaleSets ?? [],
  };
}

/**
 * The orchestrator's own view of its scale-set listeners (its /health, read inside its container: the
 * orchestrator publishes no port), or null when it cannot be read.
 */
function orchestratorListeners() {
  if (orchestratorContainer === '') return Promise.resolve(null);
  const script =
    "const h=process.env.ORCHESTRATOR_HOST||'127.0.0.1';" +
    "fetch('http://'+(h==='0.0.0.0'?'127.0.0.1':h)+':'+(process.env.ORCHESTRATOR_PORT||'8000')+'/health'," +
    '{signal:AbortSignal.timeout(5000)}).then(r=>r.text()).then(t=>process.stdout.write(t))';
  return new Promise((resolve) => {
    execFile(
      'docker',
      ['exec', orchestratorContainer, 'node', '-e', script],
      { timeout: 15_000 },
      (error, stdout) => {
        try {
          resolve(error ? null : (JSON.parse(stdout).scaleSets ?? null));
        } catch {
          resolve(null);
        }
      },
    );
  });
}

const scopeOf = (set) => (set.scope?.org ? `organization ${set.scope.org}` : `repository ${set.scope?.repo}`);

/**
 * Scale-set mode: waits (bounded) until every scale set has its listener's session with a long poll open, and
 * prints each: what GitHub shows and what the orchestrator's listener says.
 */
async function showListeners() {
  const deadline = Date.now() + 60_000;
  let sets = [];
  let listeners = null;
  while (Date.now() < deadline) {
    sets = (await call(`${sim}/_sim/scale-sets`)).body?.scaleSets ?? [];
    listeners = await orchestratorListeners();
    const ready =
      sets.length > 0 &&
      sets.every((set) => set.session?.live !== false && set.session && set.openPolls >= 1) &&
      (listeners === null || listeners.every((l) => l.state === 'listening'));
    if (ready) break;
    await sleep(POLL_MS);
  }
  if (sets.length === 0) throw new Error('no scale set was registered in the simulator within 60 s');
  for (const set of sets) {
    const listener = listeners?.find((l) => l.name === set.name);
    say(
      '🎧',
      `scale set ${set.name} (id ${set.id}, ${scopeOf(set)}, takes jobs whose runs-on labels are all among [${set.labels.map((l) => l.name ?? l).join(', ')}]): ` +
        `listener ${listener?.state ?? 'state unknown'}, session held by ${set.session?.ownerName ?? 'nobody'}, ` +
        `${set.openPolls} long poll open`,
    );
  }
  return sets;
}

/** How runners get started, as the header and the summary say it. */
function howRunnersStart() {
  if (!auto) return 'runners requested through the API';
  if (scaleSets)
    return 'scale sets: GitHub assigns each job to a runner scale set; the orchestrator long-polls for it, no webhook, no polling';
  return webhooks
    ? 'webhooks: the simulator posts signed workflow_job deliveries to the gateway'
    : 'polling: the orchestrator asks GitHub for queued jobs every 3 s';
}

/**
 * Remembers what was seen, and prints each change once. What one look finds is printed in the order it happens:
 * a delivery, a container starting, its runner registering, taking its job, the job completing, the container
 * going.
 */
class Progress {
  containers = new Map(); // runner id -> {target, containerId}
  startedAt = new Map(); // runner name -> its container's start (ms), for the summary
  queuedAt = new Map(); // job id -> created_at (ms)
  deliveries = new Set(); // delivery GUIDs printed
  registered = new Set(); // runner names registered with GitHub
  jobs = new Map(); // job id -> last status
  startedRunners = new Set();
  goneRunners = new Set();
  tookJob = new Set();
  assigned = new Set(); // job ids GitHub assigned to a scale set
  setStatistics = new Map(); // scale set id -> last "assigned, running" text

  async observe(state, runners) {
    this.observeDeliveries(state);
    if (scaleSets) this.observeScaleSets(state);
    await this.observeStarted(runners);
    this.observeSimulator(state);
    this.observeGone(runners);
  }

  async observeStarted(runners) {
    for (const runner of runners) {
      if (this.containers.has(runner.id)) continue;
      this.containers.set(runner.id, runner);
      this.startedRunners.add(runner.id);
      const started = await containerStartedAt(runner.containerId);
      if (started !== null) this.startedAt.set(runner.name, started);
      const queued = runner.jobId === null ? undefined : this.queuedAt.get(runner.jobId);
      const after =
        started !== null && queued !== undefined
          ? `, running ${((started - queued) / 1000).toFixed(2)} s after job ${runner.jobId} was queued`
          : '';
      say(
        '🚀',
        `runner ${runner.id} started for ${runner.target} (container ${String(runner.containerId).slice(0, 12)}${after})`,
      );
    }
  }

  observeGone(runners) {
    const now = new Set(runners.map((r) => r.id));
    for (const [id, runner] of this.containers) {
      if (now.has(id) || this.goneRunners.has(id)) continue;
      this.goneRunners.add(id);
      say('🧹', `runner ${id} is gone: container removed (${runner.target})`);
    }
  }

  observeDeliveries({ jobs, deliveries }) {
    for (const job of jobs) this.queuedAt.set(job.id, Date.parse(job.createdAt));
    // Only the `queued` deliveries: they are what starts runners; in_progress and completed follow each job.
    for (const delivery of deliveries) {
      if (this.deliveries.has(delivery.guid)) continue;
      this.deliveries.add(delivery.guid);
      if (delivery.event !== 'workflow_job' || delivery.action !== 'queued') continue;
      const job = JSON.parse(delivery.body);
      say(
        '📨',
        `webhook workflow_job queued (job ${job.workflow_job?.id}, ${job.repository?.full_name}) → gateway: ` +
          `HTTP ${delivery.status} in ${delivery.durationMs} ms`,
      );
    }
  }

  /** Scale-set mode: GitHub assigning a job to a scale set, and what each set's statistics say. */
  observeScaleSets({ jobs, scaleSets: sets }) {
    const names = new Map(sets.map((set) => [set.id, set.name]));
    for (const job of jobs) {
      if (!job.scaleSet || this.assigned.has(job.id)) continue;
      this.assigned.add(job.id);
      say(
        '📌',
        `job ${job.repo} ${job.workflowName}/${job.name} assigned by GitHub to scale set ` +
          `${names.get(job.scaleSet.scaleSetId) ?? job.scaleSet.scaleSetId}: its listener hears of it on its open long poll`,
      );
    }
    for (const set of sets) {
      const s = set.statistics;
      if (!s) continue;
      const text = `${s.totalAssignedJobs} assigned, ${s.totalRunningJobs} running, ${s.totalRegisteredRunners} runners`;
      if (this.setStatistics.get(set.id) === text) continue;
      const first = !this.setStatistics.has(set.id);
      this.setStatistics.set(set.id, text);
      if (!first) say('🎧', `scale set ${set.name}: ${text}`);
    }
  }

  observeSimulator({ jobs, runners }) {
    for (const runner of runners) {
      if (this.registered.has(runner.name)) continue;
      this.registered.add(runner.name);
      say('🔗', `runner ${runner.name} registered with GitHub (${runner.labels.join(', ')})`);
    }
    for (const job of jobs) {
      const before = this.jobs.get(job.id);
      if (before === job.status) continue;
      this.jobs.set(job.id, job.status);
      const what = `job ${job.repo} ${job.workflowName}/${job.name}`;
      if (job.status === 'in_progress') {
        this.tookJob.add(job.runnerName);
        say('▶️ ', `${what} taken by runner ${job.runnerName}`);
      } else if (job.status === 'completed') {
        say('✅', `${what} completed: ${job.conclusion}`);
      }
    }
  }
}

/** Every job a runner can take is completed, and every runner is gone from Docker and from GitHub. */
function done(queued, progress, state) {
  const takeable = queued.filter((job) => runnerCanTake(job.labels));
  const allCompleted = takeable.every((job) => progress.jobs.get(job.id) === 'completed');
  const allGone =
    progress.startedRunners.size > 0 && progress.goneRunners.size === progress.startedRunners.size;
  return allCompleted && allGone && state.runners.length === 0;
}

async function printSummary(queued, progress, state, finished) {
  const repos = new Set(queued.map((job) => job.repo));
  const byId = new Map(state.jobs.map((job) => [job.id, job]));
  const starts = [];
  console.log('');
  console.log(finished ? 'Summary' : `Summary (stopped waiting after ${timeoutMs / 1000} s)`);
  for (const job of queued) {
    const now = byId.get(job.id);
    const start = now?.runnerName ? jobStart(now, progress.startedAt) : null;
    if (start) starts.push(start);
    const status = now?.status === 'completed' ? `completed (${now.conclusion})` : (now?.status ?? 'unknown');
    const note = runnerCanTake(job.labels)
      ? now?.runnerName
        ? `by ${now.runnerName}`
        : ''
      : `(no runner has ${missingLabels(job.labels).join(', ')}: it waits, as on GitHub)`;
    console.log(
      `  ${job.repo.padEnd(10)} ${`${job.workflowName}/${job.name}`.padEnd(12)} [${job.labels.join(', ')}]`,
    );
    console.log(`  ${''.padEnd(10)} → ${status} ${note}`.trimEnd());
    if (start) console.log(`  ${''.padEnd(10)}   ${formatJobStart(start)}`);
  }
  const left = progress.startedRunners.size - progress.goneRunners.size;
  console.log('');
  console.log(`  jobs     ${queued.length} queued in ${repos.size} repositories`);
  console.log(
    `  runners  ${progress.startedRunners.size} started, ${progress.tookJob.size} took a job, ` +
      `${progress.goneRunners.size} gone, ${left} still running`,
  );
  console.log(
    `  starts   ${formatStartsLine(starts, auto ? (scaleSets ? 'scale sets' : webhooks ? 'webhooks' : 'polling') : 'API')}`,
  );
  if (scaleSets) await printScaleSetSummary(state);
  if (floor !== null) {
    console.log(
      `  floor    docker run -d of the runner image on its network: running after ${floor.toFixed(2)} s`,
    );
  }
  console.log(`  GitHub   ${state.runners.length} runner registrations left`);
  console.log(`  time     ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

/** Scale-set mode's part of the summary: each listener, and what GitHub was asked while the jobs ran. */
async function printScaleSetSummary(state) {
  const listeners = await orchestratorListeners();
  for (const set of state.scaleSets) {
    const listener = listeners?.find((l) => l.name === set.name);
    const view = listener
      ? `${listener.state}${listener.desired === null ? '' : `, wants ${listener.desired} runners`}`
      : 'state unknown';
    console.log(
      `  listener ${set.name}: ${view}; GitHub: session of ${set.session?.ownerName ?? 'nobody'}, ` +
        `${set.openPolls} long poll open`,
    );
  }
  const [{ body }, deliveries] = await Promise.all([
    call(`${sim}/_sim/requests`),
    call(`${sim}/_sim/webhooks/deliveries`),
  ]);
  if (!body?.byRoute) return;
  let rest = 0;
  let polling = 0;
  let actions = 0;
  for (const [route, counts] of Object.entries(body.byRoute)) {
    if (route.includes('/_runner/') || route.includes('/_apis/')) actions += counts.total;
    else {
      rest += counts.total;
      if (/actions\/runs|\/jobs/.test(route)) polling += counts.total;
    }
  }
  console.log(
    `  requests ${actions} to the Actions service, ${rest} REST (${polling} polling for queued jobs), ` +
      `${deliveries.body?.deliveries?.length ?? '?'} webhook deliveries, since the jobs were queued`,
  );
}

async function main() {
  for (const [name, value] of Object.entries({ gateway, sim, apiKey })) {
    if (!value) throw new Error(`demo-watch: ${name} is not set (run it through scripts/demo.sh)`);
  }
  if (webhooks) {
    await addGatewayWebhook(sim, webhookUrl, webhookSecret);
    say(
      '🪝',
      `webhook added in the simulator: signed deliveries to ${webhookUrl} (the gateway answered its ping)`,
    );
  }
  floor = await dockerRunFloor(runnerImage, runnerNetwork);
  if (floor !== null) {
    say(
      '⏱️ ',
      `for comparison: docker run -d of the runner image on its network is running after ${floor.toFixed(2)} s`,
    );
  }
  // Scale-set mode: scripts/demo.sh created them before the orchestrator started (its scale sets live there).
  if (scaleSets) {
    await showListeners();
    // What GitHub is asked from here on: the summary counts it.
    await call(`${sim}/_sim/requests`, { method: 'DELETE' });
  } else await createRepositories(sim);
  console.log(
    `Queueing sample jobs in the GitHub simulator, one every ${JOB_SPACING_MS / 1000} s (${howRunnersStart()})`,
  );
  // Jobs are queued in the background while the loop below watches what they cause.
  const queued = [];
  const queueing = queueJobs(sim, async (job) => {
    queued.push(job);
    say('📥', `job ${job.repo} ${job.workflowName}/${job.name} queued, runs-on [${job.labels.join(', ')}]`);
    if (!auto && runnerCanTake(job.labels)) {
      say('📡', `POST /api/v1/runners for ${job.repo} through the gateway`);
      await requestRunner(gateway, apiKey, job);
    }
  });
  let allQueued = false;
  let queueError;
  queueing.then(
    () => (allQueued = true),
    (error) => (queueError = error),
  );

  const progress = new Progress();
  let state = { jobs: [], runners: [], deliveries: [], scaleSets: [] };
  let finished = false;
  while (Date.now() - started < timeoutMs) {
    if (queueError) throw queueError;
    // GitHub's side first: a job completes before its runner's container goes.
    state = await simulatorState();
    await progress.observe(state, await gatewayRunners());
    if (allQueued && done(queued, progress, state)) {
      finished = true;
      break;
    }
    await sleep(POLL_MS);
  }
  await printSummary(queued, progress, state, finished);
  process.exitCode = finished ? 0 : 1;
}

main().catch((error) => {
  console.error(`demo: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
