/** One set of labels a job may run on, with the runner group it targets, if any. */
export interface RunsOnTarget {
  /** Labels as written (case kept); GitHub compares them case-insensitively. */
  labels: string[];
  /** `runs-on: {group: …}`; null when none. */
  group: string | null;
}

/** Whether a job may need a self-hosted runner. */
export type SelfHostedVerdict = 'yes' | 'maybe' | 'no';

/**
 * How a job's `runs-on` could be read:
 * - `static`: fixed labels (a string, a list, or `{group, labels}`); `targets` has one entry;
 * - `matrix`: expressions that only name matrix values, expanded over the matrix; `targets` has one entry per
 *   distinct label set;
 * - `dynamic`: an expression known only when the run is queued (`${{ inputs.runner }}`, a `fromJSON` matrix …);
 *   `targets` has at most one entry, the labels written literally beside the expression;
 * - `reusable`: the job calls a reusable workflow (`uses:`); its jobs' `runs-on` are in that file;
 * - `invalid`: no `runs-on` (GitHub rejects such a workflow).
 */
export type JobRunsOnKind = 'static' | 'matrix' | 'dynamic' | 'reusable' | 'invalid';

/** What a workflow says about where one job runs. */
export interface WorkflowJobAnalysis {
  /** The job's key under `jobs:`. */
  id: string;
  kind: JobRunsOnKind;
  targets: RunsOnTarget[];
  /** The first expression that could not be resolved (`dynamic` only). */
  expression: string | null;
  /** The called workflow (`reusable` only): `./.github/workflows/x.yml` or `owner/repo/path@ref`. */
  uses: string | null;
  selfHosted: SelfHostedVerdict;
  /** Why, in words, for logs. */
  reason: string;
}

/** A workflow file's analysis: its jobs, or why it could not be read (never an exception). */
export type WorkflowAnalysis =
  | { valid: true; name: string | null; jobs: WorkflowJobAnalysis[] }
  | { valid: false; error: string; jobs: [] };
