import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { findRepoRoot } from '@gha-ephemeral/testkit';

/** The built orchestrator (`pnpm build`), started as a process of its own: tests that kill it need one. */
export const MAIN = join(findRepoRoot(), 'orchestrator/dist/main.js');

/** A running orchestrator process, its output, and its end. */
export interface Process {
  child: ChildProcess;
  output: string[];
  exited: Promise<NodeJS.Signals | number | null>;
}

/** Starts the built orchestrator with exactly `env` (and PATH, HOME). */
export function startOrchestrator(env: Record<string, string>): Process {
  const child = spawn(process.execPath, [MAIN], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  child.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) =>
    child.once('exit', (code, signal) => resolve(signal ?? code)),
  );
  return { child, output, exited };
}

/** Stops it as `docker stop` would: SIGTERM, then SIGKILL after 15 s. */
export async function stop(orchestrator: Process | undefined): Promise<void> {
  if (!orchestrator || orchestrator.child.exitCode !== null || orchestrator.child.signalCode !== null) return;
  orchestrator.child.kill('SIGTERM');
  const timer = setTimeout(() => orchestrator.child.kill('SIGKILL'), 15_000);
  await orchestrator.exited;
  clearTimeout(timer);
}
