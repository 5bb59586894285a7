import type { RunnerContainer } from '@gha-ephemeral/runtime-docker';
import { describe, expect, it } from 'vitest';
import type { DescribedRunner } from './runner-mapping.js';
import { RunnerTracker } from './runner-tracker.js';

const since = Date.parse('2026-01-01T00:00:00Z');

function runner(
  id: string,
  state: RunnerContainer['state'],
  extra: Partial<RunnerContainer> = {},
  ran = true,
): DescribedRunner {
  return {
    ran,
    container: {
      id,
      name: `name-${id}`,
      image: 'img',
      labels: { l: '1' },
      state,
      exitCode: state === 'exited' ? 0 : null,
      createdAt: '2026-01-01T00:00:01.000Z',
      ...extra,
    },
  };
}

const types = (events: { type: string; containerId: string }[]) =>
  events.map((e) => `${e.type}:${e.containerId}`);

describe('RunnerTracker', () => {
  it('reports started, exited with the code, then removed', () => {
    const tracker = new RunnerTracker(since);
    expect(tracker.next([runner('a', 'created')])).toEqual([]);
    expect(types(tracker.next([runner('a', 'running')]))).toEqual(['started:a']);
    expect(tracker.hasLive()).toBe(true);
    const exited = tracker.next([runner('a', 'exited', { exitCode: 3 })]);
    expect(exited).toEqual([
      { type: 'exited', containerId: 'a', name: 'name-a', labels: { l: '1' }, exitCode: 3 },
    ]);
    expect(tracker.hasLive()).toBe(false);
    expect(types(tracker.next([]))).toEqual(['removed:a']);
  });

  it('reports started before exited for a task that ran between two listings, and no started for one that never ran', () => {
    const tracker = new RunnerTracker(since);
    tracker.next([]);
    const events = tracker.next([
      runner('quick', 'exited'),
      runner('nowhere', 'exited', { exitCode: 125, reason: 'no node' }, false),
    ]);
    expect(types(events)).toEqual(['started:quick', 'exited:quick', 'exited:nowhere']);
    expect(events[2]).toMatchObject({ reason: 'no node' });
  });

  it('treats runners from before the watch as the past, and reports what happens to them next', () => {
    const tracker = new RunnerTracker(since);
    const old = { createdAt: '2025-12-31T23:59:00.000Z' };
    expect(tracker.next([runner('r', 'running', old), runner('x', 'exited', old)])).toEqual([]);
    expect(types(tracker.next([runner('r', 'exited', old)]))).toEqual(['exited:r', 'removed:x']);
  });

  it('reports a running runner whose service vanished as exited (no code), then removed', () => {
    const tracker = new RunnerTracker(since);
    tracker.next([runner('a', 'running')]);
    const events = tracker.next([]);
    expect(types(events)).toEqual(['exited:a', 'removed:a']);
    expect(events[0]).toMatchObject({ exitCode: null });
  });
});
