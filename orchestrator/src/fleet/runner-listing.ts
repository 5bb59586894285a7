import type { Runner } from '@gha-ephemeral/contract';
import { scopeFromTarget, scopeTarget, type GitHubRunner, type GitHubScope } from '@gha-ephemeral/github';
import type { Logger } from '@gha-ephemeral/logging';
import type { RunnerContainer } from '@gha-ephemeral/runtime-docker';
import { decodeRunnerLabels } from './container-labels.js';
import { GitHubRunnerDirectory } from './github-runner-directory.js';
import { runnerStatus, toRunnerView } from './runner-view.js';
import { scopeKey, type ObservedRunner } from '../signals/demand.js';

/** A runner as listed: its view, its container, and whether GitHub could be asked about its scope. */
export interface RunnerListing {
  runner: Runner;
  /** The same runner as the control loop sees it (not the HTTP view). */
  observed: ObservedRunner;
  container: RunnerContainer;
  /** False when GitHub's list of the runner's scope could not be read: its GitHub status is unknown, not absent. */
  verified: boolean;
}

/** GitHub's runners of each scope by name, and the scopes GitHub could not be asked about. */
async function registrations(
  scopes: GitHubScope[],
  directory: GitHubRunnerDirectory,
  logger: Logger,
  signal?: AbortSignal,
  maxAgeMs?: number,
): Promise<{ byName: Map<string, GitHubRunner>; failed: Set<string> }> {
  const byName = new Map<string, GitHubRunner>();
  const failed = new Set<string>();
  await Promise.all(
    scopes.map(async (scope) => {
      try {
        for (const runner of await directory.list(scope, signal, maxAgeMs)) byName.set(runner.name, runner);
      } catch (error) {
        failed.add(GitHubRunnerDirectory.key(scope));
        // Docker still says which runners exist; only their GitHub status is missing.
        logger.warn({ err: error, target: scopeTarget(scope) }, 'could not list runners on GitHub');
      }
    }),
  );
  return { byName, failed };
}

/** The runners of `containers` (Docker's record joined with GitHub's), oldest first. */
export async function listRunnerViews(
  containers: RunnerContainer[],
  directory: GitHubRunnerDirectory,
  logger: Logger,
  signal?: AbortSignal,
  /** How old GitHub's lists may be (the dashboard's frequent looks settle for older ones). */
  maxGitHubAgeMs?: number,
): Promise<RunnerListing[]> {
  const records = containers.flatMap((container) => {
    const record = decodeRunnerLabels(container.labels);
    return record ? [{ container, record }] : [];
  });
  const scopes = new Map<string, GitHubScope>();
  for (const { record } of records) {
    const scope = scopeFromTarget(record.scope, record.target);
    scopes.set(GitHubRunnerDirectory.key(scope), scope);
  }
  const { byName, failed } = await registrations(
    [...scopes.values()],
    directory,
    logger,
    signal,
    maxGitHubAgeMs,
  );
  return records
    .map(({ container, record }) => {
      const scope = scopeFromTarget(record.scope, record.target);
      const registration = byName.get(record.id) ?? null;
      const observed: ObservedRunner = {
        id: record.id,
        scope,
        scopeKey: scopeKey(scope),
        labels: registration?.labels ?? record.labels,
        state: runnerStatus(container, registration),
        createdAtMs: Date.parse(container.createdAt),
        jobId: record.jobId,
        pool: record.pool,
        verified: !failed.has(GitHubRunnerDirectory.key(scope)),
      };
      const runner = toRunnerView(container, record, registration);
      return { runner, observed, container, verified: observed.verified };
    })
    .sort(
      (a, b) =>
        a.runner.createdAt.localeCompare(b.runner.createdAt) || a.runner.id.localeCompare(b.runner.id),
    );
}
