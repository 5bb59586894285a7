import type { GitHubRateLimit, Health, Pool, Runner } from '@gha-ephemeral/contract';
import type { GitHubPort } from '@gha-ephemeral/github';
import type { Logger } from '@gha-ephemeral/logging';
import type { PassActivity } from '../control/pass-activity.js';
import type { JobActivity } from '../signals/job-events.js';
import { DashboardFeed, type FeedOptions } from './dashboard-feed.js';
import { RecentJobs } from './recent-jobs.js';

/** How old GitHub's runner lists may be for the dashboard's looks: its frequent looks must not spend the budget. */
const DASHBOARD_GITHUB_AGE_MS = 30_000;

/** The recent jobs, the signals' and the loop's ways of writing to them, and the dashboard's feed. */
export interface Activity {
  jobs: RecentJobs;
  pass: PassActivity;
  webhooks: JobActivity;
  feed: DashboardFeed;
}

/** A job no pool fits is shown only when it asks for a self-hosted runner: GitHub's own runners serve the rest. */
const wantsSelfHosted = (labels: readonly string[]) =>
  labels.some((label) => label.toLowerCase() === 'self-hosted');

const isoOrNull = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** GitHub's budget as the client last saw it, for people. */
function rateLimitView(github: Pick<GitHubPort, 'rateLimitStatus'>): GitHubRateLimit {
  const status = github.rateLimitStatus();
  return {
    limit: status.limit,
    remaining: status.remaining,
    resetAt: isoOrNull(status.resetAt),
    blockedUntil: isoOrNull(status.blockedUntil),
  };
}

export function composeActivity(deps: {
  runners: { list(signal?: AbortSignal, maxGitHubAgeMs?: number): Promise<Runner[]> };
  pools: (runners: readonly Runner[]) => Pool[];
  health: () => Promise<Health>;
  github: Pick<GitHubPort, 'rateLimitStatus'>;
  logger: Logger;
  feed?: FeedOptions;
}): Activity {
  const jobs = new RecentJobs();
  const feed = new DashboardFeed(
    {
      runners: (signal) => deps.runners.list(signal, DASHBOARD_GITHUB_AGE_MS),
      pools: deps.pools,
      jobs,
      health: deps.health,
      rateLimit: () => rateLimitView(deps.github),
    },
    deps.logger,
    deps.feed,
  );
  const pass: PassActivity = {
    planned(queued, waits, runners) {
      for (const job of queued) {
        const wait = waits.get(job.id);
        if (wait?.pool === null && !wantsSelfHosted(job.labels)) continue;
        jobs.queued(job);
        jobs.planned(job.id, wait?.reason ?? null, wait?.pool ?? null);
      }
      jobs.demandSeen(new Set(queued.map((job) => job.id)));
      jobs.observeRunners(runners);
    },
    runnerStarted: (jobId, runner, pool) => jobs.runnerStarted(jobId, runner, pool),
  };
  const webhooks: JobActivity = {
    queued(job, waitReason) {
      if (waitReason !== null && !wantsSelfHosted(job.labels)) return;
      jobs.queued(job);
      if (waitReason !== null) jobs.planned(job.id, waitReason);
    },
    taken: (jobId, runner) => jobs.taken(jobId, runner),
    completed: (jobId, conclusion) => jobs.completed(jobId, conclusion),
  };
  return { jobs, pass, webhooks, feed };
}
