import type { CallOptions } from '@gha-ephemeral/github';

/** A repository as discovery needs it. */
export interface DiscoveredRepository {
  owner: string;
  name: string;
  fullName: string;
  archived: boolean;
  disabled: boolean;
  /** False for a public repository: refused unless `ALLOW_PUBLIC_REPOSITORIES=true`. */
  private: boolean;
}

/** A workflow of a repository. */
export interface DiscoveredWorkflow {
  id: number;
  name: string;
  path: string;
  state: string;
}

/** A workflow run. */
export interface DiscoveredRun {
  id: number;
  status: string | null;
  /** The repository's visibility as the answer says it (null or absent when it does not). */
  repositoryPrivate?: boolean | null;
}

/** A job of a run. */
export interface DiscoveredJob {
  id: number;
  runId: number;
  status: string;
  labels: string[];
  createdAt: string | null;
  /** For people (the dashboard): the job's and workflow's names and its page, when GitHub says. */
  name?: string | null;
  workflowName?: string | null;
  htmlUrl?: string | null;
  /** Who took it, when, and how it ended, once it has (the dashboard's recent jobs). */
  runnerName?: string | null;
  conclusion?: string | null;
  startedAt?: string | null;
  completedAt?: string | null;
}

/** Options of the listing calls, with an optional progress report per page. */
export interface ListOptions extends CallOptions {
  onPage?: (countSoFar: number) => void;
}

/**
 * The part of the GitHub port that discovery uses. Every call is a conditional request (a 304 costs no rate
 * limit) and follows all pages.
 */
export interface DiscoverySource {
  listAccessibleRepositories(options?: ListOptions): Promise<DiscoveredRepository[]>;
  listOrganizationRepositories(org: string, options?: ListOptions): Promise<DiscoveredRepository[]>;
  listWorkflows(repo: string, options?: CallOptions): Promise<DiscoveredWorkflow[]>;
  getWorkflowFile(repo: string, path: string, options?: CallOptions): Promise<string | null>;
  listQueuedRuns(repo: string, options?: CallOptions): Promise<DiscoveredRun[]>;
  listRunsByStatus(repo: string, status: 'in_progress', options?: CallOptions): Promise<DiscoveredRun[]>;
  listRunJobs(repo: string, runId: number, options?: CallOptions): Promise<DiscoveredJob[]>;
}
