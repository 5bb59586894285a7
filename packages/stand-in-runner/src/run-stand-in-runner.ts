import { RunnerExit } from './errors.js';
import { decodeJitConfig } from './jit-config.js';
import { Listener } from './listener.js';
import type { ListenResult } from './listener.js';
import type { LogSink } from './log.js';
import type { RunnerCredentials } from './protocol.js';
import { configureRunner, removeRunner } from './register.js';
import type { RegistrationInput } from './register.js';

interface CommonOptions {
  /** Aborting it stops the runner: the session is closed and the function resolves promptly. */
  signal?: AbortSignal;
  /** Receives each log line; default: none. Tokens and JIT configs never reach it. */
  log?: LogSink;
  /** Long-poll wait; default 20 s. */
  pollWaitMs?: number;
  /** Pause after a failed request; default 1 s. */
  retryDelayMs?: number;
  /** Failures in a row before giving up; default 60. */
  maxConsecutiveErrors?: number;
  /** The environment of job steps (`run:` scripts, run with `sh -c`); default this process's. */
  stepEnv?: NodeJS.ProcessEnv;
}

/** Configure with a registration token (like `config.sh`), then run (like `run.sh`). */
export interface RegisterModeOptions extends CommonOptions, RegistrationInput {
  mode: 'register';
  /** Unregister (`config.sh remove`) when stopped by the signal. The image mirrors the entrypoint's trap instead. */
  deregisterOnStop?: boolean;
}

/** Run from an encoded just-in-time configuration (`run.sh --jitconfig`). */
export interface JitModeOptions extends CommonOptions {
  mode: 'jit';
  jitConfig: string;
}

/** Options of {@link runStandInRunner}. */
export type StandInRunnerOptions = RegisterModeOptions | JitModeOptions;

/** How a stand-in runner ended. */
export interface StandInRunnerResult {
  /** 0 after its job (ephemeral) or when stopped; 1 when registration failed or the registration vanished. */
  exitCode: number;
  reason: ListenResult['reason'] | 'configuration-failed' | 'error';
  runnerId: number | undefined;
  runnerName: string | undefined;
  jobs: ListenResult['jobs'];
  /** Why it failed, when it did (never a secret). */
  error?: string;
}

/**
 * Runs a stand-in runner against the GitHub simulator: registers (or decodes its JIT configuration), opens
 * a session, takes jobs whose labels it has, runs each (its `run:` steps with `sh -c`, else waits its duration),
 * reports it, and (ephemeral) exits after one. Used by the stand-in image and by tests in process.
 */
export async function runStandInRunner(options: StandInRunnerOptions): Promise<StandInRunnerResult> {
  const log = options.log ?? ((): void => undefined);
  const signal = options.signal ?? new AbortController().signal;
  let creds: RunnerCredentials | undefined;
  const base = { runnerId: undefined, runnerName: undefined, jobs: [] };
  try {
    creds =
      options.mode === 'jit'
        ? decodeJitConfig(options.jitConfig)
        : await configureRunner(options, log, signal);
  } catch (error) {
    if (signal.aborted) return { ...base, exitCode: 0, reason: 'signal' };
    const message = error instanceof Error ? error.message : 'configuration failed';
    log(`Error: ${message}`);
    return {
      ...base,
      exitCode: error instanceof RunnerExit ? error.exitCode : 1,
      reason: 'configuration-failed',
      error: message,
    };
  }
  const listener = new Listener(
    creds,
    log,
    {
      pollWaitMs: options.pollWaitMs ?? 20_000,
      retryDelayMs: options.retryDelayMs ?? 1000,
      maxConsecutiveErrors: options.maxConsecutiveErrors ?? 60,
      ...(options.stepEnv ? { stepEnv: options.stepEnv } : {}),
    },
    signal,
  );
  const ids = { runnerId: creds.runnerId, runnerName: creds.runnerName };
  let result: StandInRunnerResult;
  try {
    result = { ...ids, ...(await listener.run()) };
  } catch (error) {
    if (signal.aborted) result = { ...ids, exitCode: 0, reason: 'signal', jobs: listener.jobs };
    else {
      const message = error instanceof Error ? error.message : 'runner failed';
      log(`${message}`);
      result = {
        ...ids,
        exitCode: error instanceof RunnerExit ? error.exitCode : 1,
        reason: 'error',
        jobs: listener.jobs,
        error: message,
      };
      if (message.includes('has been deleted')) result.reason = 'runner-deleted';
    }
  }
  await listener.close();
  if (
    signal.aborted &&
    options.mode === 'register' &&
    options.deregisterOnStop &&
    result.reason === 'signal'
  ) {
    log('Removing runner from GitHub');
    log(
      (await removeRunner(options, creds.runnerId, 600))
        ? '√ Runner removed successfully'
        : 'Failed to remove the runner',
    );
  }
  return result;
}
