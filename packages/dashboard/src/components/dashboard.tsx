import type { ComponentChildren } from 'preact';
import { useLiveDashboard } from '../use-live-dashboard';
import { useNow } from '../use-now';
import { HealthBar } from './health-bar';
import { JobsTable } from './jobs-table';
import { LatencyChart } from './latency-chart';
import { PoolCards } from './pool-cards';
import { RunnersTable } from './runners-table';
import { TopBar } from './top-bar';

function Waiting() {
  return <p class="muted">Waiting for the first report…</p>;
}

function Section({ id, title, children }: { id: string; title: string; children: ComponentChildren }) {
  return (
    <section id={id} class="section" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{title}</h2>
      {children}
    </section>
  );
}

/** Props of {@link Dashboard}. */
export interface DashboardProps {
  apiKey: string;
  onSignOut: () => void;
  /** The event stream refused the key. */
  onUnauthorized: (message: string) => void;
}

/** The signed-in page: every section, fed by one event stream. */
export function Dashboard({ apiKey, onSignOut, onUnauthorized }: DashboardProps) {
  const { state, connection } = useLiveDashboard(apiKey, onUnauthorized);
  const now = useNow(1000);
  // Before the first snapshot, empty tables would claim "no runners": say that the data is on its way instead.
  const loaded = state.updatedAt !== null;
  return (
    <>
      <a class="skip-link" href="#main">
        Skip to the dashboard
      </a>
      <TopBar connection={connection} updatedAt={state.updatedAt} onSignOut={onSignOut} />
      <main id="main" tabIndex={-1}>
        <Section id="health" title="Health">
          <HealthBar health={state.health} rateLimit={state.rateLimit} jobs={state.jobs} now={now} />
        </Section>
        <Section id="pools" title="Pools">
          {loaded ? <PoolCards pools={state.pools} scaleSets={state.health?.scaleSets ?? []} /> : <Waiting />}
        </Section>
        <Section id="runners" title="Runners">
          {loaded ? (
            <RunnersTable apiKey={apiKey} runners={state.runners} jobs={state.jobs} now={now} />
          ) : (
            <Waiting />
          )}
        </Section>
        <Section id="jobs" title="Recent jobs">
          {loaded ? <JobsTable jobs={state.jobs} now={now} /> : <Waiting />}
        </Section>
        <Section id="latency" title="Job latency">
          <LatencyChart latency={state.latency} />
        </Section>
      </main>
      <footer class="footer muted">
        {state.health === null
          ? 'gha-ephemeral-runners'
          : `gha-ephemeral-runners · ${state.health.service} ${state.health.version}`}{' '}
        · <a href="/docs">API docs</a>
      </footer>
    </>
  );
}
