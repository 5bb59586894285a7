import { describe, expect, it } from 'vitest';
import { applyEvent, EMPTY_STATE, MAX_JOBS } from './dashboard-state';
import { aJob, aRunner, emptyLatency } from './test-fixtures';
import type { Health } from './types';

const health: Health = {
  status: 'ok',
  service: 'orchestrator',
  version: '1',
  uptimeSeconds: 1,
  dependencies: {},
};
const rateLimit = { limit: 5000, remaining: 4000, resetAt: null, blockedUntil: null };

function snapshotState() {
  return applyEvent(
    EMPTY_STATE,
    {
      type: 'snapshot',
      snapshot: {
        runners: [aRunner({ id: 'a', name: 'a' }), aRunner({ id: 'b', name: 'b' })],
        pools: [],
        jobs: [aJob({ id: 2 }), aJob({ id: 1 })],
        latency: emptyLatency(),
        health,
        rateLimit,
      },
    },
    1000,
  );
}

describe('applyEvent', () => {
  it('replaces everything with a snapshot and records when', () => {
    const state = snapshotState();
    expect(state.runners.map((r) => r.id)).toEqual(['a', 'b']);
    expect(state.jobs.map((j) => j.id)).toEqual([2, 1]);
    expect(state.health).toBe(health);
    expect(state.rateLimit).toBe(rateLimit);
    expect(state.updatedAt).toBe(1000);
  });

  it('upserts a runner by id and removes one', () => {
    let state = snapshotState();
    state = applyEvent(
      state,
      { type: 'runner', runner: aRunner({ id: 'b', name: 'b', status: 'busy' }) },
      2000,
    );
    state = applyEvent(state, { type: 'runner', runner: aRunner({ id: 'c', name: 'c' }) }, 2000);
    expect(state.runners.map((r) => `${r.id}:${r.status}`)).toEqual(['a:idle', 'b:busy', 'c:idle']);
    state = applyEvent(state, { type: 'runner.removed', id: 'a' }, 3000);
    expect(state.runners.map((r) => r.id)).toEqual(['b', 'c']);
    expect(state.updatedAt).toBe(3000);
  });

  it('keeps a known job in its place, puts a new one first, and keeps at most the ring size', () => {
    let state = snapshotState();
    state = applyEvent(state, { type: 'job', job: aJob({ id: 1, phase: 'taken' }) }, 2000);
    expect(state.jobs.map((j) => `${j.id}:${j.phase}`)).toEqual(['2:queued', '1:taken']);
    for (let id = 3; id < MAX_JOBS + 10; id += 1)
      state = applyEvent(state, { type: 'job', job: aJob({ id }) }, 2000);
    expect(state.jobs).toHaveLength(MAX_JOBS);
    expect(state.jobs[0]?.id).toBe(MAX_JOBS + 9);
  });

  it('replaces pools, latency, and health with the rate limit', () => {
    let state = snapshotState();
    state = applyEvent(state, { type: 'pools', pools: [] }, 2000);
    const latency = { ...emptyLatency(), windowMinutes: 30 };
    state = applyEvent(state, { type: 'latency', latency }, 2000);
    const blocked = { ...rateLimit, blockedUntil: '2026-01-01T12:00:00.000Z' };
    state = applyEvent(
      state,
      { type: 'health', health: { ...health, status: 'down' }, rateLimit: blocked },
      2000,
    );
    expect(state.latency?.windowMinutes).toBe(30);
    expect(state.health?.status).toBe('down');
    expect(state.rateLimit?.blockedUntil).toBe('2026-01-01T12:00:00.000Z');
  });

  it('changes nothing on bye', () => {
    const state = snapshotState();
    expect(applyEvent(state, { type: 'bye', reason: 'shutdown' }, 5000)).toBe(state);
  });
});
