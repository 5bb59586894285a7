import type { Logger } from '@gha-ephemeral/logging';
import type { RunnerRuntime } from '@gha-ephemeral/runtime-docker';

/**
 * The network runners join unless `RUNNER_NETWORK` names another: made by the orchestrator when missing, with
 * inter-container traffic off, so a job reaches neither another runner nor the orchestrator and gateway (which are
 * on networks of their own).
 */
export const DEFAULT_RUNNER_NETWORK = 'gha-ephemeral-runners';

/** Networks whose name Docker gives a meaning: they are never made, and say what they give away at start. */
const HOST_SHARING = new Set(['host']);
const SHARED = new Set(['bridge', 'default']);

/** What a runner network setting gives away, for the start-up warning; null when nothing. */
export function networkWarning(network: string): string | null {
  if (HOST_SHARING.has(network)) {
    return "RUNNER_NETWORK=host: jobs share the host's network stack and reach every service listening on it, the orchestrator and the gateway included";
  }
  if (SHARED.has(network)) {
    return `RUNNER_NETWORK=${network}: Docker's default bridge lets runners reach each other and every other container on it`;
  }
  if (network.startsWith('container:')) {
    return `RUNNER_NETWORK=${network}: jobs share that container's network stack and reach whatever it reaches`;
  }
  return null;
}

/**
 * Makes sure the runner network exists before the first runner joins it, once per process (again after a failure,
 * or after the engine lost it), made with inter-container traffic off when missing. One that exists is left as it
 * is, with one warning when its containers can reach each other.
 */
export class RunnerNetworkGuard {
  readonly #runtime: RunnerRuntime;
  readonly #network: string;
  readonly #logger: Logger;
  #ready: Promise<void> | null = null;

  constructor(runtime: RunnerRuntime, network: string, logger: Logger) {
    this.#runtime = runtime;
    this.#network = network;
    this.#logger = logger;
  }

  /** Resolves once the network is there; rejects with the engine's error (the creation then fails). */
  ready(signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    if (networkWarning(this.#network) !== null) return Promise.resolve();
    // Not under the first caller's signal: others wait on the same promise (the engine call has its own deadline).
    this.#ready ??= this.#ensure().catch((error: unknown) => {
      this.#ready = null;
      throw error;
    });
    return this.#ready;
  }

  /** Forgets that the network was there (a creation failed because the engine lost it). */
  forget(): void {
    this.#ready = null;
  }

  async #ensure(): Promise<void> {
    const network = await this.#runtime.ensureNetwork(this.#network);
    if (network.created) {
      this.#logger.info(
        { category: 'INFO', network: network.name },
        network.interContainer
          ? 'runner network created (an overlay: runners on it can reach each other)'
          : 'runner network created (inter-container traffic off)',
      );
    } else if (network.interContainer) {
      this.#logger.warn(
        { category: 'WARNING', network: network.name },
        'the runner network lets containers on it reach each other: a job can reach the other runners and any service on it',
      );
    }
  }
}
