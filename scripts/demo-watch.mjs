// Drives `pnpm demo` once the stack is up (scripts/demo.sh starts it): queues the sample jobs in the GitHub
// simulator, gets runners started for them (or lets automatic mode do it), prints a line as each runner starts,
// takes a job, finishes and vanishes, then a summary. Every wait is bounded.
//
// Environment: DEMO_GATEWAY_URL, DEMO_SIM_URL, DEMO_API_KEY, DEMO_AUTO (true: AUTO_CREATE_RUNNERS is on),
// DEMO_TIMEOUT_SECONDS (180).
import { setTimeout as sleep } from 'node:timers/promises';
import { call, missingLabels, requestRunners, runnerCanTake, seedSimulator } from './demo-scenario.mjs';

const gateway = process.env.DEMO_GATEWAY_URL;
const sim = process.env.DEMO_SIM_URL;
const apiKey = process.env.DEMO_API_KEY;
const auto = process.env.DEMO_AUTO === 'true';
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

/** The simulator's view: every job, and every registered runner. */
async function simulatorState() {
  const [jobs, runners] = await Promise.all([call(`${sim}/_sim/jobs`), call(`${sim}/_sim/runners`)]);
  return { jobs: jobs.body.jobs, runners: runners.body.runners };
}

/** Remembers what was seen, and prints each change once. */
class Progress {
  containers = new Map(); // runner id -> {target, containerId}
  registered = new Set(); // runner names registered with GitHub
  jobs = new Map(); // job id -> last status
  startedRunners = new Set();
  goneRunners = new Set();
  tookJob = new Set();

  observeContainers(runners) {
    const now = new Set(runners.map((r) => r.id));
    for (const runner of runners) {
      if (this.containers.has(runner.id)) continue;
      this.containers.set(runner.id, runner);
      this.startedRunners.add(runner.id);
      say(
        '🚀',
        `runner ${runner.id} started for ${runner.target} (container ${String(runner.containerId).slice(0, 12)})`,
      );
    }
    for (const [id, runner] of this.containers) {
      if (now.has(id) || this.goneRunners.has(id)) continue;
      this.goneRunners.add(id);
      say('🧹', `runner ${id} is gone: container removed (${runner.target})`);
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

function printSummary(queued, progress, state, finished) {
  const repos = new Set(queued.map((job) => job.repo));
  const byId = new Map(state.jobs.map((job) => [job.id, job]));
  console.log('');
  console.log(finished ? 'Summary' : `Summary (stopped waiting after ${timeoutMs / 1000} s)`);
  for (const job of queued) {
    const now = byId.get(job.id);
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
  }
  const left = progress.startedRunners.size - progress.goneRunners.size;
  console.log('');
  console.log(`  jobs     ${queued.length} queued in ${repos.size} repositories`);
  console.log(
    `  runners  ${progress.startedRunners.size} started, ${progress.tookJob.size} took a job, ` +
      `${progress.goneRunners.size} gone, ${left} still running`,
  );
  console.log(`  GitHub   ${state.runners.length} runner registrations left`);
  console.log(`  time     ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

async function main() {
  for (const [name, value] of Object.entries({ gateway, sim, apiKey })) {
    if (!value) throw new Error(`demo-watch: ${name} is not set (run it through scripts/demo.sh)`);
  }
  console.log(
    `Queueing sample jobs in the GitHub simulator (${auto ? 'automatic mode' : 'runners requested through the API'})`,
  );
  const queued = await seedSimulator(sim);
  for (const job of queued) {
    say('📥', `job ${job.repo} ${job.workflowName}/${job.name} queued, runs-on [${job.labels.join(', ')}]`);
  }
  if (!auto) {
    const count = queued.filter((job) => runnerCanTake(job.labels)).length;
    say('📡', `POST /api/v1/runners × ${count} through the gateway (one per job a runner can take)`);
    await requestRunners(gateway, apiKey, queued);
  }

  const progress = new Progress();
  let state = { jobs: [], runners: [] };
  let finished = false;
  while (Date.now() - started < timeoutMs) {
    // GitHub's side first: a job completes before its runner's container goes.
    state = await simulatorState();
    progress.observeSimulator(state);
    progress.observeContainers(await gatewayRunners());
    if (done(queued, progress, state)) {
      finished = true;
      break;
    }
    await sleep(POLL_MS);
  }
  printSummary(queued, progress, state, finished);
  process.exitCode = finished ? 0 : 1;
}

main().catch((error) => {
  console.error(`demo: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
