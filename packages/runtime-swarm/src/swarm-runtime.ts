import { setTimeout as sleep } from 'node:timers/promises';
import { AppError } from '@gha-ephemeral/contract';
import {
  assertValidEnv,
  createSecretRedactor,
  createSilentLogger,
  describeEngineAddress,
  engineStatusCode,
  noSecrets,
  redactErrorInPlace,
  runtimeFailedError,
  type BackoffOptions,
  type CreateOptions,
  type EnsureNetworkOptions,
  type LabelFilter,
  type RunnerContainer,
  type RunnerContainerSpec,
  type RunnerNetwork,
  type RunnerPlacement,
  type RunnerRuntime,
  type RuntimeCallOptions,
  type RuntimeEvent,
  type RuntimeLogger,
  type SecretRedactor,
} from '@gha-ephemeral/runtime-docker';
import Dockerode from 'dockerode';
import { assertShellNames, effectiveArgv } from './env-secret.js';
import { EnvSecrets, type EnvSecret } from './env-secrets.js';
import { readImageConfig } from './image-config.js';
import { assertCanRunOnSwarm, toServiceSpec } from './service-spec.js';
import { removeEndedContainers, retireJob } from './service-retire.js';
import { SwarmEngine } from './swarm-engine.js';
import { watchRunners, type WatchIntervals } from './swarm-events.js';
import { SwarmNetworks } from './swarm-networks.js';
import { pingSwarmManager } from './swarm-ping.js';

/** Options of {@link SwarmRuntime}. */
export interface SwarmRuntimeOptions {
  /** A client of a Swarm MANAGER's engine; default `new Dockerode()` (`DOCKER_HOST`, else the local socket). */
  docker?: Dockerode;
  /** A pino-like logger. Never receives env values. Default: silent. */
  logger?: RuntimeLogger;
  /** Bound on one engine request (not on pulls). Default 60 000 ms. */
  requestTimeoutMs?: number;
  /** Bound on pulling a missing image on the manager; 0 disables pulling. Default 300 000 ms. */
  pullTimeoutMs?: number;
  /** Run the engine's init as PID 1 in each runner (`--init`). Default true. */
  init?: boolean;
  /** Placement added to every runner's own: `{ constraints: ['node.labels.gha-runners==true'] }`. Default none. */
  placement?: RunnerPlacement;
  /** How long a task may wait for a node that can take it before the runner counts as exited. Default 30 000 ms. */
  placementTimeoutMs?: number;
  /** How long `create` waits for the task to run (it returns the runner as it is then). Default 60 000 ms. */
  startTimeoutMs?: number;
  /** Reserve a runner's CPU and memory limits, so the scheduler places it only where they fit. Default true. */
  reserveLimits?: boolean;
  /** How often `events` lists the runners. Default 1 000 ms while one is live, 10 000 ms otherwise. */
  watchIntervals?: WatchIntervals;
  /** Reconnection delays of the engine event stream and of failed listings. Default 250 ms doubling to 15 s. */
  eventsBackoff?: BackoffOptions;
}

// While create waits for the task: how often it looks.
const START_POLL_MS = 200;

/**
 * The {@link RunnerRuntime} on a Docker Swarm: each runner is a service in `replicated-job` mode with one task and
 * no restart. `id` and `name` are the service's; `state` and `exitCode` come from its task. The env goes in a
 * Swarm secret (one per runner) that a shell wrapper loads before it execs the real entrypoint, so no env value
 * is in the service spec. See the package README for the mapping.
 */
export class SwarmRuntime implements RunnerRuntime {
  private readonly logger: RuntimeLogger;
  private readonly engine: SwarmEngine;
  private readonly secrets: EnvSecrets;
  private readonly networks: SwarmNetworks;
  private nodeId: Promise<string | undefined> | undefined;
  private readonly settings: Required<Omit<SwarmRuntimeOptions, 'docker' | 'logger'>>;

  constructor(options: SwarmRuntimeOptions = {}) {
    const docker = options.docker ?? new Dockerode();
    this.logger = options.logger ?? createSilentLogger();
    this.settings = {
      requestTimeoutMs: options.requestTimeoutMs ?? 60_000,
      pullTimeoutMs: options.pullTimeoutMs ?? 300_000,
      init: options.init ?? true,
      placement: options.placement ?? {},
      placementTimeoutMs: options.placementTimeoutMs ?? 30_000,
      startTimeoutMs: options.startTimeoutMs ?? 60_000,
      reserveLimits: options.reserveLimits ?? true,
      watchIntervals: options.watchIntervals ?? { liveMs: 1_000, idleMs: 10_000 },
      eventsBackoff: options.eventsBackoff ?? { initialMs: 250, maxMs: 15_000 },
    };
    const context = {
      engineAddress: describeEngineAddress(docker),
      requestTimeoutMs: this.settings.requestTimeoutMs,
    };
    this.engine = new SwarmEngine(docker, context, this.settings.placementTimeoutMs);
    this.secrets = new EnvSecrets(this.engine);
    this.networks = new SwarmNetworks(this.engine);
  }

