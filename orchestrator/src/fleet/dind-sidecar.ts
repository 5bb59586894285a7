import { setTimeout as delay } from 'node:timers/promises';
import { AppError } from '@gha-ephemeral/contract';
import type {
  ContainerLimits,
  ContainerPrivileges,
  RunnerContainer,
  RunnerRuntime,
} from '@gha-ephemeral/runtime-docker';

/** The engine image built by scripts/build-dind-image.sh. */
export const DEFAULT_DIND_IMAGE = 'gha-ephemeral/dind:local';
/** The label that tells a runner's engine (and its readiness probe) from the runner itself. */
export const ROLE_LABEL = 'gha-ephemeral.role';
/** The port the engine listens on, without TLS: only its runner's private network reaches it. */
export const DIND_PORT = 2375;

/**
 * How the engine container gets the privileges a Docker engine needs. `privileged` is `docker run --privileged`,
 * what the official docker:dind documents. `caps` is for hosts that refuse that (a kernel that withholds a
 * capability, such as CAP_SYS_RESOURCE, from the engine): the capabilities below, no seccomp or AppArmor profile,
 * and the host's cgroup tree. Neither is a wall between a job and the host: whoever drives the engine can run
 * containers with these privileges. Use Docker in jobs for trusted repositories only.
 */
export type DindMode = 'caps' | 'privileged';

/**
 * The capabilities a nested dockerd needs beyond Docker's default set when it cannot run privileged, found by
 * trying: without SYS_ADMIN it cannot mount, without NET_ADMIN it cannot make its bridge, without SYS_PTRACE its
 * runc cannot join a non-root container's namespaces (`docker exec`, health checks). The containers it runs
 * get at most these plus the default set: `docker run --privileged`, or `--cap-add` of any other, is refused inside.
 */
export const DIND_CAPABILITIES: readonly string[] = ['SYS_ADMIN', 'NET_ADMIN', 'SYS_PTRACE'];

/** The privileges of the engine container in each mode. */
export function dindPrivileges(mode: DindMode): ContainerPrivileges {
  // no-new-privileges would only break `sudo` in the job's images: the job already drives a root engine.
  switch (mode) {
    case 'privileged':
      return { privileged: true, noNewPrivileges: false };
    case 'caps':
      return {
        capAdd: DIND_CAPABILITIES,
        securityOpt: ['seccomp=unconfined', 'apparmor=unconfined'],
        noNewPrivileges: false,
        // The nested engine makes its containers' cgroups under this container's own (dind-entrypoint.sh).
        cgroupnsMode: 'host',
        binds: ['/sys/fs/cgroup:/sys/fs/cgroup:rw'],
      };
  }
}

/** The engine container of a runner. */
export function dindContainerName(runnerName: string): string {
  return `${runnerName}-docker`;
}

/** The private network of a runner and its engine. */
export function dindNetworkName(runnerName: string): string {
  return `${runnerName}-docker-net`;
}

function probeName(runnerName: string): string {
  return `${runnerName}-docker-probe`;
}

/** Options of {@link DindSidecars}. */
export interface DindSidecarsOptions {
  runtime: RunnerRuntime;
  /** Default {@link DEFAULT_DIND_IMAGE}. */
  image?: string;
  /**
   * dockerd's flags (DIND_DOCKERD_ARGS), for example `--storage-driver=vfs --iptables=false`. Default: the image
   * picks (overlay2 where it mounts, else vfs; iptables where it works).
   */
  dockerdArgs?: string;
  /** Limits of the engine container; the nested containers count against them too. */
  limits?: ContainerLimits;
  /** How long {@link DindSidecars.start} waits for the engine to answer. Default 30 000 ms. */
  readyTimeoutMs?: number;
  /** How often it looks. Default 200 ms. */
  pollIntervalMs?: number;
}

/** Options of {@link DindSidecars.start}. */
export interface DindStartOptions {
  signal?: AbortSignal | undefined;
  mode: DindMode;
}

/** A started engine: what the runner needs to use it. */
export interface DindSidecar {
  /** The private network the runner must also join (`extraNetworks`). */
  network: string;
  /** For the runner's environment. */
  env: { DOCKER_HOST: string };
}

/**
 * One Docker engine per runner, in a container of its own on a private network of the two, so that a job's
 * `docker run` never reaches the host's engine (whose socket is never given to a job). Stateless: the names follow
 * from the runner's, so a restarted orchestrator removes what an earlier one started.
 */
export class DindSidecars {
  readonly #runtime: RunnerRuntime;
  readonly #image: string;
  readonly #dockerdArgs: string | undefined;
  readonly #limits: ContainerLimits | undefined;
  readonly #readyTimeoutMs: number;
  readonly #pollIntervalMs: number;

  constructor(options: DindSidecarsOptions) {
    this.#runtime = options.runtime;
    this.#image = options.image ?? DEFAULT_DIND_IMAGE;
    this.#dockerdArgs = options.dockerdArgs;
    this.#limits = options.limits;
    this.#readyTimeoutMs = options.readyTimeoutMs ?? 30_000;
    this.#pollIntervalMs = options.pollIntervalMs ?? 200;
  }

