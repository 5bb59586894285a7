import { useEffect, useReducer, useRef, useState } from 'preact/hooks';
import { applyEvent, EMPTY_STATE, type DashboardState } from './dashboard-state';
import { startLiveConnection, type ConnectionStatus } from './live-connection';
import type { DashboardEvent } from './types';

function reduce(state: DashboardState, event: DashboardEvent): DashboardState {
  return applyEvent(state, event, Date.now());
}

/** The dashboard's data, live from the event stream while the component is mounted; one connection per key. */
export function useLiveDashboard(
  key: string,
  onUnauthorized: (message: string) => void,
): { state: DashboardState; connection: ConnectionStatus } {
  const [state, dispatch] = useReducer(reduce, EMPTY_STATE);
  const [connection, setConnection] = useState<ConnectionStatus>({ kind: 'connecting' });
  // The latest callback, without reconnecting when its identity changes.
  const unauthorized = useRef(onUnauthorized);
  unauthorized.current = onUnauthorized;
  useEffect(
    () =>
      startLiveConnection({
        key,
        onEvent: dispatch,
        onStatus: setConnection,
        onUnauthorized: (message) => unauthorized.current(message),
      }),
    [key],
  );
  return { state, connection };
}
