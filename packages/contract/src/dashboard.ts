import { z } from 'zod';
import { Pool } from './pool.js';
import { Health, Runner, RunnerId } from './runner.js';

/** A job's page only when it is an http(s) address of a sane length: it becomes a link people click. */
export function webUrl(value: string | null | undefined, maxLength = 500): string | null {
  if (!value || value.length > maxLength) return null;
  try {
    return ['https:', 'http:'].includes(new URL(value).protocol) ? value : null;
  } catch {
    return null;
  }
}

/** Most recent jobs the orchestrator keeps in memory (a ring: the oldest is dropped first). */
export const RECENT_JOBS_CAPACITY = 300;

export const JobPhase = z.enum(['queued', 'taken', 'completed']).meta({
  description: 'queued: waiting for a runner; taken: a runner runs it; completed: GitHub reported its end.',
});
export type JobPhase = z.infer<typeof JobPhase>;

/** One job the orchestrator has seen, with when each step happened and why it waits, if it does. */
export const RecentJob = z
  .object({
    id: z.number().int().meta({ description: "GitHub's job id." }),
    runId: z.number().int().nullable(),
    repository: z.string().meta({ description: '"owner/name".' }),
    workflow: z.string().nullable().meta({ description: "The workflow's name, when GitHub said." }),
    name: z.string().nullable().meta({ description: "The job's name, when GitHub said." }),
    url: z.string().nullable().meta({ description: "The job's page on GitHub, when GitHub said." }),
    labels: z.array(z.string()).meta({ description: 'Its `runs-on` labels.' }),
    phase: JobPhase,
    queuedAt: z.iso.datetime().meta({ description: 'When GitHub queued it.' }),
    runnerStartedAt: z.iso
      .datetime()
      .nullable()
      .meta({ description: 'When a runner for it was started (its container created).' }),
    takenAt: z.iso
      .datetime()
      .nullable()
      .meta({ description: 'When a runner took it (GitHub: in_progress).' }),
    completedAt: z.iso.datetime().nullable(),
    conclusion: z.string().nullable().meta({ description: 'success, failure, cancelled, … once completed.' }),
    runner: z.string().nullable().meta({ description: 'The runner that took it, or was started for it.' }),
    pool: z.string().nullable().meta({ description: 'The pool that serves it; null when none fits.' }),
    waitReason: z
      .string()
      .nullable()
      .meta({
        description:
          'Why a queued job has no runner yet, in words: "no pool fits labels [gpu]", "pool big at max 4", ' +
          '"GitHub rate limited until 14:02", "engine unreachable"; null when it is not waiting on us.',
      }),
  })
  .meta({ id: 'RecentJob' });
export type RecentJob = z.infer<typeof RecentJob>;

export const Percentiles = z
  .object({
    count: z.number().int(),
    p50Ms: z.number().nullable(),
    p95Ms: z.number().nullable(),
  })
  .meta({ id: 'Percentiles' });
export type Percentiles = z.infer<typeof Percentiles>;

/** Latency of recent jobs over the last hour, in buckets of five minutes, oldest first. */
export const JobLatency = z
  .object({
    windowMinutes: z.number().int(),
    bucketMinutes: z.number().int(),
    buckets: z.array(
      z.object({
        start: z.iso.datetime(),
        toRunning: Percentiles.meta({ description: 'queued → a runner for it running.' }),
        toTaken: Percentiles.meta({ description: 'queued → taken by a runner.' }),
      }),
    ),
    overall: z.object({ toRunning: Percentiles, toTaken: Percentiles }),
  })
  .meta({ id: 'JobLatency' });
export type JobLatency = z.infer<typeof JobLatency>;

export const RecentJobList = z
  .object({
    jobs: z.array(RecentJob).meta({ description: 'Newest first.' }),
    capacity: z.number().int().meta({ description: 'How many jobs the ring keeps.' }),
    latency: JobLatency,
  })
  .meta({ id: 'RecentJobList' });
export type RecentJobList = z.infer<typeof RecentJobList>;

/** GitHub's REST budget as the orchestrator last saw it (the `core` resource). */
export const GitHubRateLimit = z
  .object({
    limit: z.number().int().nullable(),
    remaining: z.number().int().nullable(),
    resetAt: z.iso.datetime().nullable(),
    blockedUntil: z.iso
      .datetime()
      .nullable()
      .meta({ description: 'Set while GitHub refuses us: no call is made to it before then.' }),
  })
  .meta({ id: 'GitHubRateLimit' });
export type GitHubRateLimit = z.infer<typeof GitHubRateLimit>;

/** Everything the dashboard shows, at once: the first event of a stream. */
export const DashboardSnapshot = z
  .object({
    runners: z.array(Runner),
    pools: z.array(Pool),
    jobs: z.array(RecentJob).meta({ description: 'Newest first.' }),
    latency: JobLatency,
    health: Health,
    rateLimit: GitHubRateLimit,
  })
  .meta({ id: 'DashboardSnapshot' });
export type DashboardSnapshot = z.infer<typeof DashboardSnapshot>;

/**
 * The events of `GET /api/v1/events`. Each is one Server-Sent Event whose `event:` is the type and whose `data:`
 * is one line of JSON holding the same `type`. After `snapshot`, each event replaces what it names.
 */
export const DashboardEvent = z
  .discriminatedUnion('type', [
    z.object({ type: z.literal('snapshot'), snapshot: DashboardSnapshot }),
    z
      .object({ type: z.literal('runner'), runner: Runner })
      .meta({ description: 'A runner appeared or changed.' }),
    z.object({ type: z.literal('runner.removed'), id: RunnerId }),
    z.object({ type: z.literal('job'), job: RecentJob }).meta({ description: 'A job appeared or changed.' }),
    z.object({ type: z.literal('pools'), pools: z.array(Pool) }),
    z.object({ type: z.literal('latency'), latency: JobLatency }),
    z.object({ type: z.literal('health'), health: Health, rateLimit: GitHubRateLimit }),
    z.object({ type: z.literal('bye'), reason: z.enum(['shutdown']) }).meta({
      description:
        'The last event when the server stops. A client that reads too slowly gets none: its connection is cut.',
    }),
  ])
  .meta({ id: 'DashboardEvent' });
export type DashboardEvent = z.infer<typeof DashboardEvent>;
export type DashboardEventType = DashboardEvent['type'];

export const DASHBOARD_EVENT_TYPES: readonly DashboardEventType[] = [
  'snapshot',
  'runner',
  'runner.removed',
  'job',
  'pools',
  'latency',
  'health',
  'bye',
];
