import type { Runner } from '@gha-ephemeral/contract';
import type { GitHubPort, GitHubScope } from '@gha-ephemeral/github';
import { createLogger } from '@gha-ephemeral/logging';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CreateRunnersCommand, RunnerService } from '../fleet/runner-service.js';
import { DemandBook } from '../signals/demand-book.js';
import { Reconciler } from './reconciler.js';
import { RunnerGate } from './runner-gate.js';
import { observedOf } from './testing/in-memory-fleet.js';

// The reconciler's timing alone, on a clock the test moves: the runner service is a stand-in that lists what the
// test says and records what it is asked to start (the real one is exercised end to end in orchestrator/test).
const scope: GitHubScope = { kind: 'repository', owner: 'octo', repo: 'hello' };
const POOL = ['self-hosted', 'Linux', 'X64'];

function exitedRunner(name: string, jobId: number): Runner {
  return {
    id: name,
    name,
    status: 'exited',
    scope: 'repository',
    target: 'octo/hello',
    labels: POOL,
    image: 'runner:test',
    containerId: `c-${name}`,
    createdAt: new Date().toISOString(),
    githubRunnerId: null,
    busy: false,
    jobId,
    pool: 'default',
  };
}

function standInRunners(listed: () => Runner[]) {
  const created: CreateRunnersCommand[] = [];
  const service = {
    observe: async () => listed().map(observedOf),
    create: async (command: CreateRunnersCommand) => {
      created.push(command);
      return [{ ...exitedRunner(`new-${command.jobId}`, command.jobId ?? 0), status: 'starting' }];
    },
  };
  return { service: service as unknown as RunnerService, created };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('Reconciler', () => {
  it('looks again once a runner that never reported a job stops counting against the queued ones', async () => {
    vi.useFakeTimers();
    const book = new DemandBook();
    const job = {
      id: 7,
      runId: 7,
      repository: 'octo/hello',
      labels: ['self-hosted'],
      createdAt: '2026-01-01T00:00:00Z',
    };
    book.add(scope, job); // a webhook reported it: reports are active
    // A runner started for the job exited before any in_progress came (it failed at start).
    const { service, created } = standInRunners(() => [exitedRunner('gha-crashed', 7)]);
    const reconciler = new Reconciler({
      runners: service,
      github: {} as GitHubPort,
      logger: createLogger({ service: 'test', level: 'ERROR' }).logger,
      orchestratorId: 'test',
      pools: [{ name: 'default', labels: POOL, max: 10, minIdle: 0, scope: null }],
      gate: new RunnerGate({ maxRunners: 10, poolMax: new Map() }, Date.now),
      limits: { startTimeoutMs: 180_000, idleTimeoutMs: 300_000 },
      jobReports: book,
    });
    try {
      await reconciler.nudge(() => book.demand());
      // For now the exited runner may have taken the job (its report could be on its way): nothing starts.
      expect(created).toEqual([]);
      // A minute on, with no other signal, a pass runs by itself and the job gets its runner.
      await vi.advanceTimersByTimeAsync(62_000);
      expect(created.map((command) => command.jobId)).toEqual([7]);
    } finally {
      reconciler.stop();
    }
  });
});
