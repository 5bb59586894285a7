import { jobTitle } from './job-view';
import type { RecentJob, Runner, RunnerStatus } from './types';

/** The sortable columns of the runners table. */
export type RunnerSortKey = 'name' | 'pool' | 'target' | 'state' | 'job' | 'age';

/** A column and a direction, as `aria-sort` names them. */
export interface RunnerSort {
  key: RunnerSortKey;
  direction: 'ascending' | 'descending';
}

/** A runner with the job it was started for, when the page knows that job. */
export interface RunnerRow {
  runner: Runner;
  job: RecentJob | null;
}

/** The life cycle's order, so that "state" sorts from starting to exiting rather than alphabetically. */
const STATE_ORDER: Record<RunnerStatus, number> = { starting: 0, idle: 1, busy: 2, offline: 3, exited: 4 };

/** What the job column shows, as text: the known job, else its id, else nothing. */
export function runnerJobText(row: RunnerRow): string {
  if (row.job !== null) return `${row.job.repository} ${jobTitle(row.job)}`;
  return row.runner.jobId === null ? '' : `#${row.runner.jobId}`;
}

const text = (a: string, b: string): number => a.localeCompare(b, undefined, { numeric: true });

function compare(key: RunnerSortKey, a: RunnerRow, b: RunnerRow): number {
  switch (key) {
    case 'name':
      return text(a.runner.name, b.runner.name);
    case 'pool':
      return text(a.runner.pool, b.runner.pool);
    case 'target':
      return text(a.runner.target, b.runner.target);
    case 'state':
      return STATE_ORDER[a.runner.status] - STATE_ORDER[b.runner.status];
    case 'job':
      return text(runnerJobText(a), runnerJobText(b));
    case 'age':
      // Ascending age: the youngest (latest created) first.
      return Date.parse(b.runner.createdAt) - Date.parse(a.runner.createdAt);
  }
}

/** The rows in the requested order; ties fall back to the name, so the order is stable while events arrive. */
export function sortRunners(rows: readonly RunnerRow[], sort: RunnerSort): RunnerRow[] {
  const sign = sort.direction === 'ascending' ? 1 : -1;
  return [...rows].sort(
    (a, b) =>
      sign * compare(sort.key, a, b) || text(a.runner.name, b.runner.name) || text(a.runner.id, b.runner.id),
  );
}

/** Clicking a column: the same one flips its direction, another one sorts by it ascending. */
export function nextSort(current: RunnerSort, key: RunnerSortKey): RunnerSort {
  if (current.key !== key) return { key, direction: 'ascending' };
  return { key, direction: current.direction === 'ascending' ? 'descending' : 'ascending' };
}
