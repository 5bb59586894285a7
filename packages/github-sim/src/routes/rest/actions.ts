import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { SimContext } from '../../app-context.js';
import { requireRepo } from '../../http/access.js';
import { invalidRequest, notFound } from '../../http/github-error.js';
import { paginate } from '../../http/pagination.js';
import { urlsFor } from '../../http/urls.js';
import type { SimRepo, SimRun } from '../../state/types.js';
import { serializeJob, serializeRun, serializeWorkflow } from '../../serialize/actions.js';

const DOCS = 'https://docs.github.com/rest/actions';
const RUN_STATUSES = new Set(['queued', 'in_progress', 'completed', 'waiting', 'requested', 'pending']);
const RUN_CONCLUSIONS = new Set([
  'success',
  'failure',
  'neutral',
  'cancelled',
  'skipped',
  'timed_out',
  'action_required',
  'stale',
]);
// GitHub caps searches with filters at 1,000 results.
const FILTERED_LIMIT = 1000;

function repoOf(ctx: SimContext, request: FastifyRequest): SimRepo {
  const { owner, repo } = request.params as { owner: string; repo: string };
  return requireRepo(ctx.store, request, owner, repo, 'read');
}

function idParam(request: FastifyRequest, name: string): number {
  const id = Number((request.params as Record<string, string>)[name]);
  if (!Number.isSafeInteger(id)) throw notFound();
  return id;
}

function filterRuns(
  runs: SimRun[],
  query: Record<string, string | undefined>,
): { runs: SimRun[]; filtered: boolean } {
  const { status, branch, event, head_sha: headSha } = query;
  if (status !== undefined && !RUN_STATUSES.has(status) && !RUN_CONCLUSIONS.has(status)) {
    throw invalidRequest(`"status" must be one of: ${[...RUN_STATUSES, ...RUN_CONCLUSIONS].join(', ')}.`);
  }
  let out = runs;
  if (status)
    out = out.filter((r) => (RUN_STATUSES.has(status) ? r.status === status : r.conclusion === status));
  if (branch) out = out.filter((r) => r.headBranch === branch);
  if (event) out = out.filter((r) => r.event === event);
  if (headSha) out = out.filter((r) => r.headSha === headSha);
  const filtered = Boolean(status ?? branch ?? event ?? headSha);
  return { runs: filtered ? out.slice(0, FILTERED_LIMIT) : out, filtered };
}

/** Workflows, workflow runs and jobs of a repository. */
export function registerActionsRoutes(app: FastifyInstance, ctx: SimContext): void {
  const { store } = ctx;
  const base = '/repos/:owner/:repo/actions';

  app.get(
    `${base}/workflows`,
    { config: { docs: `${DOCS}/workflows#list-repository-workflows` } },
    async (request, reply) => {
      const repo = repoOf(ctx, request);
      const urls = urlsFor(request, ctx.publicUrl);
      const all = store.workflowsOf(repo.id);
      const page = paginate(request, reply, all);
      return { total_count: all.length, workflows: page.map((w) => serializeWorkflow(repo, w, urls)) };
    },
  );

  app.get(
    `${base}/runs`,
    { config: { docs: `${DOCS}/workflow-runs#list-workflow-runs-for-a-repository` } },
    async (request, reply) => {
      const repo = repoOf(ctx, request);
      const urls = urlsFor(request, ctx.publicUrl);
      const newestFirst = [...store.runs.values()]
        .filter((r) => r.repoId === repo.id)
        .sort((a, b) => b.id - a.id);
      const { runs } = filterRuns(newestFirst, request.query as Record<string, string | undefined>);
      const page = paginate(request, reply, runs);
      return { total_count: runs.length, workflow_runs: page.map((r) => serializeRun(store, repo, r, urls)) };
    },
  );

  app.get(
    `${base}/runs/:run_id`,
    { config: { docs: `${DOCS}/workflow-runs#get-a-workflow-run` } },
    async (request) => {
      const repo = repoOf(ctx, request);
      const run = store.runs.get(idParam(request, 'run_id'));
      if (run?.repoId !== repo.id) throw notFound();
      return serializeRun(store, repo, run, urlsFor(request, ctx.publicUrl));
    },
  );

  app.get(
    `${base}/runs/:run_id/jobs`,
    { config: { docs: `${DOCS}/workflow-jobs#list-jobs-for-a-workflow-run` } },
    async (request, reply) => {
      const repo = repoOf(ctx, request);
      const run = store.runs.get(idParam(request, 'run_id'));
      if (run?.repoId !== repo.id) throw notFound();
      const urls = urlsFor(request, ctx.publicUrl);
      const jobs = [...store.jobs.values()].filter((j) => j.runId === run.id).sort((a, b) => a.id - b.id);
      const page = paginate(request, reply, jobs);
      return { total_count: jobs.length, jobs: page.map((j) => serializeJob(store, repo, j, urls)) };
    },
  );

  app.get(
    `${base}/jobs/:job_id`,
    { config: { docs: `${DOCS}/workflow-jobs#get-a-job-for-a-workflow-run` } },
    async (request) => {
      const repo = repoOf(ctx, request);
      const job = store.jobs.get(idParam(request, 'job_id'));
      if (job?.repoId !== repo.id) throw notFound();
      return serializeJob(store, repo, job, urlsFor(request, ctx.publicUrl));
    },
  );
}
