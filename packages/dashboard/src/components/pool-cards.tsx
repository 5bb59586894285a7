import type { Pool, RunnerStatus, ScaleSetHealth } from '../types';
import { formatCount } from '../format';
import { LISTENER_TONE } from './health-bar';
import { StatusBadge } from './status-badge';

/** The states of a pool's runners, in life-cycle order; `exited` reads "exiting" (it is being removed). */
const STATES: { status: RunnerStatus; label: string }[] = [
  { status: 'starting', label: 'starting' },
  { status: 'idle', label: 'idle' },
  { status: 'busy', label: 'busy' },
  { status: 'offline', label: 'offline' },
  { status: 'exited', label: 'exiting' },
];

function RunnerCounts({ pool }: { pool: Pool }) {
  const total = STATES.reduce((sum, { status }) => sum + (pool.runners[status] ?? 0), 0);
  return (
    <div class="pool-runners">
      <div class="meter" aria-hidden="true">
        {STATES.map(({ status }) => {
          const count = pool.runners[status] ?? 0;
          const share = pool.max > 0 ? Math.min(100, (count / pool.max) * 100) : 0;
          return count === 0 ? null : (
            <span key={status} class={`meter-${status}`} style={{ width: `${share}%` }} />
          );
        })}
      </div>
      <p class="pool-total">
        {formatCount(total)} of at most {formatCount(pool.max)} runners
      </p>
      <ul class="pool-states">
        {STATES.map(({ status, label }) => (
          <li key={status} class={(pool.runners[status] ?? 0) === 0 ? 'muted' : ''}>
            <span class={`dot dot-${status}`} aria-hidden="true" />
            {formatCount(pool.runners[status] ?? 0)} {label}
          </li>
        ))}
      </ul>
    </div>
  );
}

function ScaleSetDetails({ pool, listener }: { pool: Pool; listener: ScaleSetHealth | undefined }) {
  if (pool.scaleSet === null) return null;
  const stats = listener?.statistics ?? null;
  return (
    <div class="pool-scale-set">
      <p>
        Scale set <strong>{pool.scaleSet.name}</strong> (group {pool.scaleSet.runnerGroup}):{' '}
        {listener === undefined ? (
          <StatusBadge tone="neutral">no listener reported</StatusBadge>
        ) : (
          <StatusBadge tone={LISTENER_TONE[listener.state]}>{listener.state}</StatusBadge>
        )}
      </p>
      {listener?.detail != null && <p class="muted">{listener.detail}</p>}
      {stats === null ? (
        <p class="muted">GitHub has sent no statistics yet.</p>
      ) : (
        <dl class="facts facts-compact">
          <dt>Assigned jobs</dt>
          <dd>{formatCount(stats.totalAssignedJobs)}</dd>
          <dt>Running jobs</dt>
          <dd>{formatCount(stats.totalRunningJobs)}</dd>
          <dt>Registered runners</dt>
          <dd>
            {formatCount(stats.totalRegisteredRunners)} ({formatCount(stats.totalBusyRunners)} busy,{' '}
            {formatCount(stats.totalIdleRunners)} idle)
          </dd>
        </dl>
      )}
    </div>
  );
}

function PoolCard({ pool, listener }: { pool: Pool; listener: ScaleSetHealth | undefined }) {
  const titleId = `pool-${pool.name}`;
  return (
    <li>
      <article class="card pool-card" aria-labelledby={titleId}>
        <h3 id={titleId}>{pool.name}</h3>
        <RunnerCounts pool={pool} />
        <dl class="facts">
          <dt>Image</dt>
          <dd class="mono">{pool.image}</dd>
          <dt>Runtime</dt>
          <dd>{pool.runtime}</dd>
          <dt>Scope</dt>
          <dd>{pool.scope === null ? 'any' : `${pool.scope.kind} ${pool.scope.target}`}</dd>
          <dt>Warm minimum</dt>
          <dd>{formatCount(pool.minIdle)}</dd>
          <dt>Desired</dt>
          <dd>{pool.desired === null ? 'not planned yet' : formatCount(pool.desired)}</dd>
          <dt>Labels</dt>
          <dd>
            <ul class="labels">
              {pool.labels.map((label) => (
                <li key={label}>{label}</li>
              ))}
            </ul>
          </dd>
        </dl>
        <ScaleSetDetails pool={pool} listener={listener} />
      </article>
    </li>
  );
}

/** One card per pool, with its listener (for scale sets) joined from the health report. */
export function PoolCards({
  pools,
  scaleSets,
}: {
  pools: readonly Pool[];
  scaleSets: readonly ScaleSetHealth[];
}) {
  if (pools.length === 0) return <p class="muted">No pools: the orchestrator reports none.</p>;
  const listeners = new Map(scaleSets.map((listener) => [listener.pool, listener]));
  return (
    <ul class="cards">
      {pools.map((pool) => (
        <PoolCard key={pool.name} pool={pool} listener={listeners.get(pool.name)} />
      ))}
    </ul>
  );
}
