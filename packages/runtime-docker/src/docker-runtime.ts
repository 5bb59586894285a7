import { AppError } from '@gha-ephemeral/contract';
import { BoundedMap, mapWithConcurrency } from '@gha-ephemeral/primitives';
import Dockerode from 'dockerode';
import { fromInspectInfo, toContainerState, toCreateBody, toLabelFilters } from './container-mapping.js';
import { engineMessage, engineStatusCode, runtimeFailedError } from './docker-errors.js';
import { streamRuntimeEvents, type BackoffOptions } from './docker-events.js';
import { DockerNetworks } from './docker-networks.js';
import { describeEngineAddress } from './engine-address.js';
import { callEngine, type EngineCallContext } from './engine-call.js';
import { pullImage } from './image-pull.js';
import { createSilentLogger, type RuntimeLogger } from './logger.js';
import type {
  EnsureNetworkOptions,
  LabelFilter,
  RunnerContainer,
  RunnerContainerSpec,
  RunnerNetwork,
  RunnerRuntime,
  CreateOptions,
  RuntimeCallOptions,
  RuntimeEvent,
} from './runtime.js';
import {
  createSecretRedactor,
  noSecrets,
  redactErrorInPlace,
  type SecretRedactor,
} from './secret-redactor.js';
import { assertValidEnv } from './validate-env.js';

/** Options of {@link DockerRuntime}. */
export interface DockerRuntimeOptions {
  /** The client; default `new Dockerode()`, which honours `DOCKER_HOST`, else uses `/var/run/docker.sock`. */
  docker?: Dockerode;
  /** A pino-like logger (a child per component is best). Never receives env values. Default: silent. */
  logger?: RuntimeLogger;
  /** Bound on one engine request (not on pulls, nor on the event stream). Default 60 000 ms. */
  requestTimeoutMs?: number;
  /** Bound on pulling a missing image; 0 disables pulling. Default 300 000 ms. */
  pullTimeoutMs?: number;
  /**
   * Run the engine's init (`docker run --init`: docker-init, a tini) as PID 1, to reap the zombies job steps
   * leave and forward signals. Default true; turn off for an engine without docker-init.
   */
  init?: boolean;
  /** Reconnection delays of {@link DockerRuntime.events}. Default 250 ms doubling to 15 s. */
  eventsBackoff?: BackoffOptions;
}

// Concurrent inspections while listing: enough to be quick, few enough not to crowd the engine.
const INSPECT_CONCURRENCY = 8;
/** Inspections kept for listings (far more containers than an orchestrator runs at once). */
const INSPECTED_KEPT = 5000;
// How long remove() waits for a removal someone else started to finish.
const FOREIGN_REMOVAL_WAIT_MS = 10_000;

/**
 * The {@link RunnerRuntime} on a Docker engine, through dockerode. See the port for the contract; Docker specifics:
 * containers get no restart policy, `AutoRemove: false` and (by default) `Init: true`; `list` inspects every
 * matching container so that list and get describe a container the same way.
 */
export class DockerRuntime implements RunnerRuntime {
  private readonly docker: Dockerode;
  private readonly logger: RuntimeLogger;
  private readonly engine: EngineCallContext;
  private readonly pullTimeoutMs: number;
  private readonly init: boolean;
  /** The last inspection of each container listed, oldest first (see {@link DockerRuntime.list}). */
  private readonly inspected = new BoundedMap<string, RunnerContainer>(INSPECTED_KEPT);
  private readonly eventsBackoff: BackoffOptions;
  private readonly networks: DockerNetworks;

  constructor(options: DockerRuntimeOptions = {}) {
    this.docker = options.docker ?? new Dockerode();
    this.logger = options.logger ?? createSilentLogger();
    this.engine = {
      engineAddress: describeEngineAddress(this.docker),
      requestTimeoutMs: options.requestTimeoutMs ?? 60_000,
    };
    this.pullTimeoutMs = options.pullTimeoutMs ?? 300_000;
    this.init = options.init ?? true;
    this.eventsBackoff = options.eventsBackoff ?? { initialMs: 250, maxMs: 15_000 };
    this.networks = new DockerNetworks(this.docker, this.engine);
  }

