import { IdSequences, gitBlobSha, randomHex } from './ids.js';
import { defaultActionsOptions } from './actions-options.js';
import type { ActionsServiceOptions } from './actions-options.js';
import type { SimScaleSet } from './scale-set-types.js';
import type {
  IssuedToken,
  RunnerScope,
  SimAccount,
  SimJob,
  SimRepo,
  SimRun,
  SimRunner,
  SimToken,
  SimWorkflow,
} from './types.js';

/** Settings that shape the simulated GitHub. */
export interface StoreSettings {
  /** Primary rate limit per token and hour. */
  rateLimit: number;
  /** A runner whose session has not polled for this long is offline. */
  offlineAfterMs: number;
}

/** A `workflow_job` webhook action. */
export type JobAction = 'queued' | 'waiting' | 'in_progress' | 'completed';

/** Receives job lifecycle events. */
export type JobEventListener = (action: JobAction, job: SimJob) => void;

const key = (s: string): string => s.toLowerCase();

/** Lower-cased `owner/name`, the key repositories are stored under. */
export const repoKey = (owner: string, name: string): string => key(`${owner}/${name}`);

/** A stable string for a runner scope, e.g. `repo:acme/app` or `org:acme`. */
export function scopeKey(scope: RunnerScope): string {
  return scope.kind === 'repo' ? `repo:${repoKey(scope.owner, scope.repo)}` : `org:${key(scope.org)}`;
}

/**
 * The simulator's whole state, in memory. Plain maps plus lookups; behaviour lives in the engine
 * modules. Every mutation that a waiting runner or a `waitFor` could care about calls `changed()`.
 */
export class SimStore {
  readonly ids = new IdSequences();
  readonly accounts = new Map<string, SimAccount>();
  readonly tokens = new Map<string, SimToken>();
  readonly repos = new Map<string, SimRepo>();
  readonly workflows = new Map<number, SimWorkflow>();
  readonly runs = new Map<number, SimRun>();
  readonly jobs = new Map<number, SimJob>();
  readonly runners = new Map<number, SimRunner>();
  readonly issued = new Map<string, IssuedToken>();
  readonly scaleSets = new Map<number, SimScaleSet>();
  /** Timings and mode of the Actions service (scale sets); changed through the control API. */
  readonly actions: ActionsServiceOptions = defaultActionsOptions();
  private readonly listeners = new Set<() => void>();
  private readonly jobListeners = new Set<JobEventListener>();

  constructor(readonly settings: StoreSettings) {}

  /** Subscribes to state changes; returns the unsubscribe function. */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Tells every subscriber that something changed. */
  changed(): void {
    for (const listener of [...this.listeners]) listener();
  }

  /** Subscribes to job lifecycle events (the `workflow_job` webhook actions); returns the unsubscribe function. */
  onJob(listener: JobEventListener): () => void {
    this.jobListeners.add(listener);
    return () => this.jobListeners.delete(listener);
  }

  /** Reports a job lifecycle event to the job listeners. */
  emitJob(action: JobAction, job: SimJob): void {
    for (const listener of [...this.jobListeners]) listener(action, job);
  }

  /** Finds an account by login, case-insensitively. */
  account(login: string): SimAccount | undefined {
    return this.accounts.get(key(login));
  }

  /** Returns the account, creating it with `type` when it does not exist. */
  ensureAccount(login: string, type: SimAccount['type']): SimAccount {
    const existing = this.account(login);
    if (existing) return existing;
    const account: SimAccount = { id: this.ids.take('account'), login, type, members: new Set() };
    this.accounts.set(key(login), account);
    return account;
  }

  /** Finds a repository by owner and name, case-insensitively. */
  repo(owner: string, name: string): SimRepo | undefined {
    return this.repos.get(repoKey(owner, name));
  }

  /** Finds a repository by id. */
  repoById(id: number): SimRepo | undefined {
    for (const repo of this.repos.values()) if (repo.id === id) return repo;
    return undefined;
  }

  /** Creates a repository with an initial commit sha. */
  addRepo(init: Omit<SimRepo, 'id' | 'headSha' | 'createdAt' | 'updatedAt' | 'files'>): SimRepo {
    const now = new Date().toISOString();
    const repo: SimRepo = {
      ...init,
      id: this.ids.take('repo'),
      headSha: randomHex(20),
      createdAt: now,
      updatedAt: now,
      files: new Map(),
    };
    this.repos.set(repoKey(repo.owner, repo.name), repo);
    return repo;
  }

  /** Writes a file to a repository's default branch (a new head commit). */
  putFile(repo: SimRepo, path: string, content: string): void {
    repo.files.set(path.replace(/^\/+/, ''), { content, sha: gitBlobSha(content) });
    repo.headSha = randomHex(20);
    repo.updatedAt = new Date().toISOString();
  }

  /** The workflows of a repository, by id. */
  workflowsOf(repoId: number): SimWorkflow[] {
    return [...this.workflows.values()].filter((w) => w.repoId === repoId).sort((a, b) => a.id - b.id);
  }

  /** The runners registered in exactly this scope, by id. */
  runnersIn(scope: RunnerScope): SimRunner[] {
    const k = scopeKey(scope);
    return [...this.runners.values()].filter((r) => scopeKey(r.scope) === k).sort((a, b) => a.id - b.id);
  }

  /** A runner of this scope with this name (names compare case-insensitively). */
  runnerByName(scope: RunnerScope, name: string): SimRunner | undefined {
    return this.runnersIn(scope).find((r) => key(r.name) === key(name));
  }

  /** The runner whose secret this is. */
  runnerBySecret(secret: string): SimRunner | undefined {
    for (const runner of this.runners.values()) if (runner.secret === secret) return runner;
    return undefined;
  }

  /** Whether a runner counts as online now: it has a session and polled recently (or is polling). */
  isOnline(runner: SimRunner, now = Date.now()): boolean {
    const s = runner.session;
    if (!s) return false;
    return s.activePolls > 0 || now - s.lastSeenAt < this.settings.offlineAfterMs;
  }

  /** `owner/name` of a repository. */
  fullName(repo: SimRepo): string {
    return `${repo.owner}/${repo.name}`;
  }
}
