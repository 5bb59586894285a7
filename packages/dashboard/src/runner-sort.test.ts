import { describe, expect, it } from 'vitest';
import { nextSort, runnerJobText, sortRunners, type RunnerRow } from './runner-sort';
import { aJob, aRunner } from './test-fixtures';

const rows: RunnerRow[] = [
  {
    runner: aRunner({ id: 'r10', name: 'r10', status: 'busy', createdAt: '2026-01-01T12:00:00Z' }),
    job: null,
  },
  {
    runner: aRunner({ id: 'r2', name: 'r2', status: 'starting', createdAt: '2026-01-01T12:05:00Z' }),
    job: null,
  },
  {
    runner: aRunner({ id: 'r1', name: 'r1', status: 'exited', createdAt: '2026-01-01T11:00:00Z' }),
    job: null,
  },
];
const names = (sorted: RunnerRow[]) => sorted.map((row) => row.runner.name);

describe('sortRunners', () => {
  it('sorts names naturally (r2 before r10)', () => {
    expect(names(sortRunners(rows, { key: 'name', direction: 'ascending' }))).toEqual(['r1', 'r2', 'r10']);
    expect(names(sortRunners(rows, { key: 'name', direction: 'descending' }))).toEqual(['r10', 'r2', 'r1']);
  });

  it('sorts states in life-cycle order, not alphabetically', () => {
    expect(names(sortRunners(rows, { key: 'state', direction: 'ascending' }))).toEqual(['r2', 'r10', 'r1']);
  });

  it('sorts by age: ascending is youngest first', () => {
    expect(names(sortRunners(rows, { key: 'age', direction: 'ascending' }))).toEqual(['r2', 'r10', 'r1']);
    expect(names(sortRunners(rows, { key: 'age', direction: 'descending' }))).toEqual(['r1', 'r10', 'r2']);
  });
});

describe('nextSort', () => {
  it('flips the same column and starts another one ascending', () => {
    expect(nextSort({ key: 'name', direction: 'ascending' }, 'name')).toEqual({
      key: 'name',
      direction: 'descending',
    });
    expect(nextSort({ key: 'name', direction: 'descending' }, 'pool')).toEqual({
      key: 'pool',
      direction: 'ascending',
    });
  });
});

describe('runnerJobText', () => {
  it('names the known job, else its id, else nothing', () => {
    expect(runnerJobText({ runner: aRunner({ jobId: 1 }), job: aJob({ id: 1 }) })).toBe(
      'acme/web CI / build',
    );
    expect(runnerJobText({ runner: aRunner({ jobId: 42 }), job: null })).toBe('#42');
    expect(runnerJobText({ runner: aRunner(), job: null })).toBe('');
  });
});
