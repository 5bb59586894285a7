const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** A duration for people: "0.4 s", "12 s", "3 min 12 s", "2 h 5 min", "3 d 4 h". Negative counts as zero. */
export function formatDuration(ms: number): string {
  const value = Math.max(0, ms);
  if (value < 10 * SECOND) return `${(value / SECOND).toFixed(1)} s`;
  if (value < MINUTE) return `${Math.floor(value / SECOND)} s`;
  if (value < HOUR) {
    const seconds = Math.floor((value % MINUTE) / SECOND);
    return `${Math.floor(value / MINUTE)} min${seconds === 0 ? '' : ` ${seconds} s`}`;
  }
  if (value < DAY) {
    const minutes = Math.floor((value % HOUR) / MINUTE);
    return `${Math.floor(value / HOUR)} h${minutes === 0 ? '' : ` ${minutes} min`}`;
  }
  const hours = Math.floor((value % DAY) / HOUR);
  return `${Math.floor(value / DAY)} d${hours === 0 ? '' : ` ${hours} h`}`;
}

/** How long ago an instant was, for a ticking age column: whole seconds under a minute. */
export function formatAge(iso: string, now: number): string {
  const ms = now - Date.parse(iso);
  if (!Number.isFinite(ms)) return '—';
  return ms < 10 * SECOND ? `${Math.max(0, Math.floor(ms / SECOND))} s` : formatDuration(ms);
}

/** The time between two instants, or null when either is missing. */
export function durationBetween(from: string | null, to: string | null): number | null {
  if (from === null || to === null) return null;
  const ms = Date.parse(to) - Date.parse(from);
  return Number.isFinite(ms) ? ms : null;
}

const clock = new Intl.DateTimeFormat(undefined, {
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});
const shortClock = new Intl.DateTimeFormat(undefined, {
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/** "14:02:03" in the viewer's time zone. */
export function formatClock(at: string | number): string {
  return clock.format(new Date(at));
}

/** "14:02" in the viewer's time zone. */
export function formatShortClock(at: string | number): string {
  return shortClock.format(new Date(at));
}

/** A count with the viewer's digit grouping. */
export function formatCount(value: number): string {
  return value.toLocaleString();
}

/** A latency percentile in milliseconds, or "no jobs" when there was nothing to measure. */
export function formatLatency(ms: number | null): string {
  return ms === null ? 'no jobs' : formatDuration(ms);
}
