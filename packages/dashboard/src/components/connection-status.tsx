import type { ConnectionStatus } from '../live-connection';
import { formatClock } from '../format';
import { useNow } from '../use-now';
import { StatusBadge } from './status-badge';

function Countdown({ retryAt }: { retryAt: number }) {
  const now = useNow(1000);
  const seconds = Math.max(0, Math.ceil((retryAt - now) / 1000));
  return <span class="muted">{seconds > 0 ? ` retry in ${seconds} s` : ' retrying'}</span>;
}

/**
 * "Live", "Connecting…" or "Reconnecting…" in a status region (announced when it changes), and beside it, outside
 * the region so that every event is not read out, when the data last changed.
 */
export function ConnectionStatusView({
  status,
  updatedAt,
}: {
  status: ConnectionStatus;
  updatedAt: number | null;
}) {
  return (
    <div class="connection">
      <p role="status" class="connection-state">
        {status.kind === 'live' && <StatusBadge tone="ok">Live</StatusBadge>}
        {status.kind === 'connecting' && <StatusBadge tone="pending">Connecting…</StatusBadge>}
        {status.kind === 'reconnecting' && <StatusBadge tone="warn">Reconnecting…</StatusBadge>}
      </p>
      {status.kind === 'reconnecting' && (
        <p class="connection-detail">
          <span>{status.reason}</span>
          <Countdown retryAt={status.retryAt} />
        </p>
      )}
      {status.kind !== 'reconnecting' && updatedAt !== null && (
        <p class="connection-detail muted">
          Updated <time dateTime={new Date(updatedAt).toISOString()}>{formatClock(updatedAt)}</time>
        </p>
      )}
    </div>
  );
}
