import { SimInputError } from '../engine/errors.js';
import type { QueueJobSpec } from '../engine/jobs.js';
import type { SimStore } from '../state/store.js';
import type { RunnerScope, SimRepo, SimWorkflow } from '../state/types.js';
import type { ScopeRef } from './views.js';

/** What an API token stands for. */
export interface TokenInfo {
  login: string;
  /** Classic scopes (`repo`, `admin:org`...); omitted means full access. */
  scopes?: string[];
  /** Makes it an App installation token on `account`, optionally limited to some repositories (`name` or `owner/name`). */
  installation?: { account: string; repositories?: string[] };
  /** Primary rate limit per hour (default: the simulator's, 5,000). */
  rateLimit?: number;
}

/** A workflow file to put in a new repository. */
export interface WorkflowSpec {
  /** e.g. `.github/workflows/ci.yml`. */
  path: string;
  content: string;
  /** Default: the YAML's `name:`, else the path. */
  name?: string;
  state?: SimWorkflow['state'];
}

/** A repository to create. Repositories are private unless said otherwise, so foreign tokens get 404s. */
export interface RepoSpec {
  owner: string;
  name: string;
  private?: boolean;
  archived?: boolean;
  disabled?: boolean;
  defaultBranch?: string;
  description?: string;
  workflows?: WorkflowSpec[];
  /** Other files, path → content. */
  files?: Record<string, string>;
}

/** One job to queue (in a run of its own). */
export interface QueueJobInput extends QueueJobSpec {
  /** `owner/name`. */
  repo: string;
  workflowName?: string;
}

function workflowName(spec: WorkflowSpec): string {
  if (spec.name) return spec.name;
  const m = /^name:\s*["']?(.+?)["']?\s*$/m.exec(spec.content);
  return m?.[1] ?? spec.path;
}

/** A control-API scope as a runner scope. */
export function toScope(ref: ScopeRef): RunnerScope {
  if ('repo' in ref) {
    const [owner, repo] = ref.repo.split('/');
    if (!owner || !repo) throw new SimInputError(`bad repository ${JSON.stringify(ref.repo)}`);
    return { kind: 'repo', owner, repo };
  }
  return { kind: 'org', org: ref.org };
}

/** Puts a workflow file in a repository and records the workflow. */
export function addWorkflow(store: SimStore, repo: SimRepo, spec: WorkflowSpec): void {
  store.putFile(repo, spec.path, spec.content);
  const now = new Date().toISOString();
  const id = store.ids.take('workflow');
  store.workflows.set(id, {
    id,
    repoId: repo.id,
    name: workflowName(spec),
    path: spec.path.replace(/^\/+/, ''),
    state: spec.state ?? 'active',
    createdAt: now,
    updatedAt: now,
  });
}
