/**
 * The runner runtime port: what the orchestrator needs from a container engine to run one ephemeral runner per
 * container. Docker is the record of which runners exist, so everything the reconciler knows about a runner it
 * reads back through {@link RunnerRuntime.list} (by labels); in-memory state is only a cache.
 *
 * Every adapter (Docker today; Swarm or Kubernetes later) passes one contract test suite
 * (`packages/runtime-docker/test/runtime-contract.ts`). Failures are `AppError`s with `runtime.*` codes:
 * `runtime.unavailable` (the engine does not answer; retryable), `runtime.image_unavailable` (the image is not
 * present and cannot be pulled; not retryable) and `runtime.failed` (anything else). An aborted call rejects with
 * the signal's `reason`, unchanged.
 */

/** Options every port call takes. */
export interface RuntimeCallOptions {
  signal?: AbortSignal | undefined;
}

/** Options of {@link RunnerRuntime.create}. */
export interface CreateOptions extends RuntimeCallOptions {
  /** Called once the container exists and before it starts: where tests stop the process to prove recovery. */
  beforeStart?: () => void;
}

/** What {@link RunnerRuntime.create} starts. */
export interface RunnerContainerSpec {
  /** Container name, which is also the runner's name: unique on the engine (a clash is `runtime.failed`). */
  name: string;
  /** Image reference. When missing locally the adapter tries to pull it once before giving up. */
  image: string;
  /** Replaces the image's CMD. Arguments are passed as they are, never to a shell. */
  command?: readonly string[] | undefined;
  /** Replaces the image's ENTRYPOINT (and then the image's CMD is not used: only `command`). */
  entrypoint?: readonly string[] | undefined;
  /** Resource limits; a field of 0 (or left out) means no limit of that kind. */
  limits?: ContainerLimits | undefined;
  /** Environment of the container. Holds secrets (JIT configs, tokens): never logged nor put in an error. */
  env: Readonly<Record<string, string>>;
  /** Labels, the record of what the container is (`gha-ephemeral.managed=true`, `gha-ephemeral.runner=<id>`, ...). */
  labels: Readonly<Record<string, string>>;
  /** A network name, or `host`; default: the engine's default bridge. The network must exist. */
  network?: string | undefined;
  /**
   * More networks (they must exist), joined after the container is created and before it starts, so its first
   * process already sees them: a runner on its usual network plus the private one of its Docker engine sidecar.
   * Not with `network: 'host'`.
   */
  extraNetworks?: readonly string[] | undefined;
  /**
   * What a container that runs containers (a Docker engine sidecar) needs; everything else leaves these out. Each
   * widens what the container may do to the host's kernel: never give them to a job's own container.
   */
  privileges?: ContainerPrivileges | undefined;
  /**
   * Where a runner may run, for adapters that schedule onto several nodes (Swarm). The Docker adapter runs
   * everything on its one engine and ignores this.
   */
  placement?: RunnerPlacement | undefined;
}

/** Placement rules of a scheduler (Swarm's `docker service create --constraint` and `--placement-pref`). */
export interface RunnerPlacement {
  /** Every one must hold on the node: `node.labels.gha-pool==linux-large`, `node.role!=manager`. */
  constraints?: readonly string[] | undefined;
  /** Spread preferences, in order: `spread=node.labels.zone` (or just `node.labels.zone`). */
  preferences?: readonly string[] | undefined;
}

/**
 * Privileges beyond a default container. Without them a container runs with the engine's default capabilities,
 * seccomp and AppArmor profiles, and `no-new-privileges`.
 */
export interface ContainerPrivileges {
  /** Every capability, every device, no seccomp or AppArmor profile (`docker run --privileged`). */
  privileged?: boolean;
  /** Capabilities added to the engine's default set, without the `CAP_` prefix (`SYS_ADMIN`, `NET_ADMIN`). */
  capAdd?: readonly string[];
  /** Security options as `docker run --security-opt` takes them (`seccomp=unconfined`, `apparmor=unconfined`). */
  securityOpt?: readonly string[];
  /**
   * Default true. False lets setuid binaries in the container (and in containers it runs) raise privileges: an
   * engine sidecar needs it off for `sudo` in the images a job runs, and it guards nothing there, since whoever
   * drives that engine runs containers as root anyway.
   */
  noNewPrivileges?: boolean;
  /** The cgroup namespace; `host`, with /sys/fs/cgroup bound in, lets a nested engine make cgroups. */
  cgroupnsMode?: 'host' | 'private';
  /** Bind mounts as `docker run -v` takes them (`/sys/fs/cgroup:/sys/fs/cgroup:rw`). */
  binds?: readonly string[];
}

/** What one container may use: enforced by the engine's cgroups. */
export interface ContainerLimits {
  /** Memory in bytes; swap is not added on top (a job over its memory is killed, not swapped). */
  memoryBytes?: number;
  /** CPU time in billionths of a CPU (`--cpus 2` is 2e9). */
  nanoCpus?: number;
  /** Most processes and threads at once (a fork bomb's wall). */
  pidsLimit?: number;
}

/** Options of {@link RunnerRuntime.ensureNetwork}. */
export interface EnsureNetworkOptions extends RuntimeCallOptions {
  /** Labels of a network it creates (`gha-ephemeral.managed=true` is always added). */
  labels?: Readonly<Record<string, string>>;
  /** Let containers on a network it creates reach each other. Default false. */
  interContainer?: boolean;
}

/** A network for runners, as {@link RunnerRuntime.ensureNetwork} found or made it. */
export interface RunnerNetwork {
  name: string;
  /** True when this call created it. */
  created: boolean;
  /** True when containers on it can reach each other (inter-container traffic on). */
  interContainer: boolean;
}

