import { scopeFromTarget, type GitHubScope } from '@gha-ephemeral/github';
import type { Logger } from '@gha-ephemeral/logging';
import { TaskPool } from '@gha-ephemeral/primitives';
import type { RemovalReason } from '../metrics/runner-observer.js';
import { GitHubRunnerDirectory } from '../fleet/github-runner-directory.js';
import type { RunnerListing } from '../fleet/runner-listing.js';
import type { ReapResult } from '../fleet/runner-reaper.js';

/** What upkeep needs of the runner service (declared here, where it is used). */
export interface UpkeepRunners {
  listVerified(signal?: AbortSignal): Promise<RunnerListing[]>;
  remove(id: string, signal?: AbortSignal, reason?: RemovalReason): Promise<ReapResult | 'kept'>;
  isCreating(name: string): boolean;
  /** The names of the runners being created now. */
  creatingNames(): string[];
  rememberedScopes(): GitHubScope[];
}

/** What one upkeep pass removed. */
export interface UpkeepResult {
  ended: number;
  stuck: number;
  orphans: number;
}

/** Runners removed at once by one pass. */
const REMOVE_CONCURRENCY = 4;

/** Why a listed runner is stuck, or null: left `created` by a crash, or never online within the start timeout. */
export function stuckReason(
  listed: RunnerListing,
  nowMs: number,
  startTimeoutMs: number,
  creating: boolean,
): string | null {
  const { runner, container } = listed;
  if (creating || (runner.status !== 'starting' && runner.status !== 'offline')) return null;
  if (container.state === 'created') return 'left unstarted';
  if (!listed.verified) return null; // GitHub could not say: not known to be offline
  return nowMs - Date.parse(runner.createdAt) > startTimeoutMs ? 'never came online' : null;
}

/**
 * The clean-up that runs in every mode, automatic or not: reap ended containers whose exit was missed, remove
 * runners that are stuck, and delete registrations of ours whose containers are gone. `extraScopes` adds scopes to
 * look for orphans in (automatic mode's queued jobs); the runners' own and the remembered ones are always looked at.
 */
export async function runUpkeep(options: {
  runners: UpkeepRunners;
  /** Reaps runners whose exit was missed. */
  reaper: { sweep(signal?: AbortSignal): Promise<number> };
  /** Deletes registrations of ours whose containers are gone. */
  orphans: { purge(scopes: readonly GitHubScope[], signal?: AbortSignal): Promise<number> };
  logger: Logger;
  startTimeoutMs: number;
  extraScopes?: readonly GitHubScope[];
  now?: () => number;
  signal?: AbortSignal;
}): Promise<UpkeepResult> {
  const { runners, logger, signal } = options;
  const now = options.now ?? Date.now;
  const ended = await options.reaper.sweep(signal);
  // Taken before the listing: a creation that ends while the listing runs was seen in `created` a moment ago.
  const creating = new Set(runners.creatingNames());
  const listed = await runners.listVerified(signal);
  const pool = new TaskPool(REMOVE_CONCURRENCY);
  let stuck = 0;
  for (const entry of listed) {
    const { runner } = entry;
    const beingCreated = creating.has(runner.id) || runners.isCreating(runner.id);
    const reason = stuckReason(entry, now(), options.startTimeoutMs, beingCreated);
    if (reason === null || signal?.aborted) continue;
    stuck += 1;
    logger.warn({ category: 'WARNING', runner: runner.id, reason }, 'removing a stuck runner');
    await pool.run(async () => {
      await runners.remove(runner.id, signal, 'start_timeout').catch((error: unknown) => {
        logger.warn(
          { err: error, runner: runner.id },
          'could not remove a stuck runner; the next upkeep retries',
        );
      });
    });
  }
  await pool.drain();
  const scopes = new Map<string, GitHubScope>();
  const add = (scope: GitHubScope) => scopes.set(GitHubRunnerDirectory.key(scope), scope);
  for (const { runner } of listed) add(scopeFromTarget(runner.scope, runner.target));
  for (const scope of [...runners.rememberedScopes(), ...(options.extraScopes ?? [])]) add(scope);
  const orphans = await options.orphans.purge([...scopes.values()], signal);
  return { ended, stuck, orphans };
}
