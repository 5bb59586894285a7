import type { Runner, RunnerStatus } from '@gha-ephemeral/contract';
import type { GitHubRunner } from '@gha-ephemeral/github';
import type { RunnerContainer } from '@gha-ephemeral/runtime-docker';
import type { RunnerRecord } from './container-labels.js';

/** A runner's state from its container and GitHub's registration (null: not listed there, or not asked). */
export function runnerStatus(container: RunnerContainer, registration: GitHubRunner | null): RunnerStatus {
  if (container.state === 'exited' || container.state === 'dead' || container.state === 'removing')
    return 'exited';
  if (registration === null) return 'starting';
  if (registration.busy) return 'busy';
  if (registration.status === 'online') return 'idle';
  // Registered but not connected yet, or lost its connection while the container still runs.
  return container.state === 'created' ? 'starting' : 'offline';
}

/** A runner as the API shows it: Docker's record joined with GitHub's (null when GitHub could not be asked or does not list it). */
export function toRunnerView(
  container: RunnerContainer,
  record: RunnerRecord,
  registration: GitHubRunner | null,
): Runner {
  return {
    id: record.id,
    name: record.id,
    status: runnerStatus(container, registration),
    scope: record.scope,
    target: record.target,
    labels: registration?.labels ?? record.labels,
    image: container.image,
    containerId: container.id,
    createdAt: container.createdAt,
    githubRunnerId: registration?.id ?? record.githubRunnerId,
    busy: registration?.busy ?? false,
    jobId: record.jobId,
    pool: record.pool,
  };
}
