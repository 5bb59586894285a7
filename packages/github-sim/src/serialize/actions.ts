import { nodeId } from '../state/ids.js';
import type { SimStore } from '../state/store.js';
import type { SimJob, SimRepo, SimRun, SimWorkflow } from '../state/types.js';
import type { Urls } from '../http/urls.js';
import { serializeRepo } from './repository.js';
import { serializeUser } from './user.js';

/** GitHub's `workflow` object. */
export function serializeWorkflow(repo: SimRepo, wf: SimWorkflow, urls: Urls): Record<string, unknown> {
  const full = `${repo.owner}/${repo.name}`;
  return {
    id: wf.id,
    node_id: nodeId('Workflow', wf.id),
    name: wf.name,
    path: wf.path,
    state: wf.state,
    created_at: wf.createdAt,
    updated_at: wf.updatedAt,
    url: `${urls.api}/repos/${full}/actions/workflows/${wf.id}`,
    html_url: `${urls.web}/${full}/blob/${repo.defaultBranch}/${wf.path}`,
    badge_url: `${urls.web}/${full}/workflows/${encodeURIComponent(wf.name)}/badge.svg`,
  };
}

/** GitHub's `job` object. `started_at` is the creation time until a runner starts it, as GitHub reports it. */
export function serializeJob(
  store: SimStore,
  repo: SimRepo,
  job: SimJob,
  urls: Urls,
): Record<string, unknown> {
  const full = `${repo.owner}/${repo.name}`;
  const run = store.runs.get(job.runId);
  return {
    id: job.id,
    run_id: job.runId,
    workflow_name: run?.name ?? null,
    head_branch: run?.headBranch ?? repo.defaultBranch,
    run_url: `${urls.api}/repos/${full}/actions/runs/${job.runId}`,
    run_attempt: 1,
    node_id: nodeId('CheckRun', job.id),
    head_sha: run?.headSha ?? repo.headSha,
    url: `${urls.api}/repos/${full}/actions/jobs/${job.id}`,
    html_url: `${urls.web}/${full}/actions/runs/${job.runId}/job/${job.id}`,
    status: job.status,
    conclusion: job.conclusion,
    created_at: job.createdAt,
    started_at: job.startedAt ?? job.createdAt,
    completed_at: job.completedAt,
    name: job.name,
    steps: [],
    check_run_url: `${urls.api}/repos/${full}/check-runs/${job.id}`,
    labels: [...job.labels],
    runner_id: job.runnerId,
    runner_name: job.runnerName,
    runner_group_id: job.runnerGroupId,
    runner_group_name: job.runnerGroupName,
  };
}

/** GitHub's `workflow-run` object. */
export function serializeRun(
  store: SimStore,
  repo: SimRepo,
  run: SimRun,
  urls: Urls,
): Record<string, unknown> {
  const full = `${repo.owner}/${repo.name}`;
  const a = `${urls.api}/repos/${full}/actions/runs/${run.id}`;
  const owner = store.ensureAccount(repo.owner, 'User');
  const actor = serializeUser(store.account(run.actor) ?? owner, urls);
  const minimalRepo = serializeRepo(repo, owner, urls, undefined);
  const workflow = store.workflows.get(run.workflowId);
  return {
    id: run.id,
    name: run.name,
    node_id: nodeId('WorkflowRun', run.id),
    head_branch: run.headBranch,
    head_sha: run.headSha,
    path: workflow?.path ?? '',
    display_title: run.name,
    run_number: run.runNumber,
    event: run.event,
    status: run.status,
    conclusion: run.conclusion,
    workflow_id: run.workflowId,
    check_suite_id: run.id + 1,
    check_suite_node_id: nodeId('CheckSuite', run.id + 1),
    url: a,
    html_url: `${urls.web}/${full}/actions/runs/${run.id}`,
    pull_requests: [],
    created_at: run.createdAt,
    updated_at: run.updatedAt,
    actor,
    triggering_actor: actor,
    run_attempt: 1,
    referenced_workflows: [],
    run_started_at: run.runStartedAt,
    jobs_url: `${a}/jobs`,
    logs_url: `${a}/logs`,
    check_suite_url: `${urls.api}/repos/${full}/check-suites/${run.id + 1}`,
    artifacts_url: `${a}/artifacts`,
    cancel_url: `${a}/cancel`,
    rerun_url: `${a}/rerun`,
    previous_attempt_url: null,
    workflow_url: `${urls.api}/repos/${full}/actions/workflows/${run.workflowId}`,
    head_commit: {
      id: run.headSha,
      tree_id: run.headSha.split('').reverse().join(''),
      message: `Update ${workflow?.path ?? 'workflow'}`,
      timestamp: run.createdAt,
      author: { name: repo.owner, email: `${repo.owner}@users.noreply.github.com` },
      committer: { name: 'GitHub', email: 'noreply@github.com' },
    },
    repository: minimalRepo,
    head_repository: minimalRepo,
  };
}
