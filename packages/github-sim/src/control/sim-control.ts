import type { SimContext } from '../app-context.js';
import type { AppSpec } from '../apps/app-registry.js';
import { SimInputError } from '../engine/errors.js';
import { approveJob, cancelJob, queueRun, requireRepo } from '../engine/jobs.js';
import type { QueueRunSpec } from '../engine/jobs.js';
import type { SimWorkflow } from '../state/types.js';
import type { WebhookDelivery, WebhookSpec } from '../webhooks/webhook-hub.js';
import { addWorkflow, toScope } from './seeding.js';
import type { QueueJobInput, RepoSpec, TokenInfo, WorkflowSpec } from './seeding.js';
import type { RequestCounts } from './counters.js';
import type { FaultSpec } from './faults.js';
import { installationTokenView, jobView, runnerView } from './views.js';
import type { InstallationTokenView, JobView, RunnerView, ScopeRef } from './views.js';
import { waitFor } from './wait-for.js';
import { scaleSetView } from './scale-set-views.js';
import type { ScaleSetView } from './scale-set-views.js';
import { actionsOptionsProblems } from '../state/actions-options.js';
import type { ActionsServiceOptions } from '../state/actions-options.js';
import type { WaitOptions } from './wait-for.js';

/** The in-process control of a simulator: seed state, queue jobs, watch runners, inject faults, read counts. */
export class SimControl {
  constructor(private readonly ctx: SimContext) {}

  /** Registers an API token (its user or bot account is created when missing). */
  addToken(token: string, info: TokenInfo): void {
    const { store } = this.ctx;
    store.ensureAccount(info.login, info.installation ? 'Bot' : 'User');
    if (info.installation) store.ensureAccount(info.installation.account, 'Organization');
    store.tokens.set(token, {
      token,
      login: info.login,
      scopes: info.scopes,
      installation: info.installation
        ? { account: info.installation.account, repositories: info.installation.repositories }
        : undefined,
      rate: { limit: info.rateLimit ?? store.settings.rateLimit, used: 0, resetAt: Date.now() + 3_600_000 },
    });
  }

  /** Creates a user account. */
  createUser(input: { login: string }): { id: number; login: string } {
    const account = this.ctx.store.ensureAccount(input.login, 'User');
    return { id: account.id, login: account.login };
  }

  /** Creates an organization; members administer it (and its repositories' runners). */
  createOrg(input: { login: string; members?: string[] }): { id: number; login: string } {
    const existing = this.ctx.store.account(input.login);
    if (existing && existing.type !== 'Organization')
      throw new SimInputError(`${input.login} is a user, not an organization`, 409);
    const org = this.ctx.store.ensureAccount(input.login, 'Organization');
    for (const m of input.members ?? []) this.addOrgMember(org.login, m);
    return { id: org.id, login: org.login };
  }

  /** Adds a member to an organization. */
  addOrgMember(org: string, login: string): void {
    const account = this.ctx.store.account(org);
    if (account?.type !== 'Organization') throw new SimInputError(`organization ${org} does not exist`, 404);
    this.ctx.store.ensureAccount(login, 'User');
    account.members.add(login.toLowerCase());
  }

  /** Creates a repository with its workflows. An unknown owner becomes an organization. */
  createRepo(spec: RepoSpec): { id: number; fullName: string } {
    const { store } = this.ctx;
    if (!spec.owner || !spec.name) throw new SimInputError('owner and name are required');
    if (store.repo(spec.owner, spec.name))
      throw new SimInputError(`repository ${spec.owner}/${spec.name} exists`, 409);
    const owner = store.account(spec.owner) ?? store.ensureAccount(spec.owner, 'Organization');
    const repo = store.addRepo({
      owner: owner.login,
      name: spec.name,
      description: spec.description ?? null,
      private: spec.private ?? true,
      archived: spec.archived ?? false,
      disabled: spec.disabled ?? false,
      defaultBranch: spec.defaultBranch ?? 'main',
    });
    for (const [path, content] of Object.entries(spec.files ?? {})) store.putFile(repo, path, content);
    for (const wf of spec.workflows ?? []) addWorkflow(store, repo, wf);
    store.changed();
    return { id: repo.id, fullName: store.fullName(repo) };
  }

  /** Changes a repository's flags. */
  updateRepo(fullName: string, patch: { private?: boolean; archived?: boolean; disabled?: boolean }): void {
    const repo = requireRepo(this.ctx.store, fullName);
    Object.assign(repo, patch, { updatedAt: new Date().toISOString() });
    this.ctx.store.changed();
  }

