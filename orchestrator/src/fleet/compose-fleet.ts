import { DEFAULT_DIND_IMAGE } from './dind-sidecar.js';
import { GitHubRunnerDirectory } from './github-runner-directory.js';
import { OrphanRegistrations } from '../control/orphan-registrations.js';
import { PoolSidecars } from './pool-sidecars.js';
import { RunnerLauncher } from './runner-launcher.js';
import { RunnerReaper } from './runner-reaper.js';
import { RunnerService, type RunnerServiceDeps } from './runner-service.js';
import { ScopeJournal } from './scope-journal.js';

/**
 * The composition root of the fleet: every part of the runner service made once, here, and handed to the parts
 * that need it. The two late links (the reaper tells the launcher a runner is gone; the orphan purge asks the
 * service for its containers) are closures over the finished parts.
 */
/** The fleet's parts others use directly: the service, and the reaper, directory and purge beside it. */
export interface FleetParts {
  runners: RunnerService;
  reaper: RunnerReaper;
  directory: GitHubRunnerDirectory;
  orphans: OrphanRegistrations;
}

export function composeFleet(deps: RunnerServiceDeps): FleetParts {
  const { settings, logger } = deps;
  const directory = new GitHubRunnerDirectory(deps.github);
  const sidecars = new PoolSidecars({
    runtime: deps.runtime,
    settings: deps.dind ?? { image: DEFAULT_DIND_IMAGE, mode: 'caps' },
    pools: settings.pools,
    orchestratorId: settings.orchestratorId,
    logger: logger.child({ component: 'dind' }),
  });
  let launcher: RunnerLauncher | null = null;
  const reaper = new RunnerReaper({
    sidecars,
    runtime: deps.runtime,
    github: deps.removals ?? deps.github,
    directory,
    logger: logger.child({ component: 'reaper' }),
    orchestratorId: settings.orchestratorId,
    ...(deps.observer === undefined ? {} : { observer: deps.observer }),
    onRemoved: (runnerId) => {
      launcher?.forget(runnerId);
      deps.onRunnerRemoved?.(runnerId);
    },
  });
  launcher = new RunnerLauncher({
    runtime: deps.runtime,
    github: deps.github,
    logger,
    settings,
    onSecret: deps.onSecret,
    directory,
    reaper,
    ...(deps.observer === undefined ? {} : { observer: deps.observer }),
    crashAt: deps.crashAt ?? null,
    sidecars,
    ...(deps.scaleSets ? { scaleSets: deps.scaleSets } : {}),
  });
  let service: RunnerService | null = null;
  const orphans = new OrphanRegistrations({
    github: deps.removals ?? deps.github,
    directory,
    logger: logger.child({ component: 'purge' }),
    orchestratorId: settings.orchestratorId,
    containerNames: async (signal) =>
      new Set((await service!.containers(signal)).map((container) => container.name)),
    creatingNames: () => service!.creatingNames(),
  });
  service = new RunnerService(deps, {
    scopes: new ScopeJournal(deps.stateDir ?? null, settings.orchestratorId, logger),
    directory,
    reaper,
    launcher,
    orphans,
  });
  return { runners: service, reaper, directory, orphans };
}
