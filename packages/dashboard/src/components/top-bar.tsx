import type { ConnectionStatus } from '../live-connection';
import { ConnectionStatusView } from './connection-status';
import { ThemeSelect } from './theme-select';

const SECTIONS = [
  { id: 'health', label: 'Health' },
  { id: 'pools', label: 'Pools' },
  { id: 'runners', label: 'Runners' },
  { id: 'jobs', label: 'Jobs' },
  { id: 'latency', label: 'Latency' },
];

/** The page's banner: its name, the sections, the stream's state, the theme and signing out. */
export function TopBar({
  connection,
  updatedAt,
  onSignOut,
}: {
  connection: ConnectionStatus;
  updatedAt: number | null;
  onSignOut: () => void;
}) {
  return (
    <header class="top-bar">
      <div class="top-bar-title">
        <h1>Runners dashboard</h1>
        <ConnectionStatusView status={connection} updatedAt={updatedAt} />
      </div>
      <nav aria-label="Sections">
        <ul>
          {SECTIONS.map((section) => (
            <li key={section.id}>
              <a href={`#${section.id}`}>{section.label}</a>
            </li>
          ))}
        </ul>
      </nav>
      <div class="top-bar-actions">
        <ThemeSelect />
        <button type="button" class="button" onClick={onSignOut}>
          Sign out
        </button>
      </div>
    </header>
  );
}