  /** Adds a workflow (file and record) to an existing repository. */
  addWorkflowFile(fullName: string, spec: WorkflowSpec): void {
    addWorkflow(this.ctx.store, requireRepo(this.ctx.store, fullName), spec);
    this.ctx.store.changed();
  }

  /** Sets a workflow's state, found by path or name. */
  setWorkflowState(fullName: string, pathOrName: string, state: SimWorkflow['state']): void {
    const repo = requireRepo(this.ctx.store, fullName);
    const wf = this.ctx.store
      .workflowsOf(repo.id)
      .find((w) => w.path === pathOrName || w.name === pathOrName);
    if (!wf) throw new SimInputError(`workflow ${pathOrName} not found in ${fullName}`, 404);
    wf.state = state;
    wf.updatedAt = new Date().toISOString();
  }

  /** Queues one job in a new run. */
  queueJob(input: QueueJobInput): { runId: number; jobId: number } {
    const { repo, workflowName: wf, ...job } = input;
    const { run, jobs } = queueRun(this.ctx.store, {
      repo,
      ...(wf ? { workflowName: wf } : {}),
      jobs: [job],
    });
    return { runId: run.id, jobId: (jobs[0] ?? { id: 0 }).id };
  }

  /** Queues a run with several jobs. */
  queueRun(spec: QueueRunSpec): { runId: number; jobIds: number[] } {
    const { run, jobs } = queueRun(this.ctx.store, spec);
    return { runId: run.id, jobIds: jobs.map((j) => j.id) };
  }

  /** A job's current state, or undefined. */
  getJob(jobId: number): JobView | undefined {
    const job = this.ctx.store.jobs.get(jobId);
    return job ? jobView(this.ctx.store, job) : undefined;
  }

  /** The log a runner reported with the job's end (its steps' output), or undefined when none came. */
  getJobLog(jobId: number): string | undefined {
    return this.ctx.store.jobs.get(jobId)?.log ?? undefined;
  }

  /** Jobs, oldest first, optionally of one repository and status. */
  listJobs(filter: { repo?: string; status?: string } = {}): JobView[] {
    return [...this.ctx.store.jobs.values()]
      .map((j) => jobView(this.ctx.store, j))
      .filter(
        (j) =>
          (!filter.repo || j.repo.toLowerCase() === filter.repo.toLowerCase()) &&
          (!filter.status || j.status === filter.status),
      )
      .sort((a, b) => a.id - b.id);
  }

  /** Cancels a job (a runner holding it is told and finishes early); false when unknown or already completed. */
  cancelJob(jobId: number): boolean {
    return cancelJob(this.ctx.store, jobId);
  }

  /** Releases a `waiting` job to `queued`. */
  approveJob(jobId: number): boolean {
    return approveJob(this.ctx.store, jobId);
  }

  /** The runners registered in a repository or organization. */
  listRunners(scope: ScopeRef): RunnerView[] {
    return this.ctx.store.runnersIn(toScope(scope)).map((r) => runnerView(this.ctx.store, r));
  }

  /** Every runner, in every scope. */
  listAllRunners(): RunnerView[] {
    return [...this.ctx.store.runners.values()].map((r) => runnerView(this.ctx.store, r));
  }

  /** A runner by name (in a scope when given, else the first anywhere). */
  getRunnerByName(name: string, scope?: ScopeRef): RunnerView | undefined {
    const runners = scope ? this.listRunners(scope) : this.listAllRunners();
    return runners.find((r) => r.name.toLowerCase() === name.toLowerCase());
  }

  /** Removes a runner registration as an administrator would (even a busy one: its job fails). */
  removeRunner(runnerId: number): boolean {
    const runner = this.ctx.store.runners.get(runnerId);
    if (!runner) return false;
    this.ctx.runnerService.deleteRunner(runner);
    return true;
  }

  /** REST and Actions service request counts since the last reset, and the long polls open now. */
  requestCounts(): RequestCounts {
    return this.ctx.counter.snapshot(this.ctx.scaleSets.openPolls());
  }

  /** Resets the request counts. */
  resetCounts(): void {
    this.ctx.counter.reset();
  }

  /** Injects a fault into the REST API; returns its id. */
  injectFault(fault: FaultSpec): number {
    return this.ctx.faults.add(fault);
  }

  /** Removes every injected fault. */
  clearFaults(): void {
    this.ctx.faults.clear();
  }

