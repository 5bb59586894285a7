import type { Health } from '@gha-ephemeral/contract';
import type { GitHubPort } from '@gha-ephemeral/github';
import type { RunnerRuntime } from '@gha-ephemeral/runtime-docker';

const GITHUB_CHECK_TTL_MS = 30_000;

async function settle<T>(timeoutMs: number, run: (signal: AbortSignal) => Promise<T>): Promise<T> {
  return run(AbortSignal.timeout(timeoutMs));
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * The orchestrator's health: the Docker engine (asked every time; it is local and cheap) and GitHub (asked at
 * most every 30 s: `GET /rate_limit` is free, but a health probe every few seconds should not add up).
 */
export class HealthCheck {
  readonly #runtime: RunnerRuntime;
  readonly #github: GitHubPort;
  readonly #version: string;
  readonly #started = Date.now();
  #github_cache: { at: number; result: Health['dependencies'][string] } | null = null;

  constructor(runtime: RunnerRuntime, github: GitHubPort, version: string) {
    this.#runtime = runtime;
    this.#github = github;
    this.#version = version;
  }

  async #docker(): Promise<Health['dependencies'][string]> {
    try {
      const { version } = await settle(3000, (signal) => this.#runtime.ping({ signal }));
      return { status: 'ok', version };
    } catch (error) {
      return { status: 'down', message: messageOf(error) };
    }
  }

  async #githubStatus(): Promise<Health['dependencies'][string]> {
    const cached = this.#github_cache;
    if (cached && Date.now() - cached.at < GITHUB_CHECK_TTL_MS) return cached.result;
    let result: Health['dependencies'][string];
    try {
      await settle(5000, (signal) => this.#github.ping({ signal }));
      result = { status: 'ok' };
    } catch (error) {
      result = { status: 'down', message: messageOf(error) };
    }
    this.#github_cache = { at: Date.now(), result };
    return result;
  }

  async check(): Promise<Health> {
    const [docker, github] = await Promise.all([this.#docker(), this.#githubStatus()]);
    const down = docker.status === 'down' || github.status === 'down';
    return {
      status: down ? 'down' : 'ok',
      service: 'orchestrator',
      version: this.#version,
      uptimeSeconds: Math.round((Date.now() - this.#started) / 1000),
      dependencies: { docker, github },
    };
  }
}
