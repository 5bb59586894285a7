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
  app.get('/api/v1/jobs', async (request): Promise<RecentJobList> => {
    // The wait reasons read the engine's health: fresh (cached probes), not as a dashboard last saw it.
    await feed.refreshHealth().catch((error: unknown) => request.log.debug({ err: error }, 'no health'));
    return { jobs: jobs.list(), capacity: jobs.capacity, latency: jobs.latency.summary() };
  });

  app.get('/api/v1/events', async (request, reply) => {
    if (feed.closing)
      throw new AppError('service.stopping', 'The orchestrator is stopping; reconnect in a moment');
    if (feed.full)
      throw new AppError('events.too_many_streams', 'Too many event streams are open; try later');
    // The stream is written by hand from here on: Fastify must not answer or time it out. The headers go out with
    // the first event, so a stream refused after all (the limit, or shutdown) still gets its 503.
    reply.hijack();
    const raw = reply.raw;
    raw.setHeader('content-type', 'text/event-stream; charset=utf-8');
    raw.setHeader('cache-control', 'no-cache, no-transform');
    raw.setHeader('x-accel-buffering', 'no');
    request.raw.socket.setTimeout(0);
    let failed = false;
    const stream = await feed.open(raw).catch((error: unknown) => {
      request.log.warn({ err: error }, 'could not start an event stream');
      failed = true;
      return null;
    });
    if (stream !== null || raw.headersSent) {
      if (stream === null) raw.end();
      return;
    }
    const body = failed
      ? { code: 'runtime.unavailable', message: 'Could not read the fleet to start the stream; try again' }
      : feed.closing
        ? { code: 'service.stopping', message: 'The orchestrator is stopping; reconnect in a moment' }
        : { code: 'events.too_many_streams', message: 'Too many event streams are open; try later' };
    raw.writeHead(503, { 'content-type': 'application/json; charset=utf-8', 'retry-after': '5' });
    raw.end(JSON.stringify(body));
  });
};
