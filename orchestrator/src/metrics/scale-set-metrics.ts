import type { ScaleSetHealth } from '@gha-ephemeral/contract';
import { Gauge, type Registry } from 'prom-client';

const STATES: readonly ScaleSetHealth['state'][] = [
  'starting',
  'listening',
  'conflict',
  'failing',
  'stopped',
];

/** GitHub's statistics, named as ARC's listener names them, so its dashboards can be reused. */
const STATISTICS = [
  ['gha_available_jobs', 'totalAvailableJobs', 'Jobs offered to the scale set and not yet acquired (GHES)'],
  ['gha_acquired_jobs', 'totalAcquiredJobs', 'Jobs the scale set acquired'],
  ['gha_assigned_jobs', 'totalAssignedJobs', 'Jobs GitHub assigned to the scale set, running ones included'],
  ['gha_running_jobs', 'totalRunningJobs', 'Jobs of the scale set running now'],
  ['gha_registered_runners', 'totalRegisteredRunners', 'Runners registered in the scale set'],
  ['gha_busy_runners', 'totalBusyRunners', 'Runners of the scale set running a job'],
  ['gha_idle_runners', 'totalIdleRunners', 'Runners of the scale set online and idle'],
] as const;

/**
 * The scale-set listeners' metrics, labelled by scale set (`name`) and pool: both come from the pool file, so the
 * label set stays as small as the file. Read at scrape time from the listeners' demand.
 */
export class ScaleSetMetrics {
  #sources: (() => readonly ScaleSetHealth[]) | null = null;

  constructor(registry: Registry) {
    const registers = [registry];
    const read = () => this.#sources?.() ?? [];
    for (const [name, field, help] of STATISTICS) {
      new Gauge({
        name,
        help: `${help}, as GitHub last said`,
        labelNames: ['name', 'pool'],
        registers,
        collect() {
          for (const set of read()) {
            if (set.statistics !== null) this.set({ name: set.name, pool: set.pool }, set.statistics[field]);
          }
        },
      });
    }
    new Gauge({
      name: 'gha_desired_runners',
      help: "Runners the scale set should have: min(max, minIdle + assigned jobs), from GitHub's statistics",
      labelNames: ['name', 'pool'],
      registers,
      collect() {
        for (const set of read())
          if (set.desired !== null) this.set({ name: set.name, pool: set.pool }, set.desired);
      },
    });
    new Gauge({
      name: 'gha_ephemeral_scale_set_listener_state',
      help: "1 for the scale-set listener's state (starting, listening, conflict, failing, stopped), 0 for the others",
      labelNames: ['name', 'pool', 'state'],
      registers,
      collect() {
        for (const set of read()) {
          for (const state of STATES)
            this.set({ name: set.name, pool: set.pool, state }, set.state === state ? 1 : 0);
        }
      },
    });
    new Gauge({
      name: 'gha_ephemeral_scale_set_last_message_timestamp_seconds',
      help: 'When the scale-set listener last had a message from GitHub (Unix time)',
      labelNames: ['name', 'pool'],
      registers,
      collect() {
        for (const set of read()) {
          if (set.lastMessageAt !== null) {
            this.set({ name: set.name, pool: set.pool }, Date.parse(set.lastMessageAt) / 1000);
          }
        }
      },
    });
  }

  /** Where the gauges read from: the listeners' statuses. */
  attach(sources: () => readonly ScaleSetHealth[]): void {
    this.#sources = sources;
  }
}
