import { Health, isAppError } from '@gha-ephemeral/contract';
import type { OrchestratorPort } from './orchestrator-client.js';

type Dependency = Health['dependencies'][string];

/** The orchestrator as the gateway sees it; `reachable` is false when it could not be asked at all. */
export interface OrchestratorView {
  reachable: boolean;
  health: Dependency;
}

/** Options of {@link OrchestratorHealthView}. */
export interface OrchestratorHealthOptions {
  orchestrator: OrchestratorPort;
  /** How long one answer is served to every caller. Default 1 s; 0 asks for each call (still one at a time). */
  cacheMs?: number;
  /** Deadline of one ask. Default 3 s: a health probe (Docker's, a load balancer's) gives up after a few. */
  timeoutMs?: number;
  /** The clock, in ms since the epoch (tests pass their own). Default `Date.now`. */
  now?: () => number;
}

/** Default lifetime of the gateway's view of the orchestrator. */
export const DEFAULT_HEALTH_CACHE_MS = 1000;
/** Default deadline of asking the orchestrator's `/health`. */
export const DEFAULT_HEALTH_TIMEOUT_MS = 3000;

/**
 * `/health` is public: say what kind of failure it is, without the orchestrator's internal address (the runner
 * routes' errors, for clients with a key, name it).
 */
function describeFailure(error: unknown, timeoutMs: number): string {
  const code = isAppError(error) ? error.code : null;
  if (code === 'upstream.unavailable') return 'cannot be reached';
  if (code === 'upstream.timeout') return `no answer within ${timeoutMs / 1000} s`;
  return 'unexpected answer';
}

async function askOrchestrator(orchestrator: OrchestratorPort, timeoutMs: number): Promise<OrchestratorView> {
  try {
    const response = await orchestrator.request({ method: 'GET', path: '/health', timeoutMs });
    const parsed = Health.safeParse(response.json);
    if (!parsed.success) {
      return {
        reachable: false,
        health: { status: 'down', message: `unexpected answer (HTTP ${response.statusCode})` },
      };
    }
    const { status, version, dependencies, scaleSets } = parsed.data;
    if (status === 'ok') return { reachable: true, health: { status: 'ok', version } };
    if (status === 'degraded') {
      // It serves, but some scale set is not listened to here (another orchestrator holds it, or it fails).
      const waiting = (scaleSets ?? []).filter((set) => set.state !== 'listening').map((set) => set.name);
      const message = `the orchestrator reports scale set(s) ${waiting.join(', ')} not listening`;
      return { reachable: true, health: { status: 'ok', version, message } };
    }
    // Only which of its dependencies are down: their messages may name sockets and hosts of the inside.
    const down = Object.entries(dependencies)
      .filter(([, dependency]) => dependency.status === 'down')
      .map(([name]) => name);
    const message = `the orchestrator reports ${down.length > 0 ? `${down.join(', ')} down` : `status ${status}`}`;
    return { reachable: true, health: { status: 'down', version, message } };
  } catch (error) {
    return { reachable: false, health: { status: 'down', message: describeFailure(error, timeoutMs) } };
  }
}

/**
 * The gateway's view of the orchestrator's health, shared by every `/health` caller: an answer is served for
 * `cacheMs`, and callers that arrive while the orchestrator is being asked wait for that one request. A flood of
 * `/health` thus costs the orchestrator (and through it Docker and GitHub) at most one request per `cacheMs`, and
 * leaves the connection pool to the runner routes and the webhook hand-over. Failures are cached too, so an
 * orchestrator that is down is not hammered either.
 */
export class OrchestratorHealthView {
  readonly #orchestrator: OrchestratorPort;
  readonly #cacheMs: number;
  readonly #timeoutMs: number;
  readonly #now: () => number;
  #view: { at: number; result: OrchestratorView } | null = null;
  #inFlight: Promise<OrchestratorView> | null = null;

  constructor(options: OrchestratorHealthOptions) {
    this.#orchestrator = options.orchestrator;
    this.#cacheMs = options.cacheMs ?? DEFAULT_HEALTH_CACHE_MS;
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_HEALTH_TIMEOUT_MS;
    this.#now = options.now ?? Date.now;
  }

  /** The current view; never rejects. */
  async read(): Promise<OrchestratorView> {
    const view = this.#view;
    if (view !== null && this.#now() - view.at < this.#cacheMs) return view.result;
    this.#inFlight ??= askOrchestrator(this.#orchestrator, this.#timeoutMs).then((result) => {
      this.#view = { at: this.#now(), result };
      this.#inFlight = null;
      return result;
    });
    return this.#inFlight;
  }
}
