import type { SimStore } from '../state/store.js';
import type { SimRunner } from '../state/types.js';

/** GitHub's `runner` object. */
export function serializeRunner(store: SimStore, runner: SimRunner): Record<string, unknown> {
  return {
    id: runner.id,
    name: runner.name,
    os: runner.os,
    status: store.isOnline(runner) ? 'online' : 'offline',
    busy: runner.jobId !== null,
    ephemeral: runner.ephemeral,
    runner_group_id: runner.runnerGroupId,
    labels: runner.labels.map((l) => ({ id: l.id, name: l.name, type: l.type })),
  };
}
