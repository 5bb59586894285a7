import type {
  GitHubRepository,
  GitHubRunStatus,
  GitHubWorkflow,
  GitHubWorkflowJob,
  GitHubWorkflowRun,
  WorkflowState,
} from './types.js';

type Raw = Record<string, unknown>;

const RUN_STATUSES: readonly GitHubRunStatus[] = [
  'queued',
  'in_progress',
  'completed',
  'waiting',
  'requested',
  'pending',
];
const WORKFLOW_STATES: readonly WorkflowState[] = [
  'active',
  'deleted',
  'disabled_fork',
  'disabled_inactivity',
  'disabled_manually',
];

function asRecord(value: unknown): Raw {
  return value !== null && typeof value === 'object' ? (value as Raw) : {};
}

function text(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

function id(value: unknown): number | null {
  return typeof value === 'number' && Number.isSafeInteger(value) ? value : null;
}

function oneOf<T extends string>(value: unknown, known: readonly T[], fallback: T): T {
  return typeof value === 'string' && (known as readonly string[]).includes(value) ? (value as T) : fallback;
}

/** GitHub's `repository` (full or minimal) → {@link GitHubRepository}; null when it lacks a name. */
export function toRepository(value: unknown): GitHubRepository | null {
  const raw = asRecord(value);
  const fullName = text(raw['full_name']);
  const name = text(raw['name']);
  const owner = text(asRecord(raw['owner'])['login']) ?? fullName?.split('/')[0] ?? null;
  if (name === null || owner === null) return null;
  return {
    owner,
    name,
    fullName: fullName ?? `${owner}/${name}`,
    archived: raw['archived'] === true,
    disabled: raw['disabled'] === true,
    private: raw['private'] === true,
  };
}

/** GitHub's `workflow` → {@link GitHubWorkflow}; null when it lacks an id or a path. */
export function toWorkflow(value: unknown): GitHubWorkflow | null {
  const raw = asRecord(value);
  const workflowId = id(raw['id']);
  const path = text(raw['path']);
  if (workflowId === null || path === null) return null;
  return {
    id: workflowId,
    name: text(raw['name']) ?? path,
    path,
    state: oneOf(raw['state'], WORKFLOW_STATES, 'unknown'),
  };
}

/** GitHub's `workflow-run` → {@link GitHubWorkflowRun}; null when it lacks an id. */
export function toWorkflowRun(value: unknown): GitHubWorkflowRun | null {
  const raw = asRecord(value);
  const runId = id(raw['id']);
  if (runId === null) return null;
  return {
    id: runId,
    name: text(raw['name']),
    workflowId: id(raw['workflow_id']) ?? 0,
    path: text(raw['path']),
    status: oneOf(raw['status'], RUN_STATUSES, 'unknown'),
    event: text(raw['event']),
    headBranch: text(raw['head_branch']),
    createdAt: text(raw['created_at']) ?? text(raw['run_started_at']),
    repositoryPrivate:
      typeof asRecord(raw['repository'])['private'] === 'boolean'
        ? (asRecord(raw['repository'])['private'] as boolean)
        : null,
  };
}

/**
 * GitHub's `job` → {@link GitHubWorkflowJob}; null when it lacks an id. Tolerant of what GitHub's own examples
 * show: no `created_at` (falls back to `started_at`), statuses beyond `queued` (`waiting`, `pending` ...), labels
 * missing or holding non-strings.
 */
export function toWorkflowJob(value: unknown, runIdFallback: number): GitHubWorkflowJob | null {
  const raw = asRecord(value);
  const jobId = id(raw['id']);
  if (jobId === null) return null;
  const labels = Array.isArray(raw['labels'])
    ? raw['labels'].filter((label): label is string => typeof label === 'string')
    : [];
  return {
    id: jobId,
    runId: id(raw['run_id']) ?? runIdFallback,
    name: text(raw['name']),
    workflowName: text(raw['workflow_name']),
    htmlUrl: text(raw['html_url']),
    status: oneOf(raw['status'], RUN_STATUSES, 'unknown'),
    conclusion: text(raw['conclusion']),
    labels,
    // Some answers carry 0 and "" instead of null for "no runner yet".
    runnerId: id(raw['runner_id']) || null,
    runnerName: text(raw['runner_name']) || null,
    createdAt: text(raw['created_at']) ?? text(raw['started_at']),
    ...(raw['status'] === 'queued' ? {} : { startedAt: text(raw['started_at']) }),
    ...(raw['status'] === 'completed' ? { completedAt: text(raw['completed_at']) } : {}),
  };
}

/** Maps a page of raw items, dropping the ones that cannot be read. */
export function mapItems<T>(items: readonly unknown[], map: (value: unknown) => T | null): T[] {
  const out: T[] = [];
  for (const item of items) {
    const mapped = map(item);
    if (mapped !== null) out.push(mapped);
  }
  return out;
}