/** The engine's life-cycle states of a container (Docker's names). */
export type ContainerState = 'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead';

/** A container as the runtime reports it. */
export interface RunnerContainer {
  /** The engine's full id. */
  id: string;
  /** The name without Docker's leading slash. */
  name: string;
  /** The image reference the container was created from, as it was given to {@link RunnerRuntime.create}. */
  image: string;
  labels: Record<string, string>;
  state: ContainerState;
  /** The exit code once the container has stopped (`exited` or `dead`), else null. */
  exitCode: number | null;
  /** When the engine created the container: ISO 8601, UTC, millisecond precision. */
  createdAt: string;
  /**
   * Why it stopped when its own process did not decide it (Swarm: no node could take it, its node refused it or
   * went down); absent otherwise. The Docker adapter never sets it.
   */
  reason?: string;
}

/** A change in a container's life, as {@link RunnerRuntime.events} reports it. */
/** What happened to one container. */
export type ContainerEvent =
  | { type: 'started'; containerId: string; name: string; labels: Record<string, string> }
  | {
      type: 'exited';
      containerId: string;
      name: string;
      labels: Record<string, string>;
      /** The process's exit code (137 after a kill), or null when the engine did not say. */
      exitCode: number | null;
      /** As {@link RunnerContainer.reason}: set only when the engine, not the process, ended it. */
      reason?: string;
    }
  | { type: 'removed'; containerId: string; name: string; labels: Record<string, string> };

/** A container's event, or word that the stream was cut and is back. */
export type RuntimeEvent =
  | ContainerEvent
  /**
   * The stream was cut (the engine restarted, the connection dropped) and is back: events of the gap may be lost
   * (an engine keeps its event log in memory), so a consumer should look at the containers afresh.
   */
  | { type: 'resumed' };

/** Filter by labels: a container matches when it carries EVERY given label with exactly the given value. */
export interface LabelFilter {
  labels: Readonly<Record<string, string>>;
}

/** The container engine as the orchestrator needs it. */
export interface RunnerRuntime {
  /**
   * Checks that the engine answers.
   * @returns the engine's version and its API version.
   * @throws `runtime.unavailable` when it does not answer.
   */
  ping(opts?: RuntimeCallOptions): Promise<{ version: string; apiVersion: string }>;

  /**
   * Every container, in any state (stopped ones too), that carries all of `filter.labels`. An empty filter lists
   * every container on the engine, so callers always pass at least `gha-ephemeral.managed=true`.
   * No order is promised.
   */
  list(filter: LabelFilter, opts?: RuntimeCallOptions): Promise<RunnerContainer[]>;

  /**
   * One container by full id, unique id prefix, or exact name; null when there is none. A container being
   * removed may still be returned (state `removing`) until the removal completes.
   */
  get(idOrName: string, opts?: RuntimeCallOptions): Promise<RunnerContainer | null>;

  /**
   * Creates AND starts a container. No restart policy; the container is not removed automatically when it exits
   * (the caller reads its exit code, then calls {@link RunnerRuntime.remove}).
   *
   * When the image is missing it is pulled once (bounded in time); when that fails: `runtime.image_unavailable`.
   * A name already in use: `runtime.failed` with `details.reason = 'name_conflict'` (not retryable). When the
   * container was created but could not be started, or the call was aborted in between, the container is removed
   * before the promise rejects, so a failed create leaves nothing behind (except after an abort during the
   * create request itself, when the engine may have created it unseen: the reconciler finds it by its labels).
   * The env values never appear in an error message or a log line.
   * @returns the container as it is right after start (usually `running`; `exited` if it ended at once).
   */
  create(spec: RunnerContainerSpec, opts?: CreateOptions): Promise<RunnerContainer>;

  /**
   * Force-removes a container (killing it if it runs) and its anonymous volumes. Idempotent.
   * A removal already in progress elsewhere counts as success.
   * @returns true when the container existed, false when there was nothing to remove.
   */
  remove(idOrName: string, opts?: RuntimeCallOptions): Promise<boolean>;

  /**
   * The network `name`, created when missing as a bridge on which containers cannot reach each other (nor, being
   * on a network of their own, the services on other networks), labelled `gha-ephemeral.managed=true`. An existing
   * one is left as it is and described. Idempotent; two concurrent calls make one network.
   * `interContainer: true` makes it an ordinary bridge instead, on which containers reach each other by name: a
   * private network of two (a runner and its Docker engine sidecar).
   */
  ensureNetwork(name: string, opts?: EnsureNetworkOptions): Promise<RunnerNetwork>;

  /**
   * Removes the network `name`, first disconnecting the containers still on it (running ones lose it at once).
   * Idempotent.
   * @returns true when the network existed, false when there was nothing to remove.
   */
  removeNetwork(name: string, opts?: RuntimeCallOptions): Promise<boolean>;

  /** Every network that carries all of `filter.labels`: its name, labels and creation time (ISO 8601). */
  listNetworks(
    filter: LabelFilter,
    opts?: RuntimeCallOptions,
  ): Promise<{ name: string; labels: Record<string, string>; createdAt: string }[]>;

  /**
   * Live life-cycle events (`started`, `exited`, `removed`) of the containers that carry all of `filter.labels`,
   * in the order the engine reports them, from the moment iteration begins. When the stream drops it reconnects
   * with jittered backoff and replays what the engine still remembers since the last event; events can still be
   * lost during a long outage, so consumers must also resync with {@link RunnerRuntime.list} periodically.
   * Engine failures are logged, never thrown. Ends (without an error) when `opts.signal` aborts or the consumer
   * stops iterating.
   */
  events(filter: LabelFilter, opts: { signal: AbortSignal }): AsyncIterable<RuntimeEvent>;
}
