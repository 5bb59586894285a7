import { parseOrThrow, WorkflowJobEvent } from '@gha-ephemeral/contract';
import type { FastifyPluginAsync } from 'fastify';
import type { JobEvents } from '../signals/job-events.js';

/**
 * `POST /internal/v1/workflow-jobs`: `workflow_job` deliveries, forwarded by the gateway once their signature
 * checked out. Answers once the event is recorded; the runner of a `queued` job is started in the background.
 */
export const jobEventRoutes: FastifyPluginAsync<{ events: JobEvents }> = async (app, { events }) => {
  app.post('/internal/v1/workflow-jobs', async (request) => {
    const event = parseOrThrow(WorkflowJobEvent, request.body, 'workflow job event');
    return { outcome: await events.handle(event) };
  });
};