  async ping(opts: RuntimeCallOptions = {}): Promise<{ version: string; apiVersion: string }> {
    const version = await this.call('read the engine version', opts.signal, (abortSignal) =>
      // dockerode's `version` takes options at run time; its typings say it does not.
      (this.docker.version as (options: object) => Promise<Dockerode.DockerVersion>).call(this.docker, {
        abortSignal,
      }),
    );
    return { version: version.Version, apiVersion: version.ApiVersion };
  }

  async list(filter: LabelFilter, opts: RuntimeCallOptions = {}): Promise<RunnerContainer[]> {
    const entries = await this.call('list containers', opts.signal, (abortSignal) =>
      this.docker.listContainers({
        all: true,
        filters: { label: toLabelFilters(filter.labels) },
        abortSignal,
      }),
    );
    // A container removed between the list and its inspection is simply no longer there. What an inspection
    // said is kept: a container's name, image, labels and creation never change, and its exit code is final.
    // Only a container not seen before, or one that has stopped since, is inspected again; the others take their
    // state from the listing. While the engine is busy starting many containers every call waits, so a listing
    // during a burst costs one call instead of one per container.
    const containers = await mapWithConcurrency(entries, INSPECT_CONCURRENCY, async (entry) => {
      const known = this.inspected.get(entry.Id);
      const state = toContainerState(entry.State);
      const stopped = state === 'exited' || state === 'dead';
      if (known !== undefined && (!stopped || known.exitCode !== null)) {
        return stopped ? known : { ...known, state };
      }
      const container = await this.get(entry.Id, opts);
      if (container !== null) this.inspected.set(container.id, container);
      return container;
    });
    return containers.filter((container): container is RunnerContainer => container !== null);
  }

  async get(idOrName: string, opts: RuntimeCallOptions = {}): Promise<RunnerContainer | null> {
    try {
      const info = await this.call(`inspect container ${idOrName}`, opts.signal, (abortSignal) =>
        this.docker.getContainer(idOrName).inspect({ abortSignal }),
      );
      return fromInspectInfo(info);
    } catch (error) {
      if (engineStatusCode(error) === 404) return null;
      throw this.mapError(`inspect container "${idOrName}"`, error, noSecrets, opts.signal);
    }
  }

  async create(spec: RunnerContainerSpec, opts: CreateOptions = {}): Promise<RunnerContainer> {
    const { signal } = opts;
    signal?.throwIfAborted();
    assertValidEnv(spec.env);
    const redactor = createSecretRedactor(Object.values(spec.env));
    const container = await this.createContainer(spec, redactor, signal);
    const log = { container: spec.name, containerId: container.id, image: spec.image };
    this.logger.debug(log, 'container created');
    opts.beforeStart?.();
    try {
      signal?.throwIfAborted();
      await this.networks.connect(container.id, spec.extraNetworks ?? [], signal);
      await this.call(`start container ${spec.name}`, signal, (abortSignal) =>
        container.start({ abortSignal }),
      );
    } catch (error) {
      // A created-but-not-started container would hold the name and look like a runner: never leave one behind.
      await this.removeAfterFailedStart(container.id, spec.name);
      throw this.mapError(`start container "${spec.name}"`, error, redactor, signal);
    }
    this.logger.info(log, 'container started');
    // The container runs now: an abort at this point must not turn a success into a failure, so no signal.
    const started = await this.get(container.id).catch(async (error: unknown) => {
      await this.removeAfterFailedStart(container.id, spec.name);
      throw error;
    });
    if (started === null) {
      throw new AppError(
        'runtime.failed',
        `Container "${spec.name}" disappeared right after it was started.`,
      );
    }
    return started;
  }

