import type {
  CreateOptions,
  EnsureNetworkOptions,
  LabelFilter,
  RunnerContainer,
  RunnerContainerSpec,
  RunnerNetwork,
  RunnerRuntime,
  RuntimeCallOptions,
  RuntimeEvent,
} from '@gha-ephemeral/runtime-docker';

/** Which adapter runs a pool's runners. */
export type RuntimeKind = 'docker' | 'swarm';

/** The label that says which adapter runs a runner (`docker` when absent: every runner made before Swarm). */
export const RUNTIME_LABEL = 'gha-ephemeral.runtime';

/** The Swarm adapter as this needs it: the port, and its sweep of secrets left without their service. */
export type SwarmLike = RunnerRuntime & {
  removeOrphanSecrets?(filter: LabelFilter, opts?: RuntimeCallOptions): Promise<number>;
};

/** Merges async iterables, yielding each item as it comes; ends when all have ended. */
async function* merge<T>(sources: AsyncIterable<T>[]): AsyncGenerator<T> {
  const iterators = sources.map((source) => source[Symbol.asyncIterator]());
  const next = (index: number) => iterators[index]!.next().then((result) => ({ index, result }));
  const pending = new Map(iterators.map((_, index) => [index, next(index)]));
  try {
    while (pending.size > 0) {
      const { index, result } = await Promise.race(pending.values());
      if (result.done) {
        pending.delete(index);
        continue;
      }
      pending.set(index, next(index));
      yield result.value;
    }
  } finally {
    await Promise.allSettled(iterators.map(async (iterator) => iterator.return?.()));
  }
}

/**
 * The runtime port over two adapters, the Docker engine and a Swarm, each pool's runners on the one its `runtime`
 * names: a runner is created where its `gha-ephemeral.runtime` label says, and found, listed and followed on both,
 * so the fleet above works with one runtime. Networks go to the adapter of the pools that use them.
 */
export class RoutedRuntime implements RunnerRuntime {
  readonly #docker: RunnerRuntime;
  readonly #swarm: SwarmLike;
  readonly #swarmNetworks: ReadonlySet<string>;

  /** `swarmNetworks`: the networks of the pools on the Swarm (overlay networks there). */
  constructor(docker: RunnerRuntime, swarm: SwarmLike, swarmNetworks: ReadonlySet<string>) {
    this.#docker = docker;
    this.#swarm = swarm;
    this.#swarmNetworks = swarmNetworks;
  }

  /** Removes what a Swarm create or remove cut short left (a runner's env secret without its service); how many. */
  async sweepOrphans(filter: LabelFilter, opts?: RuntimeCallOptions): Promise<number> {
    return (await this.#swarm.removeOrphanSecrets?.(filter, opts)) ?? 0;
  }

  #of(labels: Readonly<Record<string, string>>): RunnerRuntime {
    return labels[RUNTIME_LABEL] === 'swarm' ? this.#swarm : this.#docker;
  }

  #forNetwork(name: string): RunnerRuntime {
    return this.#swarmNetworks.has(name) ? this.#swarm : this.#docker;
  }

  /** The Docker engine's answer; a Swarm that does not answer is `runtime.unavailable` too. */
  async ping(opts?: RuntimeCallOptions): Promise<{ version: string; apiVersion: string }> {
    const [docker] = await Promise.all([this.#docker.ping(opts), this.#swarm.ping(opts)]);
    return docker;
  }

  async list(filter: LabelFilter, opts?: RuntimeCallOptions): Promise<RunnerContainer[]> {
    const [docker, swarm] = await Promise.all([
      this.#docker.list(filter, opts),
      this.#swarm.list(filter, opts),
    ]);
    // A Swarm task's container on this engine is the Swarm's runner, not one of Docker's own.
    return [...docker.filter((container) => container.labels[RUNTIME_LABEL] !== 'swarm'), ...swarm];
  }

  async get(idOrName: string, opts?: RuntimeCallOptions): Promise<RunnerContainer | null> {
    const docker = await this.#docker.get(idOrName, opts);
    if (docker !== null && docker.labels[RUNTIME_LABEL] !== 'swarm') return docker;
    return this.#swarm.get(idOrName, opts);
  }

  create(spec: RunnerContainerSpec, opts?: CreateOptions): Promise<RunnerContainer> {
    return this.#of(spec.labels).create(spec, opts);
  }

  async remove(idOrName: string, opts?: RuntimeCallOptions): Promise<boolean> {
    const found = await this.get(idOrName, opts);
    if (found === null) return false;
    return this.#of(found.labels).remove(found.id, opts);
  }

  ensureNetwork(name: string, opts?: EnsureNetworkOptions): Promise<RunnerNetwork> {
    return this.#forNetwork(name).ensureNetwork(name, opts);
  }

  removeNetwork(name: string, opts?: RuntimeCallOptions): Promise<boolean> {
    return this.#forNetwork(name).removeNetwork(name, opts);
  }

  async listNetworks(
    filter: LabelFilter,
    opts?: RuntimeCallOptions,
  ): Promise<{ name: string; labels: Record<string, string>; createdAt: string }[]> {
    // One engine holds both kinds: the Docker adapter lists them all, by name once.
    return this.#docker.listNetworks(filter, opts);
  }

  events(filter: LabelFilter, opts: { signal: AbortSignal }): AsyncIterable<RuntimeEvent> {
    const own = async function* (source: AsyncIterable<RuntimeEvent>, swarm: boolean) {
      for await (const event of source) {
        // The task containers' own events on this engine are the Swarm adapter's to report.
        if (event.type !== 'resumed' && (event.labels[RUNTIME_LABEL] === 'swarm') !== swarm) continue;
        yield event;
      }
    };
    return merge([
      own(this.#docker.events(filter, opts), false),
      own(this.#swarm.events(filter, opts), true),
    ]);
  }
}
