import { hostname } from 'node:os';
import { isAppError, type Runner } from '@gha-ephemeral/contract';
import { scopeTarget, type GitHubPort, type GitHubScope, type JitRunner } from '@gha-ephemeral/github';
import type { Logger } from '@gha-ephemeral/logging';
import { BoundedMap } from '@gha-ephemeral/primitives';
import type { RunnerRuntime } from '@gha-ephemeral/runtime-docker';
import { NO_RUNNER_OBSERVER, type RunnerObserver } from '../metrics/runner-observer.js';
import { encodeRunnerLabels, type RunnerRecord } from './container-labels.js';
import type { GitHubRunnerDirectory } from './github-runner-directory.js';
import { RegistrationTokens, type SecretSink } from './registration-tokens.js';
import type { RunnerReaper } from './runner-reaper.js';
import type { CreateRunnersCommand, CrashStep, RunnerSettings } from './runner-service.js';
import { toRunnerView } from './runner-view.js';
import { ensureSafeValues, fillCommand } from './command.js';
import { fillTemplate, type PlaceholderValues } from './template.js';
import { RunnerNetworkGuard } from './runner-network.js';
import { RUNTIME_LABEL } from './routed-runtime.js';
import type { RunnerPool } from '../pools/pool.js';
import type { PoolSidecars } from './pool-sidecars.js';

/** Live runners whose secrets are remembered, to be forgotten when they go: far more than MAX_RUNNERS allows. */
const REMEMBERED_SECRETS = 10_000;

function githubHost(githubUrl: string): string {
  const url = new URL(githubUrl);
  return url.protocol === 'https:' ? url.host : url.origin;
}

/** What the launcher needs. */
export interface RunnerLauncherDeps {
  runtime: RunnerRuntime;
  github: GitHubPort;
  logger: Logger;
  settings: RunnerSettings;
  onSecret: SecretSink;
  directory: GitHubRunnerDirectory;
  reaper: Pick<RunnerReaper, 'ensureRegistrationGone'>;
  observer?: RunnerObserver;
  crashAt?: CrashStep | null;
  /** The Docker engines of `docker: dind` pools. */
  sidecars?: PoolSidecars;
  /** Registers the runners of scale-set pools. */
  scaleSets?: ScaleSetRegistrar;
}

/** Registers a runner of a scale-set pool with its scale set, just in time (declared here, where it is used). */
export interface ScaleSetRegistrar {
  /** Registers `name` with the pool's scale set; a name already taken is replaced. */
  register(pool: string, name: string, signal?: AbortSignal): Promise<JitRunner>;
}

/**
 * Starts one named runner: its credentials (a registration token, or a just-in-time registration), its container
 * from the template, and nothing left half-made when a step fails. Remembers each runner's secrets until it goes.
 */
export class RunnerLauncher {
  readonly #deps: RunnerLauncherDeps;
  readonly #tokens: RegistrationTokens;
  readonly #observer: RunnerObserver;
  readonly #hostname = hostname();
  /** How to forget each live runner's just-in-time configuration, once the runner is gone. */
  readonly #forgetSecret = new BoundedMap<string, () => void>(REMEMBERED_SECRETS);
  /** One guard per runner network (pools may use different ones). */
  readonly #networks = new Map<string, RunnerNetworkGuard>();

  constructor(deps: RunnerLauncherDeps) {
    this.#deps = deps;
    this.#tokens = new RegistrationTokens(deps.github, deps.onSecret);
    this.#observer = deps.observer ?? NO_RUNNER_OBSERVER;
  }

  /** Forgets the runner's secrets: it is gone, so they can no longer appear. */
  forget(runnerId: string): void {
    this.#forgetSecret.get(runnerId)?.();
    this.#forgetSecret.delete(runnerId);
  }

  /** The test fault hook: dies at once, as a power cut or the OOM killer would, at the armed step. */
  #crash(step: CrashStep): void {
    if (this.#deps.crashAt === step) process.kill(process.pid, 'SIGKILL');
  }

  #network(name: string): RunnerNetworkGuard {
    let guard = this.#networks.get(name);
    if (guard === undefined) {
      guard = new RunnerNetworkGuard(this.#deps.runtime, name, this.#deps.logger);
      this.#networks.set(name, guard);
    }
    return guard;
  }