  async remove(idOrName: string, opts: RuntimeCallOptions = {}): Promise<boolean> {
    try {
      await this.call(`remove container ${idOrName}`, opts.signal, (abortSignal) =>
        this.docker.getContainer(idOrName).remove({ force: true, v: true, abortSignal }),
      );
      this.logger.info({ container: idOrName }, 'container removed');
      return true;
    } catch (error) {
      if (engineStatusCode(error) === 404) return false;
      if (engineStatusCode(error) === 409 && /already in progress/i.test(engineMessage(error))) {
        await this.waitUntilGone(idOrName, opts.signal);
        return true;
      }
      throw this.mapError(`remove container "${idOrName}"`, error, noSecrets, opts.signal);
    }
  }

  events(filter: LabelFilter, opts: { signal: AbortSignal }): AsyncIterable<RuntimeEvent> {
    return streamRuntimeEvents(
      {
        docker: this.docker,
        logger: this.logger,
        engineAddress: this.engine.engineAddress,
        backoff: this.eventsBackoff,
        requestTimeoutMs: this.engine.requestTimeoutMs,
      },
      filter,
      opts.signal,
    );
  }

  async ensureNetwork(name: string, opts: EnsureNetworkOptions = {}): Promise<RunnerNetwork> {
    return this.networks.ensure(name, opts).catch((error: unknown) => {
      throw this.mapError(`make sure the network "${name}" exists`, error, noSecrets, opts.signal);
    });
  }

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

  /** `POST /containers/create`, pulling the image once when the engine does not have it. */
  private async createContainer(
    spec: RunnerContainerSpec,
    redactor: SecretRedactor,
    signal: AbortSignal | undefined,
  ): Promise<Dockerode.Container> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.call(`create container ${spec.name}`, signal, (abortSignal) =>
          // A fresh body each time: dockerode deletes `abortSignal` from the object it is given.
          this.docker.createContainer({ ...toCreateBody(spec, this.init), abortSignal }),
        );
      } catch (error) {
        if (!isMissingImage(error)) {
          if (engineStatusCode(error) === 409) throw this.nameConflictError(spec.name, error, redactor);
          throw this.mapError(`create container "${spec.name}"`, error, redactor, signal);
        }
        if (attempt > 1 || this.pullTimeoutMs <= 0) {
          throw this.imageUnavailableError(spec.image, error, redactor);
        }
        await pullImage(this.docker, spec.image, {
          timeoutMs: this.pullTimeoutMs,
          signal,
          logger: this.logger,
          engineAddress: this.engine.engineAddress,
        });
      }
    }
  }

  private async removeAfterFailedStart(containerId: string, name: string): Promise<void> {
    try {
      // Not under the caller's signal: an aborted create must still clean up.
      await this.remove(containerId);
    } catch (error) {
      this.logger.error(
        { container: name, containerId, reason: error instanceof Error ? error.message : String(error) },
        'could not remove a container that failed to start',
      );
    }
  }

  private async waitUntilGone(idOrName: string, signal: AbortSignal | undefined): Promise<void> {
    const deadline = Date.now() + FOREIGN_REMOVAL_WAIT_MS;
    while (Date.now() < deadline && (await this.get(idOrName, { signal })) !== null) {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  private call<T>(
    operation: string,
    signal: AbortSignal | undefined,
    request: (signal: AbortSignal) => Promise<T>,
  ) {
    return callEngine(this.engine, operation, signal, request);
  }

  /**
   * The caller's abort reason and errors {@link callEngine} already mapped pass through; everything else (the
   * engine said no) becomes `runtime.failed`, with secrets scrubbed from the message and from the kept cause.
   */
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
      `A container named "${name}" already exists on the Docker engine. Remove it (docker rm -f ${name}) or use another name.`,
      { cause: error, retryable: false, details: { reason: 'name_conflict', name } },
    );
  }

  private imageUnavailableError(image: string, error: unknown, redactor: SecretRedactor): AppError {
    redactErrorInPlace(error, redactor);
    return new AppError(
      'runtime.image_unavailable',
      `Image "${image}" is not on the Docker engine${this.pullTimeoutMs <= 0 ? ' (pulling is disabled)' : ''}. ` +
        `Pull it (docker pull ${image}) or build it on the engine, then try again.`,
      { cause: error, details: { image } },
    );
  }
}

function isMissingImage(error: unknown): boolean {
  return engineStatusCode(error) === 404 && /no such image/i.test(engineMessage(error));
}
