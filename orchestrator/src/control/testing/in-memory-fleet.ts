import type { Runner, RunnerStatus } from '@gha-ephemeral/contract';
import { scopeFromTarget, scopeTarget, type GitHubScope } from '@gha-ephemeral/github';
import { scopeKey, type ObservedRunner } from '../../signals/demand.js';
import type { CreateRunnersCommand } from '../../fleet/runner-service.js';
import type { Fleet } from '../reconciler.js';

/**
 * A fleet in memory, for the reconciler's unit tests: runners appear when created (starting), and the test moves
 * them through their lives (`setStatus`) as Docker and GitHub would. Records every creation and removal.
 */
export class InMemoryFleet implements Fleet {
  readonly runners = new Map<string, Runner>();
  readonly created: CreateRunnersCommand[] = [];
  readonly removed: string[] = [];
  /** Throws this from `create` while set (GitHub refusing, Docker down). */
  failCreates: Error | null = null;
  #next = 1;

  async observe(): Promise<ObservedRunner[]> {
    return [...this.runners.values()].map(observedOf);
  }

  async create(command: CreateRunnersCommand): Promise<Runner[]> {
    if (this.failCreates !== null) throw this.failCreates;
    this.created.push(command);
    const id = `runner-${this.#next++}`;
    const runner = sampleRunner(id, command.scope, {
      status: 'starting',
      jobId: command.jobId ?? null,
      pool: command.pool ?? 'default',
    });
    this.runners.set(id, runner);
    return [runner];
  }

  async remove(id: string): Promise<unknown> {
    this.removed.push(id);
    this.runners.delete(id);
    return 'done';
  }

  /** The containers, as Docker would list them (a runner's container is named after it). */
  async containers(): Promise<{ name: string; state: string }[]> {
    return [...this.runners.values()].map((r) => ({
      name: r.id,
      state: r.status === 'exited' ? 'exited' : 'running',
    }));
  }

  async purgeOrphans(): Promise<number> {
    return 0;
  }

  /** Moves a runner on (online, busy, exited), as GitHub and Docker would report it. */
  setStatus(id: string, status: RunnerStatus): void {
    const runner = this.runners.get(id);
    if (runner !== undefined) this.runners.set(id, { ...runner, status, busy: status === 'busy' });
  }

  /** The runners of a pool that are not gone. */
  live(pool = 'default'): Runner[] {
    return [...this.runners.values()].filter((r) => r.pool === pool && r.status !== 'exited');
  }
}

/** A runner of the in-memory fleet as the loop sees it (the real fleet builds it from Docker and GitHub). */
export function observedOf(runner: Runner): ObservedRunner {
  const scope = scopeFromTarget(runner.scope, runner.target);
  return {
    id: runner.id,
    scope,
    scopeKey: scopeKey(scope),
    labels: runner.labels,
    state: runner.status,
    createdAtMs: Date.parse(runner.createdAt),
    jobId: runner.jobId,
    pool: runner.pool,
    verified: true,
  };
}

/** A runner as the fleet lists it. */
export function sampleRunner(id: string, scope: GitHubScope, over: Partial<Runner> = {}): Runner {
  return {
    id,
    name: id,
    status: 'idle',
    scope: scope.kind,
    target: scopeTarget(scope),
    labels: ['self-hosted', 'Linux', 'X64'],
    image: 'runner:test',
    containerId: `c-${id}`,
    createdAt: new Date().toISOString(),
    githubRunnerId: null,
    busy: false,
    jobId: null,
    pool: 'default',
    ...over,
  };
}
