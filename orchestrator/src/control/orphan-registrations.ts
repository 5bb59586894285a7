import type { GitHubPort, GitHubRunner, GitHubScope } from '@gha-ephemeral/github';
import { scopeTarget } from '@gha-ephemeral/github';
import type { Logger } from '@gha-ephemeral/logging';
import type { GitHubRunnerDirectory } from '../fleet/github-runner-directory.js';
import { isOwnRunnerName } from '../fleet/naming.js';

export interface OrphanRegistrationsDeps {
  github: GitHubPort;
  directory: GitHubRunnerDirectory;
  logger: Logger;
  orchestratorId: string;
  /** The names of this orchestrator's containers, in any state, as the runtime lists them now. */
  containerNames(signal?: AbortSignal): Promise<ReadonlySet<string>>;
  /** The runners this process is creating now (a registration may precede its container). */
  creatingNames(): string[];
}

/**
 * Deletes GitHub registrations this orchestrator made whose containers are gone (a crash between the two, a
 * container removed by hand). Only names carrying this orchestrator's tag, never a busy runner. The containers
 * are listed after the registrations, and a runner being created is skipped: a just-in-time registration exists a
 * moment before its container, and either that container is listed or its creation is still under way.
 */
export class OrphanRegistrations {
  readonly #deps: OrphanRegistrationsDeps;

  constructor(deps: OrphanRegistrationsDeps) {
    this.#deps = deps;
  }

  /** One purge over `scopes`. Returns how many registrations it deleted; a scope that fails is logged and skipped. */
  async purge(scopes: readonly GitHubScope[], signal?: AbortSignal): Promise<number> {
    const found: { scope: GitHubScope; registration: GitHubRunner }[] = [];
    for (const scope of scopes) {
      if (signal?.aborted) return 0;
      try {
        this.#deps.directory.invalidate(scope);
        for (const registration of await this.#deps.directory.list(scope, signal)) {
          if (registration.busy || !isOwnRunnerName(registration.name, this.#deps.orchestratorId)) continue;
          found.push({ scope, registration });
        }
      } catch (error) {
        this.#deps.logger.warn(
          { err: error, target: scopeTarget(scope) },
          'could not check registrations for orphans',
        );
      }
    }
    if (found.length === 0) return 0;
    // Taken before the containers are listed: a creation that ends meanwhile has its container in the listing,
    // or its name here.
    const creating = new Set(this.#deps.creatingNames());
    const containers = await this.#deps.containerNames(signal);
    let removed = 0;
    for (const { scope, registration } of found) {
      if (containers.has(registration.name) || creating.has(registration.name)) continue;
      if (await this.#delete(scope, registration, signal)) removed += 1;
    }
    return removed;
  }

  async #delete(scope: GitHubScope, registration: GitHubRunner, signal?: AbortSignal): Promise<boolean> {
    try {
      const outcome = await this.#deps.github.deleteRunner(scope, registration.id, { signal });
      this.#deps.directory.invalidate(scope);
      if (outcome !== 'deleted') return false;
      this.#deps.logger.info(
        { category: 'MONITOR', runner: registration.name, target: scopeTarget(scope) },
        'removed a registration whose container is gone',
      );
      return true;
    } catch (error) {
      this.#deps.logger.warn(
        { err: error, runner: registration.name, target: scopeTarget(scope) },
        'could not remove an orphaned registration; the next purge retries',
      );
      return false;
    }
  }
}
