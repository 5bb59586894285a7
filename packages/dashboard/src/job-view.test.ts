import { describe, expect, it } from 'vitest';
import { jobSteps, jobTitle } from './job-view';
import { aJob } from './test-fixtures';

describe('jobSteps', () => {
  it('times each step from the one before it', () => {
    const steps = jobSteps(
      aJob({
        phase: 'completed',
        queuedAt: '2026-01-01T12:00:00.000Z',
        runnerStartedAt: '2026-01-01T12:00:00.500Z',
        takenAt: '2026-01-01T12:00:09.500Z',
        completedAt: '2026-01-01T12:03:09.500Z',
      }),
    );
    expect(steps).toEqual({ toRunner: 500, toTaken: 9000, toCompleted: 180_000 });
  });

  it('times taken from queued when no runner was started for the job (a warm one took it)', () => {
    const steps = jobSteps(
      aJob({ phase: 'taken', queuedAt: '2026-01-01T12:00:00.000Z', takenAt: '2026-01-01T12:00:02.000Z' }),
    );
    expect(steps).toEqual({ toRunner: null, toTaken: 2000, toCompleted: null });
  });
});

describe('jobTitle', () => {
  it('joins what GitHub named, or falls back to the id', () => {
    expect(jobTitle(aJob({ workflow: 'CI', name: 'build' }))).toBe('CI / build');
    expect(jobTitle(aJob({ workflow: null, name: 'build' }))).toBe('build');
    expect(jobTitle(aJob({ id: 7, workflow: null, name: null }))).toBe('Job 7');
  });
});