  /** Also checks that the engine is a Swarm manager (`runtime.unavailable` otherwise). */
  async ping(opts: RuntimeCallOptions = {}): Promise<{ version: string; apiVersion: string }> {
    return pingSwarmManager(this.engine, opts.signal).catch((error: unknown) => {
      throw this.mapError('read the engine version', error, noSecrets, opts.signal);
    });
  }

  async list(filter: LabelFilter, opts: RuntimeCallOptions = {}): Promise<RunnerContainer[]> {
    try {
      const services = await this.engine.listServices(filter.labels, opts.signal);
      const runners = await this.engine.describe(services, opts.signal);
      return runners.map((runner) => runner.container);
    } catch (error) {
      throw this.mapError('list services', error, noSecrets, opts.signal);
    }
  }

  async get(idOrName: string, opts: RuntimeCallOptions = {}): Promise<RunnerContainer | null> {
    try {
      const service = await this.engine.inspectService(idOrName, opts.signal);
      if (service === null) return null;
      const [runner] = await this.engine.describe([service], opts.signal);
      return runner?.container ?? null;
    } catch (error) {
      throw this.mapError(`inspect service "${idOrName}"`, error, noSecrets, opts.signal);
    }
  }

  /**
   * Makes the runner's service (and its env secret first) and waits, up to `startTimeoutMs`, for its task to run
   * or end. A task no node can take yet is returned `created` at once; it turns `exited` after
   * `placementTimeoutMs`. An abort after the service exists only ends the wait: the runner is made.
   */
  async create(spec: RunnerContainerSpec, opts: CreateOptions = {}): Promise<RunnerContainer> {
    const { signal } = opts;
    signal?.throwIfAborted();
    assertCanRunOnSwarm(spec);
    assertValidEnv(spec.env);
    assertShellNames(spec.env);
    let redactor = createSecretRedactor(Object.values(spec.env));
    let secret: EnvSecret | undefined;
    let serviceId: string | undefined;
    try {
      const image = await readImageConfig(this.engine, spec.image, {
        pullTimeoutMs: this.settings.pullTimeoutMs,
        logger: this.logger,
        signal,
      });
      if (Object.keys(spec.env).length > 0) {
        secret = await this.secrets.create(spec.name, spec.env, spec.labels, signal);
        redactor = createSecretRedactor([...Object.values(spec.env), secret.data]);
      }
      const body = toServiceSpec(spec, {
        init: this.settings.init,
        placement: this.settings.placement,
        reserveLimits: this.settings.reserveLimits,
        envSecret: secret && { id: secret.id, name: secret.name, argv: effectiveArgv(spec, image) },
      });
      const created: { ID: string } = await this.engine.request<{ ID: string }>(
        `create service ${spec.name}`,
        signal,
        {
          method: 'POST',
          path: '/services/create',
          body,
        },
      );
      this.logger.info(
        { container: spec.name, containerId: created.ID, image: spec.image },
        'service created',
      );
      serviceId = created.ID;
      opts.beforeStart?.();
      return await this.waitForTask(created.ID, spec.name, signal);
    } catch (error) {
      // Without its service the secret is an orphan (a name conflict must not touch the other runner's, which
      // has another name). Not under the caller's signal: an aborted create must still clean up.
      if (secret !== undefined && serviceId === undefined) {
        await this.secrets.removeFor(undefined, [secret.id]).catch(() => undefined);
      }
      if (engineStatusCode(error) === 409) throw this.nameConflictError(spec.name, error, redactor);
      throw this.mapError(`create service "${spec.name}"`, error, redactor, signal);
    }
  }

  /** Removes the service (its task's container with it) and its env secret. Idempotent. */
  async remove(idOrName: string, opts: RuntimeCallOptions = {}): Promise<boolean> {
    const { signal } = opts;
    try {
      const service = await this.engine.inspectService(idOrName, signal);
      let existed = service !== null;
      if (service !== null) {
        try {
          const tasks = await retireJob(this.engine, service.ID, signal);
          await this.engine.request(`remove service ${idOrName}`, signal, {
            method: 'DELETE',
            path: `/services/${service.ID}`,
          });
          await removeEndedContainers(this.engine, tasks, await this.localNodeId());
        } catch (error) {
          // Removed by someone else meanwhile: the outcome the caller wanted.
          if (engineStatusCode(error) !== 404) throw error;
          existed = false;
        }
        this.logger.info({ container: service.Spec.Name, containerId: service.ID }, 'service removed');
      }
      const secretIds = (service?.Spec.TaskTemplate?.ContainerSpec?.Secrets ?? []).flatMap((s) =>
        s.SecretID === undefined ? [] : [s.SecretID],
      );
      await this.secrets.removeFor(service?.Spec.Name ?? idOrName, secretIds, signal);
      return existed;
    } catch (error) {
      throw this.mapError(`remove service "${idOrName}"`, error, noSecrets, signal);
    }
  }

