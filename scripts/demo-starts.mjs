// How fast each demo job got its runner: from the job being queued (its created_at in the GitHub simulator) to
// the runner that took it running (its container's start, from the engine) and to the job being taken (its
// started_at). Used by scripts/demo-watch.mjs. The simulator and the engine run on this host, on one clock.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * When a container started, in ms since the epoch, or null when the engine no longer knows it (a runner whose job
 * was over before the demo looked). Asked once, when the demo first sees the container.
 */
export async function containerStartedAt(containerId) {
  try {
    const { stdout } = await run('docker', ['inspect', '--format', '{{.State.StartedAt}}', containerId], {
      timeout: 10_000,
    });
    // Docker gives nanoseconds (2026-01-02T03:04:05.123456789Z); Date.parse wants at most milliseconds.
    const ms = Date.parse(stdout.trim().replace(/(\.\d{3})\d*/, '$1'));
    return Number.isNaN(ms) ? null : ms;
  } catch {
    return null;
  }
}

/**
 * The floor the starts are compared with: seconds from spawning `docker run -d` of the runner image on the
 * runners' network (a `sleep`, not a runner) to its container running, or null when it could not be measured.
 * The container is removed at once; `--rm` and the sleep's end remove it if the demo is stopped meanwhile. No
 * gha-ephemeral.* label: the orchestrator must not take it for one of its runners.
 */
export async function dockerRunFloor(image, network) {
  const spawned = Date.now();
  try {
    const { stdout } = await run(
      'docker',
      ['run', '-d', '--rm', '--network', network, '--entrypoint', '/bin/sleep', image, '30'],
      { timeout: 60_000 },
    );
    const id = stdout.trim();
    const started = await containerStartedAt(id);
    await run('docker', ['rm', '-f', id], { timeout: 30_000 }).catch(() => undefined);
    return started === null ? null : (started - spawned) / 1000;
  } catch {
    return null;
  }
}

/**
 * One job's start: seconds from queued to its runner's container running (`running`) and to the job being
 * taken (`taken`); null where unknown. `startedAtByRunner` maps a runner's name to its container's start.
 */
export function jobStart(job, startedAtByRunner) {
  const queued = Date.parse(job.createdAt);
  const containerStarted = job.runnerName ? startedAtByRunner.get(job.runnerName) : undefined;
  const taken = job.startedAt ? Date.parse(job.startedAt) : Number.NaN;
  return {
    running: containerStarted == null ? null : (containerStarted - queued) / 1000,
    taken: Number.isNaN(taken) ? null : (taken - queued) / 1000,
  };
}

const seconds = (value) => (value === null ? '?' : `${value.toFixed(2)} s`);

/** `queued → running 0.24 s, taken 0.41 s`, for a job's line in the summary. */
export function formatJobStart(start) {
  if (start.running === null && start.taken === null) return '';
  return `queued → running ${seconds(start.running)}, taken ${seconds(start.taken)}`;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * The summary's `starts` line over the jobs that got a runner: median and slowest, queued → running and queued →
 * taken. .ci/run reads the median running time from it: keep the wording.
 */
export function formatStartsLine(starts, how) {
  const running = starts.map((s) => s.running).filter((v) => v !== null);
  const taken = starts.map((s) => s.taken).filter((v) => v !== null);
  if (running.length === 0 && taken.length === 0) return `no job got a runner (${how})`;
  const part = (what, values) =>
    values.length === 0
      ? `${what} ?`
      : `${what} median ${seconds(median(values))}, max ${seconds(Math.max(...values))}`;
  return `${part('queued → running', running)}; ${part('→ taken', taken)} (${how})`;
}
