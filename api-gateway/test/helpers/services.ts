import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { findRepoRoot, freePort, STAND_IN_RUNNER_IMAGE, waitFor } from '@gha-ephemeral/testkit';

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

/** What {@link startBuiltOrchestrator} needs; `env` adds to (or overrides) the usual settings. */
export interface BuiltOrchestratorOptions {
  githubApiUrl: string;
  githubToken: string;
  orchestratorId: string;
  apiToken: string;
  env?: Record<string, string>;
}

/**
 * The built orchestrator (`orchestrator/dist/main.js`) as its own process on a free loopback port, with runners of
 * the stand-in image on the host network, answering `/health` before this resolves.
 */
export async function startBuiltOrchestrator(
  options: BuiltOrchestratorOptions,
): Promise<{ service: Service; url: string }> {
  const script = join(findRepoRoot(), 'orchestrator/dist/main.js');
  if (!existsSync(script)) throw new Error(`${script} is missing: run pnpm build first`);
  const port = await freePort();
  const service = startService(script, {
    GITHUB_API_URL: options.githubApiUrl,
    GITHUB_RUNNER_TOKEN: options.githubToken,
    RUNNER_IMAGE: STAND_IN_RUNNER_IMAGE,
    RUNNER_NETWORK: 'host',
    ORCHESTRATOR_ID: options.orchestratorId,
    ORCHESTRATOR_HOST: '127.0.0.1',
    ORCHESTRATOR_PORT: String(port),
    ORCHESTRATOR_API_TOKEN: options.apiToken,
    LOG_FORMAT: 'json',
    ...options.env,
  });
  const url = `http://127.0.0.1:${port}`;
  await waitFor(() => answers(`${url}/health`), {
    timeoutMs: 30_000,
    message: 'the orchestrator to listen',
  }).catch((error: Error) => {
    throw new Error(`${error.message}\norchestrator said:\n${service.output.join('')}`);
  });
  return { service, url };
}

/** The built gateway (`api-gateway/dist/main.js`) on a free loopback port in front of `orchestratorUrl`, answering. */
export async function startBuiltGateway(options: {
  orchestratorUrl: string;
  apiToken: string;
  apiKey: string;
  env?: Record<string, string>;
}): Promise<{ service: Service; url: string }> {
  const port = await freePort();
  const service = startService(join(findRepoRoot(), 'api-gateway/dist/main.js'), {
    API_GATEWAY_HOST: '127.0.0.1',
    API_GATEWAY_PORT: String(port),
    ORCHESTRATOR_URL: options.orchestratorUrl,
    ORCHESTRATOR_API_TOKEN: options.apiToken,
    GATEWAY_API_KEYS: options.apiKey,
    LOG_FORMAT: 'json',
    ...options.env,
  });
  const url = `http://127.0.0.1:${port}`;
  await waitFor(() => answers(`${url}/health`), {
    timeoutMs: 30_000,
    message: 'the gateway to listen',
  }).catch((error: Error) => {
    throw new Error(`${error.message}\ngateway said:\n${service.output.join('')}`);
  });
  return { service, url };
}
