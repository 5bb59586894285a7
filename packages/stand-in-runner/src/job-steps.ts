import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { constants } from 'node:os';
import type { JobResult, JobStep } from './protocol.js';

/** How steps run. */
export interface StepContext {
  /** The steps' environment: the runner's own, as the real runner's worker passes it on. */
  env: NodeJS.ProcessEnv;
  /** Working directory (created when missing). */
  cwd: string;
  /** Aborting it kills the running step's whole process group. */
  signal: AbortSignal;
}

/** What the steps did. */
export interface StepsOutcome {
  /** `undefined` when the signal stopped them. */
  result: JobResult | undefined;
  /** Their output, bounded to the last {@link MAX_LOG_CHARS} characters. */
  log: string;
}

/** Kept well under the simulator's 1 MiB body limit, even once JSON-escaped. */
const MAX_LOG_CHARS = 128_000;

function ensureDir(dir: string): string {
  try {
    mkdirSync(dir, { recursive: true });
    return dir;
  } catch {
    return process.cwd();
  }
}

/** Kills a step's process group (all it started); a group already gone is fine. */
function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

/** Runs one step with `sh -c` in its own process group; resolves its exit status (128+n when killed by signal n). */
function runStep(
  step: JobStep,
  ctx: StepContext,
  groups: number[],
  append: (text: string) => void,
): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn('sh', ['-c', step.run], {
      cwd: ctx.cwd,
      env: ctx.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      // A group of its own, so that ending the job also ends whatever the step left running.
      detached: true,
    });
    if (child.pid !== undefined) groups.push(child.pid);
    const kill = (): void => {
      if (child.pid !== undefined) killGroup(child.pid);
    };
    ctx.signal.addEventListener('abort', kill, { once: true });
    child.stdout.on('data', (chunk: Buffer) => append(chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => append(chunk.toString('utf8')));
    child.on('error', (error) => {
      append(`${error.message}\n`);
      resolve(127);
    });
    // 'exit', not 'close': a background process that keeps the step's output open must not hold the step.
    child.on('exit', (code, signal) => {
      ctx.signal.removeEventListener('abort', kill);
      resolve(code ?? (signal ? 128 + (constants.signals[signal] ?? 0) : 1));
    });
  });
}

/**
 * Runs a job's steps in order as the real runner does with `run:` steps (`sh -e` aside): the first that exits
 * non-zero fails the job and the rest are skipped. Output goes to the job's log, not the runner's console.
 */
export async function runSteps(steps: readonly JobStep[], ctx: StepContext): Promise<StepsOutcome> {
  let log = '';
  const append = (text: string): void => {
    log = (log + text).slice(-MAX_LOG_CHARS);
  };
  const context = { ...ctx, cwd: ensureDir(ctx.cwd) };
  const groups: number[] = [];
  try {
    for (const step of steps) {
      if (ctx.signal.aborted) return { result: undefined, log };
      append(`##[group]Run ${step.name}\n${step.run}\n##[endgroup]\n`);
      const status = await runStep(step, context, groups, append);
      if (ctx.signal.aborted) return { result: undefined, log };
      if (status !== 0) {
        append(`##[error]Process completed with exit code ${status}.\n`);
        return { result: 'failed', log };
      }
    }
    return { result: 'succeeded', log };
  } finally {
    // The runner ends every process a job started when the job ends.
    groups.forEach(killGroup);
  }
}