  events(filter: LabelFilter, opts: { signal: AbortSignal }): AsyncIterable<RuntimeEvent> {
    return watchRunners(
      {
        docker: this.engine.docker,
        logger: this.logger,
        backoff: this.settings.eventsBackoff,
        intervals: this.settings.watchIntervals,
        requestTimeoutMs: this.settings.requestTimeoutMs,
        listRunners: async (labelFilter, signal) =>
          this.engine.describe(await this.engine.listServices(labelFilter.labels, signal), signal),
      },
      filter,
      opts.signal,
    );
  }

  /** An attachable overlay network; `interContainer` is always true on overlay (see the README). */
  async ensureNetwork(name: string, opts: EnsureNetworkOptions = {}): Promise<RunnerNetwork> {
    return this.networks.ensure(name, opts).catch((error: unknown) => {
      throw this.mapError(`make sure the network "${name}" exists`, error, noSecrets, opts.signal);
    });
  }

  /** Refuses a network still used by a runner's service (`details.reason = 'network_in_use'`). */
  async removeNetwork(name: string, opts: RuntimeCallOptions = {}): Promise<boolean> {
    return this.networks.remove(name, opts.signal).catch((error: unknown) => {
      throw this.mapError(`remove the network "${name}"`, error, noSecrets, opts.signal);
    });
  }

  async listNetworks(filter: LabelFilter, opts: RuntimeCallOptions = {}) {
    return this.networks.list(filter.labels, opts.signal).catch((error: unknown) => {
      throw this.mapError('list networks', error, noSecrets, opts.signal);
    });
  }

  /**
   * Env secrets of runners whose service is gone (a create or remove cut short), among those carrying every
   * label of `filter` and older than ten minutes (a younger one may be a create's under way): removed. A reaper
   * calls it with its owner's labels; `now` is for tests.
   * @returns how many it removed.
   */
  async removeOrphanSecrets(
    filter: LabelFilter,
    opts: RuntimeCallOptions & { now?: number } = {},
  ): Promise<number> {
    return this.secrets.removeOrphans(filter.labels, opts.signal, opts.now).catch((error: unknown) => {
      throw this.mapError('remove orphaned secrets', error, noSecrets, opts.signal);
    });
  }

  /** This engine's own Swarm node id (read once). */
  private async localNodeId(): Promise<string | undefined> {
    this.nodeId ??= this.engine
      .request<{ Swarm?: { NodeID?: string } }>('read the engine information', undefined, {
        method: 'GET',
        path: '/info',
      })
      .then((info) => info.Swarm?.NodeID)
      .catch(() => undefined);
    return this.nodeId;
  }

  /** Polls the new service until its task runs, ends or waits for a node; an abort or the bound ends the wait. */
  private async waitForTask(
    id: string,
    name: string,
    signal: AbortSignal | undefined,
  ): Promise<RunnerContainer> {
    const deadline = Date.now() + this.settings.startTimeoutMs;
    let seen: RunnerContainer | null = null;
    for (;;) {
      // Not under the caller's signal: the service exists, and an abort must not turn that into a failure.
      const runner = await this.get(id);
      // Seen, then gone: reaped while we waited (its node went down). It was made and has ended: not a failure.
      if (runner === null && seen !== null) return { ...seen, state: 'exited' };
      if (runner === null)
        throw new AppError('runtime.failed', `Service "${name}" disappeared right after it was created.`);
      seen = runner;
      if (runner.state !== 'created' || (await this.isWaitingForNode(id)) || Date.now() > deadline)
        return runner;
      if (signal?.aborted === true) return runner;
      await sleep(START_POLL_MS);
    }
  }

  private async isWaitingForNode(serviceId: string): Promise<boolean> {
    const tasks = await this.engine.request<Array<{ Status: { State: string; Err?: string } }>>(
      'list tasks',
      undefined,
      { method: 'GET', path: '/tasks', query: { filters: { service: [serviceId] } } },
    );
    return tasks.some((task) => task.Status.State === 'pending' && (task.Status.Err ?? '') !== '');
  }

  private mapError(
    operation: string,
    error: unknown,
    redactor: SecretRedactor,
    signal?: AbortSignal,
  ): unknown {
    if (signal?.aborted === true) return signal.reason;
    if (error instanceof AppError) return error;
    redactErrorInPlace(error, redactor);
    return runtimeFailedError(operation, error, redactor);
  }

  private nameConflictError(name: string, error: unknown, redactor: SecretRedactor): AppError {
    redactErrorInPlace(error, redactor);
    return new AppError(
      'runtime.failed',
      `A service named "${name}" already exists on the Swarm. Remove it (docker service rm ${name}) or use another name.`,
      { cause: error, retryable: false, details: { reason: 'name_conflict', name } },
    );
  }
}