  async launch(
    command: CreateRunnersCommand,
    pool: RunnerPool,
    name: string,
    labels: { all: string[]; custom: string[] },
    log: Logger,
    signal?: AbortSignal,
  ): Promise<Runner> {
    const { scope } = command;
    const target = scopeTarget(scope);
    const settings = this.#deps.settings;
    const uses = pool.template.uses;
    // Before any credential is minted: a runner that cannot get its network never gets one.
    await this.#network(pool.network).ready(signal);
    const registrationToken = uses.has('registration_token') ? await this.#tokens.get(scope, signal) : '';
    const jit = uses.has('jit_config')
      ? await this.#registerJit(pool, scope, name, labels.all, signal)
      : null;
    this.#crash('after-credentials');
    const record: RunnerRecord = {
      id: name,
      scope: scope.kind,
      target,
      labels: labels.all,
      jobId: command.jobId ?? null,
      githubRunnerId: jit?.runner.id ?? null,
      pool: pool.name,
    };
    const values: PlaceholderValues = {
      scope_name: target,
      runner_name: name,
      registration_token: registrationToken,
      jit_config: jit?.encodedJitConfig ?? '',
      repo_owner: scope.kind === 'repository' ? scope.owner : scope.org,
      repo_name: scope.kind === 'repository' ? scope.repo : '',
      runner_scope: scope.kind === 'repository' ? 'repo' : 'org',
      labels: labels.custom.join(','),
      github_url: settings.githubUrl,
      github_host: githubHost(settings.githubUrl),
      timestamp: String(Math.floor(Date.now() / 1000)),
      hostname: this.#hostname,
      orchestrator_id: settings.orchestratorId,
    };
    try {
      ensureSafeValues(values, uses);
      // Its own Docker engine first (a `docker: dind` pool): the runner is started knowing where it is.
      const sidecar = await this.#deps.sidecars?.start(pool, name, signal);
      const container = await this.#deps.runtime.create(
        {
          name,
          image: pool.image,
          env: { ...fillTemplate(pool.template, values), ...sidecar?.env },
          ...(sidecar ? { extraNetworks: [sidecar.network] } : {}),
          labels: {
            ...encodeRunnerLabels(record, settings.orchestratorId),
            ...(pool.runtime === 'swarm' ? { [RUNTIME_LABEL]: 'swarm' } : {}),
          },
          ...(pool.command === null ? {} : { command: fillCommand(pool.command, values) }),
          ...(pool.template.entrypoint === null
            ? {}
            : { entrypoint: fillCommand(pool.template.entrypoint, values) }),
          network: pool.network,
          limits: pool.limits,
          ...(pool.placement === null ? {} : { placement: pool.placement }),
        },
        { signal, beforeStart: () => this.#crash('after-create') },
      );
      this.#crash('after-start');
      this.#deps.directory.invalidate(scope);
      this.#observer.runnerStarted(
        command.jobId == null ? 'api' : 'job',
        command.jobQueuedAt ?? null,
        pool.name,
      );
      log.info(
        {
          category: 'SUCCESS',
          containerId: container.id.slice(0, 12),
          ...(command.jobId == null ? {} : { job: command.jobId }),
        },
        'runner started',
      );
      return toRunnerView(container, record, jit?.runner ?? null);
    } catch (error) {
      // A just-in-time runner is registered before its container exists: do not leave the registration behind.
      if (jit) await this.#deps.reaper.ensureRegistrationGone(record);
      await this.#deps.sidecars?.remove(pool.name, name);
      // The engine may have lost the network (removed by hand): look again before the next runner.
      if (isAppError(error) && error.code === 'runtime.failed') this.#network(pool.network).forget();
      this.#observer.runnerStartFailed();
      log.error({ err: error }, 'runner could not be started');
      throw error;
    }
  }

  /**
   * Registers a just-in-time runner. GitHub creates the record at once, so when an answer is lost (a timeout, a
   * retry) the next attempt meets 409: the record left by the lost answer is then deleted, so that no
   * registration leaks, and the registration is made again.
   */
  async #registerJit(
    pool: RunnerPool,
    scope: GitHubScope,
    name: string,
    labels: string[],
    signal?: AbortSignal,
  ): Promise<JitRunner> {
    const jit =
      pool.scaleSet === null
        ? await this.#registerRest(scope, name, labels, signal)
        : await this.#scaleSets().register(pool.name, name, signal);
    const forget = this.#deps.onSecret(jit.encodedJitConfig);
    if (forget) this.#forgetSecret.set(name, forget);
    return jit;
  }

  #scaleSets(): ScaleSetRegistrar {
    if (this.#deps.scaleSets === undefined) throw new Error('scale-set pools need a scale-set registrar');
    return this.#deps.scaleSets;
  }

  async #registerRest(
    scope: GitHubScope,
    name: string,
    labels: string[],
    signal?: AbortSignal,
  ): Promise<JitRunner> {
    const request = { name, labels, runnerGroupId: this.#deps.settings.runnerGroupId };
    let jit: JitRunner;
    try {
      jit = await this.#deps.github.generateJitConfig(scope, request, { signal });
    } catch (error) {
      if (!(isAppError(error) && error.code === 'github.conflict')) throw error;
      this.#deps.logger.warn({ runner: name }, 'a runner of that name is already registered; replacing it');
      const stale = await this.#deps.github.findRunnerByName(scope, name, { signal });
      if (stale) await this.#deps.github.deleteRunner(scope, stale.id, { signal });
      jit = await this.#deps.github.generateJitConfig(scope, request, { signal });
    }
    return jit;
  }
}
