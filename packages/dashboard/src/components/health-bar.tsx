import type { ComponentChildren } from 'preact';
import type { GitHubRateLimit, Health, RecentJob, ScaleSetHealth } from '../types';
import { formatCount, formatDuration, formatShortClock } from '../format';
import { isWaiting } from '../job-view';
import { StatusBadge, type Tone } from './status-badge';

const OVERALL: Record<Health['status'], { tone: Tone; text: string }> = {
  ok: { tone: 'ok', text: 'Healthy' },
  degraded: { tone: 'warn', text: 'Degraded' },
  down: { tone: 'bad', text: 'Down' },
};

/** A listener's state as a badge tone: listening is fine, starting is on its way, the rest need a look. */
export const LISTENER_TONE: Record<ScaleSetHealth['state'], Tone> = {
  listening: 'ok',
  starting: 'pending',
  conflict: 'bad',
  failing: 'bad',
  stopped: 'warn',
};

/** Dependency names as the orchestrator reports them, in words. */
function dependencyName(name: string): string {
  if (name === 'docker') return 'Docker';
  if (name === 'github') return 'GitHub';
  return name.charAt(0).toUpperCase() + name.slice(1);
}

function Item({ label, children }: { label: string; children: ComponentChildren }) {
  return (
    <li class="health-item">
      <span class="health-label">{label}</span>
      <span class="health-value">{children}</span>
    </li>
  );
}

function RateLimitItem({ rateLimit, now }: { rateLimit: GitHubRateLimit; now: number }) {
  const { limit, remaining, resetAt, blockedUntil } = rateLimit;
  if (blockedUntil !== null && Date.parse(blockedUntil) > now) {
    return (
      <Item label="GitHub API budget">
        <StatusBadge tone="bad">Blocked until {formatShortClock(blockedUntil)}</StatusBadge>
      </Item>
    );
  }
  if (limit === null || remaining === null) {
    return (
      <Item label="GitHub API budget">
        <StatusBadge tone="neutral">Not known yet</StatusBadge>
      </Item>
    );
  }
  const low = limit > 0 && remaining / limit < 0.1;
  return (
    <Item label="GitHub API budget">
      <StatusBadge tone={low ? 'warn' : 'ok'}>
        {formatCount(remaining)} / {formatCount(limit)} left
      </StatusBadge>
      {resetAt !== null && <span class="muted"> resets {formatShortClock(resetAt)}</span>}
    </Item>
  );
}

function WaitingItem({ jobs, now }: { jobs: readonly RecentJob[]; now: number }) {
  const waiting = jobs.filter(isWaiting);
  if (waiting.length === 0) {
    return (
      <Item label="Queued jobs">
        <StatusBadge tone="ok">None waiting</StatusBadge>
      </Item>
    );
  }
  const oldest = Math.min(...waiting.map((job) => Date.parse(job.queuedAt)));
  const stuck = waiting.some((job) => job.waitReason !== null);
  return (
    <Item label="Queued jobs">
      <a href="#jobs" class="health-link">
        <StatusBadge tone={stuck ? 'warn' : 'info'}>{formatCount(waiting.length)} waiting</StatusBadge>
      </a>
      <span class="muted"> oldest {formatDuration(now - oldest)}</span>
    </Item>
  );
}

/** Props of {@link HealthBar}. */
export interface HealthBarProps {
  health: Health | null;
  rateLimit: GitHubRateLimit | null;
  jobs: readonly RecentJob[];
  now: number;
}

/** The fleet at a glance: overall status, each dependency, each scale-set listener, GitHub's budget, the queue. */
export function HealthBar({ health, rateLimit, jobs, now }: HealthBarProps) {
  if (health === null) return <p class="muted">Waiting for the first report…</p>;
  const overall = OVERALL[health.status];
  return (
    <ul class="health-bar">
      <Item label="Overall">
        <StatusBadge tone={overall.tone}>{overall.text}</StatusBadge>
      </Item>
      {Object.entries(health.dependencies).map(([name, dependency]) => (
        <Item key={name} label={dependencyName(name)}>
          <StatusBadge tone={dependency.status === 'ok' ? 'ok' : 'bad'}>
            {dependency.status === 'ok' ? 'OK' : 'Down'}
          </StatusBadge>
          {dependency.message !== undefined && <span class="muted"> {dependency.message}</span>}
        </Item>
      ))}
      {(health.scaleSets ?? []).map((listener) => (
        <Item key={listener.pool} label={`Listener ${listener.pool}`}>
          <StatusBadge tone={LISTENER_TONE[listener.state]}>{listener.state}</StatusBadge>
          {listener.detail !== null && <span class="muted"> {listener.detail}</span>}
        </Item>
      ))}
      {rateLimit !== null && <RateLimitItem rateLimit={rateLimit} now={now} />}
      <WaitingItem jobs={jobs} now={now} />
    </ul>
  );
}
