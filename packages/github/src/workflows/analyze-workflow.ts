import { parseDocument } from 'yaml';
import { analyzeJob } from './analyze-job.js';
import type { SelfHostedVerdict, WorkflowAnalysis } from './types.js';
import { strongerVerdict } from './verdict.js';

// Aliases can multiply a document (the "billion laughs"); a workflow needs few.
const MAX_ALIAS_COUNT = 100;

function invalid(error: string): WorkflowAnalysis {
  return { valid: false, error, jobs: [] };
}

function readYaml(text: string): { ok: true; value: unknown } | { ok: false; error: string } {
  const document = parseDocument(text.replace(/^\uFEFF/, ''), { merge: true, prettyErrors: true });
  const [first] = document.errors;
  if (first !== undefined) return { ok: false, error: `invalid YAML: ${first.message}` };
  try {
    return { ok: true, value: document.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) as unknown };
  } catch (error) {
    return { ok: false, error: `invalid YAML: ${error instanceof Error ? error.message : String(error)}` };
  }
}

/**
 * Reads a workflow file and says, job by job, where it runs: its `runs-on` as label sets (a string, a list,
 * `{group, labels}`), matrix expressions expanded over the matrix, anything else marked `dynamic`, reusable
 * workflow calls marked `reusable`. Never throws: a file that is not valid YAML, or has no `jobs` mapping, is
 * `{valid: false, error}` (GitHub refuses to run it, so it queues no jobs).
 *
 * What a caller should do with the job kinds: `static` and `matrix` are exact; for `dynamic` and `reusable` the
 * labels are known only when a run is queued, so treat the repository as possibly needing self-hosted runners
 * (poll its queued runs) and match the labels GitHub reports on each queued job, never the ones guessed here.
 */
export function analyzeWorkflow(text: string): WorkflowAnalysis {
  const parsed = readYaml(text);
  if (!parsed.ok) return invalid(parsed.error);
  const root = parsed.value;
  if (root === null || typeof root !== 'object' || Array.isArray(root)) {
    return invalid('the workflow is not a YAML mapping');
  }
  const workflow = root as Record<string, unknown>;
  const jobs = workflow['jobs'];
  if (jobs === null || typeof jobs !== 'object' || Array.isArray(jobs)) {
    return invalid('the workflow has no jobs mapping');
  }
  const name = typeof workflow['name'] === 'string' ? workflow['name'] : null;
  return {
    valid: true,
    name,
    jobs: Object.entries(jobs as Record<string, unknown>).map(([id, job]) => analyzeJob(id, job)),
  };
}

/**
 * The strongest verdict over a workflow's jobs: `yes` when a job names `self-hosted`, `maybe` when a job may land
 * on a self-hosted runner (custom labels, a runner group, an expression, a reusable workflow), `no` otherwise
 * (an invalid workflow included).
 */
export function selfHostedVerdict(analysis: WorkflowAnalysis): SelfHostedVerdict {
  return analysis.jobs.reduce<SelfHostedVerdict>(
    (verdict, job) => strongerVerdict(verdict, job.selfHosted),
    'no',
  );
}

/**
 * Whether a repository with this workflow should be polled for queued jobs: true for `yes` and `maybe`
 * ({@link selfHostedVerdict}). Conservative on purpose: polling a repository that turns out not to need a runner
 * costs one conditional request a cycle (a free 304 while nothing changes); missing one leaves its jobs queued.
 */
export function usesSelfHostedRunners(analysis: WorkflowAnalysis): boolean {
  return selfHostedVerdict(analysis) !== 'no';
}
