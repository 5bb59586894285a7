import { describe, expect, it } from 'vitest';
import { JobStates, type JobState } from './job-states.js';

describe('JobStates', () => {
  it('lets a job move forward, one step or several at once', () => {
    const states = new JobStates();
    expect(states.advance(1, 'waiting')).toBe(true);
    expect(states.advance(1, 'queued')).toBe(true);
    expect(states.advance(1, 'in_progress')).toBe(true);
    expect(states.advance(1, 'completed')).toBe(true);
    expect(states.advance(2, 'queued')).toBe(true);
    expect(states.advance(2, 'completed')).toBe(true);
    expect(states.furthest(2)).toBe('completed');
  });

  it.each<[JobState, JobState]>([
    ['in_progress', 'queued'],
    ['completed', 'queued'],
    ['completed', 'in_progress'],
    ['completed', 'waiting'],
    ['queued', 'waiting'],
  ])('refuses %s → %s and keeps the furthest state', (seen, stale) => {
    const states = new JobStates();
    states.advance(7, seen);
    expect(states.advance(7, stale)).toBe(false);
    expect(states.furthest(7)).toBe(seen);
  });

  it('takes the same state again (a retry), and keeps jobs apart', () => {
    const states = new JobStates();
    expect(states.advance(1, 'queued')).toBe(true);
    expect(states.advance(1, 'queued')).toBe(true);
    states.advance(2, 'completed');
    expect(states.advance(1, 'in_progress')).toBe(true);
    expect(states.advance(3, 'queued')).toBe(true);
  });

  it('forgets the job reported least recently once past its limit', () => {
    const states = new JobStates(2);
    states.advance(1, 'completed');
    states.advance(2, 'completed');
    // Job 1 reported again: job 2 is now the oldest.
    states.advance(1, 'completed');
    states.advance(3, 'queued');
    expect(states.furthest(1)).toBe('completed');
    expect(states.furthest(2)).toBeUndefined();
    expect(states.furthest(3)).toBe('queued');
    // Forgotten: a stale delivery for it gets through (the next poll corrects it).
    expect(states.advance(2, 'queued')).toBe(true);
    expect(states.furthest(1)).toBeUndefined();
  });

  it('wants a positive limit', () => {
    expect(() => new JobStates(0)).toThrow(RangeError);
  });
});
