import type { RunnerScope } from '@gha-ephemeral/contract';

/** Container labels are the record of which runners exist (docs/configuration.md, "Container labels"): a restarted orchestrator finds its runners by them. */
export const LABEL_PREFIX = 'gha-ephemeral.';
export const LABELS = {
  managed: `${LABEL_PREFIX}managed`,
  runner: `${LABEL_PREFIX}runner`,
  orchestrator: `${LABEL_PREFIX}orchestrator`,
  scope: `${LABEL_PREFIX}scope`,
  target: `${LABEL_PREFIX}target`,
  runnerLabels: `${LABEL_PREFIX}labels`,
  jobId: `${LABEL_PREFIX}job-id`,
  githubRunnerId: `${LABEL_PREFIX}github-runner-id`,
  pool: `${LABEL_PREFIX}pool`,
} as const;

/** The pool of runners started before pools existed (no `gha-ephemeral.pool` label). */
export const UNLABELLED_POOL = 'default';

/** What a runner container's labels say about it. Never holds a secret. */
export interface RunnerRecord {
  id: string;
  scope: RunnerScope;
  target: string;
  labels: string[];
  jobId: number | null;
  githubRunnerId: number | null;
  pool: string;
}

/** The labels that select every runner container of one orchestrator. */
export function ownerSelector(orchestratorId: string): Record<string, string> {
  return { [LABELS.managed]: 'true', [LABELS.orchestrator]: orchestratorId };
}

/** The labels of a new runner container. */
export function encodeRunnerLabels(record: RunnerRecord, orchestratorId: string): Record<string, string> {
  return {
    ...ownerSelector(orchestratorId),
    [LABELS.runner]: record.id,
    [LABELS.scope]: record.scope,
    [LABELS.target]: record.target,
    [LABELS.runnerLabels]: record.labels.join(','),
    [LABELS.pool]: record.pool,
    ...(record.jobId === null ? {} : { [LABELS.jobId]: String(record.jobId) }),
    ...(record.githubRunnerId === null ? {} : { [LABELS.githubRunnerId]: String(record.githubRunnerId) }),
  };
}

function optionalNumber(text: string | undefined): number | null {
  if (text === undefined || text === '') return null;
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : null;
}

/** Reads a runner back from its container's labels; null when they are not ours or are damaged. */
export function decodeRunnerLabels(labels: Readonly<Record<string, string>>): RunnerRecord | null {
  const id = labels[LABELS.runner];
  const scope = labels[LABELS.scope];
  const target = labels[LABELS.target];
  if (!id || !target || (scope !== 'repository' && scope !== 'organization')) return null;
  const runnerLabels = labels[LABELS.runnerLabels] ?? '';
  return {
    id,
    scope,
    target,
    labels: runnerLabels === '' ? [] : runnerLabels.split(','),
    jobId: optionalNumber(labels[LABELS.jobId]),
    githubRunnerId: optionalNumber(labels[LABELS.githubRunnerId]),
    pool: labels[LABELS.pool] || UNLABELLED_POOL,
  };
}