  /** Sets a token's primary limit, what remains of it, and when it resets. */
  setRateLimit(token: string, input: { limit?: number; remaining?: number; resetInSeconds?: number }): void {
    const t = this.ctx.store.tokens.get(token);
    if (!t) throw new SimInputError('unknown token', 404);
    if (input.limit !== undefined) t.rate.limit = input.limit;
    if (input.remaining !== undefined) t.rate.used = Math.max(0, t.rate.limit - input.remaining);
    if (input.resetInSeconds !== undefined) t.rate.resetAt = Date.now() + input.resetInSeconds * 1000;
  }

  /** Registers a GitHub App (JWT auth with its key) and its installations. */
  addApp(spec: AppSpec): { id: number; clientId: string; slug: string } {
    const app = this.ctx.apps.add(spec);
    return { id: app.id, clientId: app.clientId, slug: app.slug };
  }

  /** The installation tokens minted so far, oldest first, with how they were used. */
  installationTokens(): InstallationTokenView[] {
    return [...this.ctx.store.tokens.values()].flatMap((t) => installationTokenView(t) ?? []);
  }

  /** Adds a webhook that receives `workflow_job` events (and a `ping` now); returns its id. */
  addWebhook(spec: WebhookSpec): number {
    return this.ctx.webhooks.add(spec);
  }

  /** Removes every webhook. */
  clearWebhooks(): void {
    this.ctx.webhooks.clear();
  }

  /** Webhook deliveries so far, oldest first. */
  webhookDeliveries(): WebhookDelivery[] {
    return this.ctx.webhooks.deliveries();
  }

  /** Re-sends a delivery with the same `X-GitHub-Delivery`, as GitHub's "Redeliver" does. */
  redeliverWebhook(guid: string): void {
    this.ctx.webhooks.redeliver(guid);
  }

  /** Resolves when every queued webhook delivery has been attempted. */
  webhooksIdle(): Promise<void> {
    return this.ctx.webhooks.idle();
  }

  /** The runner scale sets, with sessions, queues, open polls, last max capacity and statistics. */
  listScaleSets(): ScaleSetView[] {
    const { store, scaleSets } = this.ctx;
    return [...store.scaleSets.values()].map((s) => scaleSetView(store, scaleSets.sessions, s));
  }

  /** One scale set by id, or undefined. */
  getScaleSet(id: number): ScaleSetView | undefined {
    return this.listScaleSets().find((s) => s.id === id);
  }

  /** The Actions service options now. */
  scaleSetOptions(): ActionsServiceOptions {
    return { ...this.ctx.store.actions };
  }

  /** Changes Actions service options (timings, `mode`); later tokens, polls and assignments follow them. */
  setScaleSetOptions(patch: Partial<ActionsServiceOptions>): ActionsServiceOptions {
    const problems = actionsOptionsProblems(patch);
    if (problems.length > 0) throw new SimInputError(problems.join('; '));
    Object.assign(this.ctx.store.actions, patch);
    this.ctx.store.changed();
    return this.scaleSetOptions();
  }

  /** Makes every Actions service admin token expire now; returns how many were live. */
  expireAdminTokens(): number {
    return this.ctx.runnerService.expireAdminTokens();
  }

  /** Makes message queue tokens expire now (of one scale set, or all); returns how many. */
  expireQueueTokens(scaleSetId?: number): number {
    return this.ctx.scaleSets.sessions.expireQueueTokens(scaleSetId);
  }

  /** Ends a scale set's session as GitHub would after a failure; its polls get 401. False when none. */
  endScaleSetSession(scaleSetId: number): boolean {
    const scaleSet = this.ctx.store.scaleSets.get(scaleSetId);
    return scaleSet ? this.ctx.scaleSets.sessions.end(scaleSet) : false;
  }

  /** Resolves with the predicate's first truthy value, re-checked on every change (and every 100 ms). */
  waitFor<T>(predicate: () => T | undefined | null | false, options: WaitOptions = {}): Promise<T> {
    return waitFor(this.ctx.store, predicate, options);
  }

  /** Waits until a job reaches a status (default `completed`); resolves with its view. */
  waitForJob(
    jobId: number,
    status: JobView['status'] = 'completed',
    options: WaitOptions = {},
  ): Promise<JobView> {
    return this.waitFor(
      () => {
        const job = this.getJob(jobId);
        return job?.status === status ? job : undefined;
      },
      { description: `job ${jobId} to be ${status}`, ...options },
    );
  }
}
