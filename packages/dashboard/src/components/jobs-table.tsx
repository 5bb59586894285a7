import { useState } from 'preact/hooks';
import { formatAge, formatClock, formatCount, formatDuration } from '../format';
import { isWaiting, jobSteps, jobTitle } from '../job-view';
import type { RecentJob } from '../types';
import { StatusBadge } from './status-badge';

function Duration({ ms }: { ms: number | null }) {
  return ms === null ? <span class="muted">—</span> : <>{formatDuration(ms)}</>;
}

/** "→ taken" on screen, "until taken" to a screen reader: each step is timed from the one before it. */
function StepHeader({ step }: { step: string }) {
  return (
    <th scope="col">
      <span aria-hidden="true">→ </span>
      <span class="visually-hidden">until </span>
      {step}
    </th>
  );
}

function PhaseCell({ job, now }: { job: RecentJob; now: number }) {
  if (job.phase === 'completed') {
    const failed = job.conclusion !== null && job.conclusion !== 'success' && job.conclusion !== 'skipped';
    return <StatusBadge tone={failed ? 'bad' : 'ok'}>{job.conclusion ?? 'completed'}</StatusBadge>;
  }
  if (job.phase === 'taken') return <StatusBadge tone="info">running</StatusBadge>;
  return (
    <>
      <StatusBadge tone={job.waitReason === null ? 'pending' : 'warn'}>
        queued {formatAge(job.queuedAt, now)}
      </StatusBadge>
      {job.waitReason !== null && <strong class="wait-reason">Waiting: {job.waitReason}</strong>}
    </>
  );
}

function JobRow({ job, now }: { job: RecentJob; now: number }) {
  const steps = jobSteps(job);
  const title = jobTitle(job);
  return (
    <tr class={isWaiting(job) && job.waitReason !== null ? 'row-waiting' : undefined}>
      <td>{job.repository}</td>
      <th scope="row">{job.url === null ? title : <a href={job.url}>{title}</a>}</th>
      <td>
        <ul class="labels">
          {job.labels.map((label) => (
            <li key={label}>{label}</li>
          ))}
        </ul>
      </td>
      <td class="phase-cell">
        <PhaseCell job={job} now={now} />
      </td>
      <td>
        <time dateTime={job.queuedAt}>{formatClock(job.queuedAt)}</time>
      </td>
      <td>
        <Duration ms={steps.toRunner} />
      </td>
      <td>
        <Duration ms={steps.toTaken} />
      </td>
      <td>
        <Duration ms={steps.toCompleted} />
      </td>
      <td>
        {job.pool ?? <span class="muted">none</span>}
        {job.runner !== null && <span class="cell-secondary mono">{job.runner}</span>}
      </td>
    </tr>
  );
}

/** The recent jobs, newest first, with how long each step took and why a queued job waits. */
export function JobsTable({ jobs, now }: { jobs: readonly RecentJob[]; now: number }) {
  const [onlyWaiting, setOnlyWaiting] = useState(false);
  const waiting = jobs.filter(isWaiting);
  const shown = onlyWaiting ? waiting : jobs;
  return (
    <>
      <div class="toolbar">
        <label class="checkbox">
          <input
            type="checkbox"
            checked={onlyWaiting}
            onChange={(event) => setOnlyWaiting(event.currentTarget.checked)}
          />
          Only waiting jobs ({formatCount(waiting.length)})
        </label>
        <p class="muted">
          {formatCount(shown.length)} of {formatCount(jobs.length)} recent jobs shown
        </p>
      </div>
      <div class="table-scroll" tabIndex={0} role="group" aria-labelledby="jobs-caption">
        <table class="data-table">
          <caption id="jobs-caption">Recent jobs</caption>
          <thead>
            <tr>
              <th scope="col">Repository</th>
              <th scope="col">Workflow / job</th>
              <th scope="col">Labels</th>
              <th scope="col">Phase</th>
              <th scope="col">Queued at</th>
              <StepHeader step="runner started" />
              <StepHeader step="taken" />
              <StepHeader step="completed" />
              <th scope="col">Pool / runner</th>
            </tr>
          </thead>
          <tbody>
            {shown.length === 0 && (
              <tr>
                <td colSpan={9} class="empty">
                  {onlyWaiting ? 'No job is waiting.' : 'No job seen yet.'}
                </td>
              </tr>
            )}
            {shown.map((job) => (
              <JobRow key={job.id} job={job} now={now} />
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
