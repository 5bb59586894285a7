import type { SimStore } from '../../state/store.js';
import type { SimScaleSet } from '../../state/scale-set-types.js';

/** A scale set's statistics, as every message, session and scale set object carries them. */
export interface ScaleSetStatistics {
  totalAvailableJobs: number;
  totalAcquiredJobs: number;
  totalAssignedJobs: number;
  totalRunningJobs: number;
  totalRegisteredRunners: number;
  totalBusyRunners: number;
  totalIdleRunners: number;
}

/**
 * The statistics now. Assigned jobs include running ones (what a client scales on: `minRunners +
 * totalAssignedJobs`); acquired equals assigned, since an assigned job has been acquired by the set.
 */
export function statisticsOf(store: SimStore, scaleSet: SimScaleSet): ScaleSetStatistics {
  let available = 0;
  let assigned = 0;
  let running = 0;
  for (const job of store.jobs.values()) {
    const request = job.scaleSet;
    if (!request || request.scaleSetId !== scaleSet.id || job.status === 'completed') continue;
    if (request.state === 'available') available += 1;
    else assigned += 1;
    if (request.state === 'started') running += 1;
  }
  let registered = 0;
  let busy = 0;
  for (const runner of store.runners.values()) {
    if (runner.scaleSetId !== scaleSet.id) continue;
    registered += 1;
    if (runner.jobId !== null) busy += 1;
  }
  return {
    totalAvailableJobs: available,
    totalAcquiredJobs: assigned,
    totalAssignedJobs: assigned,
    totalRunningJobs: running,
    totalRegisteredRunners: registered,
    totalBusyRunners: busy,
    totalIdleRunners: registered - busy,
  };
}