  /**
   * Makes the runner's private network, starts its engine on it (named `<runnerName>-docker`, carrying `labels`
   * and `gha-ephemeral.role=dind`) and waits until the engine answers there. On any failure, the abort included,
   * what it made is removed before it rejects.
   * @throws `runtime.failed` (retryable) when the engine does not answer in time; `runtime.failed` (not
   * retryable) when it exits, or when the name is too long for DNS; the runtime's errors as they are.
   */
  async start(
    runnerName: string,
    labels: Readonly<Record<string, string>>,
    opts: DindStartOptions,
  ): Promise<DindSidecar> {
    const engine = dindContainerName(runnerName);
    // The runner reaches the engine by its container name: one DNS label.
    if (engine.length > 63) {
      throw new AppError('runtime.failed', `"${engine}" is too long for a host name (63 at most).`, {
        retryable: false,
        details: { reason: 'dind_name_too_long', name: engine },
      });
    }
    try {
      const network = await this.#ensurePrivateNetwork(runnerName, labels, opts.signal);
      await this.#runtime.create(
        {
          name: engine,
          image: this.#image,
          env: this.#dockerdArgs === undefined ? {} : { DIND_DOCKERD_ARGS: this.#dockerdArgs },
          labels: { ...labels, [ROLE_LABEL]: 'dind' },
          network,
          limits: this.#limits,
          privileges: dindPrivileges(opts.mode),
        },
        { signal: opts.signal },
      );
      await this.#waitUntilAnswering(runnerName, labels, opts.signal);
      return { network, env: { DOCKER_HOST: `tcp://${engine}:${DIND_PORT}` } };
    } catch (error) {
      // Not under the caller's signal: an aborted start must still clean up.
      await this.remove(runnerName).catch(() => undefined);
      throw error;
    }
  }

  /**
   * Removes the runner's engine (with the images and containers it held) and its private network, disconnecting
   * the runner from it if it still runs. Idempotent.
   * @returns true when there was something to remove.
   */
  async remove(runnerName: string, opts: { signal?: AbortSignal | undefined } = {}): Promise<boolean> {
    const removed = await Promise.all([
      this.#runtime.remove(dindContainerName(runnerName), opts),
      this.#runtime.remove(probeName(runnerName), opts),
    ]);
    const network = await this.#runtime.removeNetwork(dindNetworkName(runnerName), opts);
    return network || removed.includes(true);
  }

  async #ensurePrivateNetwork(
    runnerName: string,
    labels: Readonly<Record<string, string>>,
    signal: AbortSignal | undefined,
  ): Promise<string> {
    const name = dindNetworkName(runnerName);
    const network = await this.#runtime.ensureNetwork(name, {
      labels: { ...labels, [ROLE_LABEL]: 'dind' },
      interContainer: true,
      signal,
    });
    if (!network.interContainer) {
      throw new AppError('runtime.failed', `The network "${name}" exists and keeps its containers apart.`, {
        retryable: false,
        details: { reason: 'dind_network_closed', network: name },
      });
    }
    return name;
  }

  /** Starts a probe on the private network that exits 0 once the engine answers there, and waits for it. */
  async #waitUntilAnswering(
    runnerName: string,
    labels: Readonly<Record<string, string>>,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    const tries = Math.ceil(this.#readyTimeoutMs / this.#pollIntervalMs);
    const pause = (this.#pollIntervalMs / 1000).toFixed(3);
    // Bounded on its own too, so a probe outlives neither its deadline nor a crashed orchestrator for long.
    const script = [
      `i=0; until wget -q -O /dev/null "http://$ENGINE:${DIND_PORT}/_ping"`,
      `do i=$((i+1)); [ "$i" -lt ${tries} ] || exit 1; sleep ${pause}; done`,
    ].join('; ');
    const probe = await this.#runtime.create(
      {
        name: probeName(runnerName),
        image: this.#image,
        entrypoint: ['/bin/sh', '-c', script],
        env: { ENGINE: dindContainerName(runnerName) },
        labels: { ...labels, [ROLE_LABEL]: 'dind-probe' },
        network: dindNetworkName(runnerName),
      },
      { signal },
    );
    try {
      await this.#pollProbe(runnerName, probe, signal);
    } finally {
      await this.#runtime.remove(probe.id).catch(() => undefined);
    }
  }

  async #pollProbe(runnerName: string, probe: RunnerContainer, signal: AbortSignal | undefined) {
    const engine = dindContainerName(runnerName);
    const deadline = Date.now() + this.#readyTimeoutMs;
    for (;;) {
      const [probed, running] = await Promise.all([
        this.#runtime.get(probe.id, { signal }),
        this.#runtime.get(engine, { signal }),
      ]);
      if (running === null || running.state === 'exited' || running.state === 'dead') {
        throw new AppError('runtime.failed', `The Docker engine "${engine}" stopped while starting.`, {
          retryable: false,
          details: { reason: 'dind_exited', name: engine, exitCode: running?.exitCode ?? null },
        });
      }
      if (probed?.exitCode === 0) return;
      if ((probed !== null && probed.exitCode !== null) || Date.now() > deadline) {
        throw new AppError(
          'runtime.failed',
          `The Docker engine "${engine}" did not answer within ${Math.round(this.#readyTimeoutMs / 1000)} s.`,
          { retryable: true, details: { reason: 'dind_not_ready', name: engine } },
        );
      }
      // Rejects with the caller's reason, as the waits before it do.
      await delay(this.#pollIntervalMs, undefined, { signal }).catch(() => {
        throw signal?.reason as Error;
      });
    }
  }
}
