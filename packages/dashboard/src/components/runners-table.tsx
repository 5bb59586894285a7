import { useEffect, useRef, useState } from 'preact/hooks';
import { describeError, removeRunner } from '../api';
import { formatAge } from '../format';
import { indexJobs, jobTitle } from '../job-view';
import { nextSort, sortRunners, type RunnerRow, type RunnerSort } from '../runner-sort';
import type { RecentJob, Runner, RunnerStatus } from '../types';
import { RemoveDialog } from './remove-dialog';
import { SortHeader } from './sort-header';
import { StatusBadge, type Tone } from './status-badge';

const STATE: Record<RunnerStatus, { tone: Tone; text: string }> = {
  starting: { tone: 'pending', text: 'starting' },
  idle: { tone: 'ok', text: 'idle' },
  busy: { tone: 'info', text: 'busy' },
  offline: { tone: 'warn', text: 'offline' },
  exited: { tone: 'neutral', text: 'exiting' },
};

function JobCell({ row }: { row: RunnerRow }) {
  const { job, runner } = row;
  if (job !== null) {
    const title = jobTitle(job);
    return (
      <>
        <span class="cell-secondary">{job.repository}</span>
        {job.url === null ? title : <a href={job.url}>{title}</a>}
      </>
    );
  }
  return <>{runner.jobId === null ? '—' : `#${runner.jobId}`}</>;
}

/**
 * The last removal's result: a success in a status region, a refusal as an alert. It takes the focus, which was
 * on the row's button (disabled while removing, then gone with its row).
 */
function RemovalMessage({ outcome }: { outcome: RemovalOutcome }) {
  const message = useRef<HTMLParagraphElement>(null);
  useEffect(() => {
    if (outcome !== null) message.current?.focus();
  }, [outcome]);
  return (
    <>
      <p role="status" class="notice" tabIndex={-1} ref={outcome?.ok === true ? message : null}>
        {outcome?.ok === true ? outcome.text : ''}
      </p>
      {outcome?.ok === false && (
        <p role="alert" class="alert" tabIndex={-1} ref={message}>
          {outcome.text}
        </p>
      )}
    </>
  );
}

/** Props of {@link RunnersTable}. */
export interface RunnersTableProps {
  apiKey: string;
  runners: readonly Runner[];
  jobs: readonly RecentJob[];
  now: number;
}

/** What the last removal did, announced to screen readers. */
type RemovalOutcome = { ok: true; text: string } | { ok: false; text: string } | null;

function useRemoval(apiKey: string) {
  const [confirming, setConfirming] = useState<Runner | null>(null);
  const [pending, setPending] = useState<ReadonlySet<string>>(new Set());
  const [outcome, setOutcome] = useState<RemovalOutcome>(null);
  const confirm = async (runner: Runner): Promise<void> => {
    setConfirming(null);
    setPending((ids) => new Set(ids).add(runner.id));
    setOutcome(null);
    try {
      const result = await removeRunner(apiKey, runner.id);
      const later =
        result === 'accepted' ? '; GitHub still holds its registration, retried in the background' : '';
      setOutcome({ ok: true, text: `Runner ${runner.name} removed${later}.` });
    } catch (error) {
      setOutcome({ ok: false, text: `Runner ${runner.name} was not removed: ${describeError(error)}` });
    } finally {
      setPending((ids) => new Set([...ids].filter((id) => id !== runner.id)));
    }
  };
  return { confirming, setConfirming, pending, outcome, confirm };
}

/** Every runner, sortable, each with a Remove button behind a confirmation. */
export function RunnersTable({ apiKey, runners, jobs, now }: RunnersTableProps) {
  const [sort, setSort] = useState<RunnerSort>({ key: 'age', direction: 'descending' });
  const removal = useRemoval(apiKey);
  const byId = indexJobs(jobs);
  const rows = sortRunners(
    runners.map((runner) => ({
      runner,
      job: runner.jobId === null ? null : (byId.get(runner.jobId) ?? null),
    })),
    sort,
  );
  const onSort = (key: RunnerSort['key']): void => setSort((current) => nextSort(current, key));
  const header = { sort, onSort };

  return (
    <>
      <RemovalMessage outcome={removal.outcome} />
      <div class="table-scroll" tabIndex={0} role="group" aria-labelledby="runners-caption">
        <table class="data-table">
          <caption id="runners-caption">Runners</caption>
          <thead>
            <tr>
              <SortHeader column="name" label="Name" {...header} />
              <SortHeader column="pool" label="Pool" {...header} />
              <SortHeader column="target" label="Target" {...header} />
              <SortHeader column="state" label="State" {...header} />
              <SortHeader column="job" label="Job" {...header} />
              <SortHeader column="age" label="Age" {...header} />
              <th scope="col">
                <span class="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.length === 0 && (
              <tr>
                <td colSpan={7} class="empty">
                  No runners right now.
                </td>
              </tr>
            )}
            {rows.map((row) => {
              const { runner } = row;
              const state = STATE[runner.status];
              const busy = removal.pending.has(runner.id);
              return (
                <tr key={runner.id}>
                  <th scope="row" class="mono">
                    {runner.name}
                  </th>
                  <td>{runner.pool}</td>
                  <td>{runner.target}</td>
                  <td>
                    <StatusBadge tone={state.tone}>{state.text}</StatusBadge>
                  </td>
                  <td>
                    <JobCell row={row} />
                  </td>
                  <td>
                    <time dateTime={runner.createdAt}>{formatAge(runner.createdAt, now)}</time>
                  </td>
                  <td>
                    <button
                      type="button"
                      class="button button-small button-danger-outline"
                      disabled={busy}
                      onClick={() => removal.setConfirming(runner)}
                    >
                      {busy ? 'Removing…' : 'Remove'}
                      <span class="visually-hidden"> runner {runner.name}</span>
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <RemoveDialog
        runner={removal.confirming}
        onConfirm={(runner) => void removal.confirm(runner)}
        onCancel={() => removal.setConfirming(null)}
      />
    </>
  );
}
