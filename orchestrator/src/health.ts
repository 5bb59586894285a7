import type { Health, ScaleSetHealth } from '@gha-ephemeral/contract';
import type { GitHubPort } from '@gha-ephemeral/github';
import type { RunnerRuntime } from '@gha-ephemeral/runtime-docker';

type Dependency = Health['dependencies'][string];

/** Options of {@link HealthCheck}; each has a default fit for production. */
export interface HealthCheckOptions {
  /** The clock, in ms since the epoch (tests pass their own). Default `Date.now`. */
  now?: () => number;
  /** How long a Docker answer is served before the engine is asked again. Default 5 s. */
  dockerTtlMs?: number;
  /** How long a GitHub answer is served before GitHub is asked again. Default 30 s. */
  githubTtlMs?: number;
  /** Deadline of one Docker probe. Default 3 s. */
  dockerTimeoutMs?: number;
  /** Deadline of one GitHub probe. Default 5 s. */
  githubTimeoutMs?: number;
}

const DEFAULTS = {
  dockerTtlMs: 5_000,
  githubTtlMs: 30_000,
  dockerTimeoutMs: 3_000,
  githubTimeoutMs: 5_000,
} as const;

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Runs `run` with a deadline that holds even when `run` ignores its signal: a hung engine socket must not hold
 * the health route (and every caller sharing its probe) forever.
 */
async function withDeadline<T>(timeoutMs: number, run: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      const error = new Error(`no answer within ${timeoutMs / 1000} s`);
      controller.abort(error);
      reject(error);
    }, timeoutMs);
    // A probe still running at shutdown must not hold the process open.
    timer.unref();
  });
  const running = run(controller.signal);
  // Whatever it settles with after the deadline has nobody left to tell.
  running.catch(() => undefined);
  try {
    return await Promise.race([running, expired]);
  } finally {
    clearTimeout(timer);
  }
}

interface ProbeSettings {
  ttlMs: number;
  timeoutMs: number;
  now: () => number;
}

/**
 * One dependency's last answer and the one probe that refreshes it. A view younger than the TTL is served as is.
 * An older one is still served while a probe runs in the background (stale-while-revalidate), up to one more TTL;
 * beyond that, after a long quiet spell, callers wait for the probe rather than read a state from long ago.
 * Concurrent callers share the probe in flight, so a flood of health checks asks the dependency once.
 */
class CachedProbe {
  readonly #probe: (signal: AbortSignal) => Promise<Dependency>;
  readonly #settings: ProbeSettings;
  #view: { at: number; result: Dependency } | null = null;
  #inFlight: Promise<Dependency> | null = null;

  constructor(probe: (signal: AbortSignal) => Promise<Dependency>, settings: ProbeSettings) {
    this.#probe = probe;
    this.#settings = settings;
  }

  async read(): Promise<Dependency> {
    const { ttlMs, now } = this.#settings;
    const view = this.#view;
    const age = view === null ? Infinity : now() - view.at;
    if (view !== null && age < ttlMs) return view.result;
    const refreshed = this.#refresh();
    if (view !== null && age < 2 * ttlMs) return view.result;
    return refreshed;
  }

  #refresh(): Promise<Dependency> {
    this.#inFlight ??= withDeadline(this.#settings.timeoutMs, this.#probe)
      .catch((error: unknown): Dependency => ({ status: 'down', message: messageOf(error) }))
      .then((result) => {
        this.#view = { at: this.#settings.now(), result };
        this.#inFlight = null;
        return result;
      });
    return this.#inFlight;
  }
}

/**
 * The orchestrator's health: the Docker engine (asked at most every 5 s) and GitHub (at most every 30 s:
 * `GET /rate_limit` is free, but a probe every few seconds should not add up). Answers come from a cached view;
 * concurrent callers share one probe per dependency, and every probe has a deadline, so `/health` is cheap to call
 * and cannot be used to flood Docker or GitHub.
 */
export class HealthCheck {
  readonly #version: string;
  readonly #now: () => number;
  readonly #started: number;
  readonly #docker: CachedProbe;
  readonly #github: CachedProbe;
  readonly #scaleSets: (() => ScaleSetHealth[]) | null;

  constructor(
    runtime: Pick<RunnerRuntime, 'ping'>,
    github: Pick<GitHubPort, 'ping'>,
    version: string,
    options: HealthCheckOptions & { scaleSets?: () => ScaleSetHealth[] } = {},
  ) {
    this.#scaleSets = options.scaleSets ?? null;
    const settings = { ...DEFAULTS, ...options };
    this.#version = version;
    this.#now = options.now ?? Date.now;
    this.#started = this.#now();
    this.#docker = new CachedProbe(
      async (signal) => ({ status: 'ok', version: (await runtime.ping({ signal })).version }),
      { ttlMs: settings.dockerTtlMs, timeoutMs: settings.dockerTimeoutMs, now: this.#now },
    );
    this.#github = new CachedProbe(
      async (signal) => {
        await github.ping({ signal });
        return { status: 'ok' };
      },
      { ttlMs: settings.githubTtlMs, timeoutMs: settings.githubTimeoutMs, now: this.#now },
    );
  }

  /**
   * The current view: `down` when Docker or GitHub is down; `degraded` when a scale-set listener is not listening
   * (another orchestrator holds its session, or it fails): that pool's jobs are not served here. Never rejects.
   */
  async check(): Promise<Health> {
    const [docker, github] = await Promise.all([this.#docker.read(), this.#github.read()]);
    const down = docker.status === 'down' || github.status === 'down';
    const scaleSets = this.#scaleSets?.() ?? null;
    const degraded = scaleSets?.some((set) => set.state === 'conflict' || set.state === 'failing') ?? false;
    return {
      status: down ? 'down' : degraded ? 'degraded' : 'ok',
      service: 'orchestrator',
      version: this.#version,
      uptimeSeconds: Math.round((this.#now() - this.#started) / 1000),
      dependencies: { docker, github },
      ...(scaleSets === null ? {} : { scaleSets }),
    };
  }
}
