import { AppError, type RecentJobList } from '@gha-ephemeral/contract';
import type { FastifyPluginAsync } from 'fastify';
import type { DashboardFeed } from '../activity/dashboard-feed.js';
import type { RecentJobs } from '../activity/recent-jobs.js';

/** Options of {@link activityRoutes}. */
export interface ActivityRoutesOptions {
  jobs: RecentJobs;
  feed: DashboardFeed;
}

/**
 * `GET /api/v1/jobs` (the recent jobs, with why queued ones wait, and their latency) and `GET /api/v1/events` (the
 * dashboard's Server-Sent Events: a snapshot, then what changes).
 */
export const activityRoutes: FastifyPluginAsync<ActivityRoutesOptions> = async (app, { jobs, feed }) => {
  app.get('/api/v1/jobs', async (): Promise<RecentJobList> => ({
    jobs: jobs.list(),
    capacity: jobs.capacity,
    latency: jobs.latency.summary(),
  }));

  app.get('/api/v1/events', async (request, reply) => {
    if (feed.full)
      throw new AppError('events.too_many_streams', 'Too many event streams are open; try later');
    // The stream is written by hand from here on: Fastify must not answer or time it out.
    reply.hijack();
    reply.raw.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    request.raw.socket.setTimeout(0);
    const stream = await feed.open(reply.raw).catch((error: unknown) => {
      request.log.warn({ err: error }, 'could not start an event stream');
      return null;
    });
    if (stream === null) reply.raw.end();
  });
};
