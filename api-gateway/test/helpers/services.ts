import { spawn, type ChildProcess } from 'node:child_process';

/** A built service started as its own process, with its output kept for the failure message. */
export interface Service {
  child: ChildProcess;
  output: string[];
  exited: Promise<number | null>;
}

/** Starts `node script` with only `env` (and PATH, HOME): what a user's process would get. */
export function startService(script: string, env: Record<string, string>): Service {
  const child = spawn(process.execPath, [script], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  child.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output, exited };
}

/** SIGTERM, then SIGKILL after 15 s; the exit code. */
export async function stopService(service: Service | undefined): Promise<number | null> {
  if (!service || service.child.exitCode !== null) return service?.child.exitCode ?? null;
  service.child.kill('SIGTERM');
  const timer = setTimeout(() => service.child.kill('SIGKILL'), 15_000);
  const code = await service.exited;
  clearTimeout(timer);
  return code;
}

/** True when something answers HTTP at `url` within a second. */
export async function answers(url: string): Promise<boolean> {
  try {
    await fetch(url, { signal: AbortSignal.timeout(1000) });
    return true;
  } catch {
    return false;
  }
}
