import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';

const exec = promisify(execFile);

/** The image under test. */
export const IMAGE = 'gha-ephemeral/stand-in-runner:local';

/** Labels on every container these tests start; the run label lets clean-up touch only ours. */
export const RUN_ID = randomUUID();
const LABELS = ['--label', 'gha-ephemeral.test=1', '--label', `gha-ephemeral.test.run=${RUN_ID}`];

/** Runs the docker CLI; rejects with its stderr on failure. */
export async function docker(args: string[], timeoutMs = 60_000): Promise<string> {
  const { stdout } = await exec('docker', args, { timeout: timeoutMs, maxBuffer: 10 * 1024 * 1024 });
  return stdout.trim();
}

/** Options of {@link startContainer}. */
export interface ContainerSpec {
  env?: Record<string, string>;
  /** Replaces the image's CMD (the ENTRYPOINT stays). */
  command?: string[];
  entrypoint?: string;
  /** Default {@link IMAGE}. */
  image?: string;
}

/** Starts a detached container on the host network (the simulator listens on 127.0.0.1). */
export async function startContainer(spec: ContainerSpec): Promise<string> {
  const env = Object.entries(spec.env ?? {}).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
  const entry = spec.entrypoint ? ['--entrypoint', spec.entrypoint] : [];
  return docker([
    'run',
    '-d',
    '--network',
    'host',
    ...LABELS,
    ...env,
    ...entry,
    spec.image ?? IMAGE,
    ...(spec.command ?? []),
  ]);
}

/** Waits for a container to exit (bounded) and returns its exit code. */
export async function waitExit(id: string, timeoutMs = 60_000): Promise<number> {
  return Number(await docker(['wait', id], timeoutMs));
}

/** A container's combined output. */
export async function logsOf(id: string): Promise<string> {
  const { stdout, stderr } = await exec('docker', ['logs', id], { timeout: 30_000 });
  return `${stdout}${stderr}`;
}

/** Whether a container is still running. */
export async function isRunning(id: string): Promise<boolean> {
  return (await docker(['inspect', '-f', '{{.State.Running}}', id])) === 'true';
}

/** Removes every container this test run started. */
export async function removeOurContainers(): Promise<void> {
  const ids = (await docker(['ps', '-aq', '--filter', `label=gha-ephemeral.test.run=${RUN_ID}`]))
    .split('\n')
    .filter(Boolean);
  if (ids.length > 0) await docker(['rm', '-f', ...ids]);
}
