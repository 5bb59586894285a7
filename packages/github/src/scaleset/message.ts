import { AppError } from '@gha-ephemeral/contract';
import type { JobMessage, ScaleSetMessage, ScaleSetStatistics } from './types.js';

const STATISTICS_KEYS = [
  'totalAvailableJobs',
  'totalAcquiredJobs',
  'totalAssignedJobs',
  'totalRunningJobs',
  'totalRegisteredRunners',
  'totalBusyRunners',
  'totalIdleRunners',
] as const satisfies readonly (keyof ScaleSetStatistics)[];

const JOB_TYPES = new Set(['JobAvailable', 'JobAssigned', 'JobStarted', 'JobCompleted']);

const invalid = (why: string) =>
  new AppError('github.unavailable', `The Actions service sent a message that cannot be read: ${why}`);

/** Statistics with every count a non-negative number (missing ones are 0, as GitHub omits zeros); else null. */
export function readStatistics(value: unknown): ScaleSetStatistics | null {
  if (typeof value !== 'object' || value === null) return null;
  const record = value as Record<string, unknown>;
  const entries = STATISTICS_KEYS.map((key) => {
    const count = record[key] ?? 0;
    return [key, typeof count === 'number' && Number.isFinite(count) && count >= 0 ? count : Number.NaN];
  });
  if (entries.some(([, count]) => Number.isNaN(count))) return null;
  return Object.fromEntries(entries) as ScaleSetStatistics;
}

/** Parses one message of the queue; its `body` is a JSON array as a string. Unknown job types are dropped. */
export function parseMessage(text: string): ScaleSetMessage {
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw invalid('not JSON');
  }
  if (typeof raw !== 'object' || raw === null || typeof raw['messageId'] !== 'number')
    throw invalid('no messageId');
  const body = raw['body'];
  let jobs: unknown = [];
  let problem: string | null = null;
  if (typeof body === 'string' && body.trim() !== '') {
    try {
      jobs = JSON.parse(body);
    } catch {
      problem = 'its body is not JSON';
    }
  }
  if (problem === null && !Array.isArray(jobs)) problem = 'its body is not a list';
  // With its id it can still be acknowledged: one bad message must not block the queue for good.
  return {
    messageId: raw['messageId'],
    messageType: typeof raw['messageType'] === 'string' ? raw['messageType'] : '',
    statistics: readStatistics(raw['statistics']),
    problem,
    jobs: (Array.isArray(jobs) ? jobs : []).filter(
      (job): job is JobMessage =>
        typeof job === 'object' && job !== null && JOB_TYPES.has((job as JobMessage).messageType),
    ),
  };
}
