import type Dockerode from 'dockerode';
import { toLabelFilters } from './container-mapping.js';
import { engineStatusCode } from './docker-errors.js';
import { callEngine, type EngineCallContext } from './engine-call.js';
import { ensureRunnerNetwork } from './runner-network.js';
import type { EnsureNetworkOptions, RunnerNetwork } from './runtime.js';

/** Settles like `promise`, or rejects with the signal's reason once it aborts (for calls dockerode cannot abort). */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** A container already gone from the network (or a network already gone) is what disconnecting wanted. */
function ignoreNotFound(error: unknown): void {
  if (engineStatusCode(error) !== 404) throw error;
}

/**
 * The network calls of the Docker runtime, each bounded like every engine request. Errors are the engine's, as
 * {@link callEngine} leaves them: the runtime maps them to its port's errors.
 */
export class DockerNetworks {
  constructor(
    private readonly docker: Dockerode,
    private readonly engine: EngineCallContext,
  ) {}

  /** See {@link RunnerRuntime.ensureNetwork}. */
  ensure(name: string, opts: EnsureNetworkOptions): Promise<RunnerNetwork> {
    const { signal } = opts;
    return ensureRunnerNetwork(
      {
        find: (network) => this.find(network, signal),
        create: (options) =>
          callEngine(this.engine, `create network ${name}`, signal, (abortSignal) =>
            this.docker.createNetwork({ ...options, abortSignal }),
          ),
      },
      name,
      { labels: opts.labels ?? {}, interContainer: opts.interContainer ?? false },
    );
  }

  /** See {@link RunnerRuntime.removeNetwork}. */
  async remove(name: string, signal: AbortSignal | undefined): Promise<boolean> {
    const found = await this.find(name, signal);
    if (found === null) return false;
    // By id: a name could also be read as another network's id prefix.
    const network = this.docker.getNetwork(found.Id);
    try {
      const info = await callEngine(this.engine, `inspect network ${name}`, signal, (abortSignal) =>
        untilAborted<Dockerode.NetworkInspectInfo>(network.inspect(), abortSignal),
      );
      // An endpoint left on the network blocks its removal: a runner may still be attached.
      for (const container of Object.keys(info.Containers ?? {})) {
        await callEngine(this.engine, `disconnect ${container} from ${name}`, signal, (abortSignal) =>
          network.disconnect({ Container: container, Force: true, abortSignal }),
        ).catch(ignoreNotFound);
      }
      await callEngine(this.engine, `remove network ${name}`, signal, (abortSignal) =>
        network.remove({ abortSignal }),
      );
      return true;
    } catch (error) {
      // Removed by someone else meanwhile: the outcome the caller wanted.
      if (engineStatusCode(error) === 404) return false;
      throw error;
    }
  }

  /** See {@link RunnerRuntime.listNetworks}. */
  async list(labels: Readonly<Record<string, string>>, signal: AbortSignal | undefined) {
    const found = await callEngine(this.engine, 'list networks', signal, (abortSignal) =>
      this.docker.listNetworks({ filters: { label: toLabelFilters(labels) }, abortSignal }),
    );
    return found.map((network) => ({
      name: network.Name,
      labels: { ...(network.Labels ?? {}) },
      createdAt: network.Created,
    }));
  }

  /** Attaches a created container to each of `networks`, in order. */
  async connect(containerId: string, networks: readonly string[], signal: AbortSignal | undefined) {
    for (const name of networks) {
      await callEngine(this.engine, `connect to network ${name}`, signal, (abortSignal) =>
        // dockerode takes the signal at run time; its typings do not say so.
        this.docker.getNetwork(name).connect({ Container: containerId, abortSignal } as object),
      );
    }
  }

  /** The network named exactly `name`, or null. */
  private async find(name: string, signal: AbortSignal | undefined) {
    const found = await callEngine(this.engine, `list networks named ${name}`, signal, (abortSignal) =>
      this.docker.listNetworks({ filters: { name: [name] }, abortSignal }),
    );
    // The engine's name filter matches parts of names: keep the exact one.
    return found.find((candidate) => candidate.Name === name) ?? null;
  }
}
