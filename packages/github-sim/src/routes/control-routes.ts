import type { FastifyInstance, FastifyReply } from 'fastify';
import type { SimControl } from '../control/sim-control.js';
import type { QueueJobInput, RepoSpec, TokenInfo, WorkflowSpec } from '../control/seeding.js';
import type { WebhookSpec } from '../webhooks/webhook-hub.js';
import type { AppSpec } from '../apps/app-registry.js';
import type { FaultSpec } from '../control/faults.js';
import type { QueueRunSpec } from '../engine/jobs.js';
import { SimInputError } from '../engine/errors.js';
import type { ScopeRef } from '../control/views.js';
import { registerScaleSetControlRoutes } from './control-scale-set-routes.js';

type Body = Record<string, unknown>;
const idOf = (params: unknown, name = 'id'): number => Number((params as Record<string, string>)[name]);

/** The HTTP mirror of {@link SimControl} under `/_sim`, for a simulator in a container. JSON in, JSON out. */
export function registerControlRoutes(app: FastifyInstance, control: SimControl): void {
  app.setErrorHandler((error: Error & { statusCode?: number }, _request, reply: FastifyReply) => {
    if (error instanceof SimInputError) return reply.code(error.statusCode).send({ message: error.message });
    const status = error.statusCode && error.statusCode < 500 ? error.statusCode : 500;
    return reply.code(status).send({ message: error.message });
  });

  app.get('/_sim/health', async () => ({ status: 'ok' }));

  app.post('/_sim/tokens', async (request, reply) => {
    const { token, ...info } = request.body as Body & TokenInfo & { token?: string };
    if (typeof token !== 'string' || !token || typeof info.login !== 'string')
      throw new SimInputError('token and login are required');
    control.addToken(token, info);
    return reply.code(201).send({ token: '[set]', login: info.login });
  });

  app.post('/_sim/users', async (request, reply) =>
    reply.code(201).send(control.createUser(request.body as { login: string })),
  );
  app.post('/_sim/orgs', async (request, reply) =>
    reply.code(201).send(control.createOrg(request.body as { login: string; members?: string[] })),
  );
  app.post('/_sim/orgs/:org/members', async (request, reply) => {
    control.addOrgMember((request.params as { org: string }).org, (request.body as { login: string }).login);
    return reply.code(204).send();
  });

  app.post('/_sim/repos', async (request, reply) =>
    reply.code(201).send(control.createRepo(request.body as RepoSpec)),
  );
  app.patch('/_sim/repos/:owner/:repo', async (request, reply) => {
    const { owner, repo } = request.params as { owner: string; repo: string };
    control.updateRepo(
      `${owner}/${repo}`,
      request.body as { archived?: boolean; disabled?: boolean; private?: boolean },
    );
    return reply.code(204).send();
  });
  app.post('/_sim/repos/:owner/:repo/workflows', async (request, reply) => {
    const { owner, repo } = request.params as { owner: string; repo: string };
    control.addWorkflowFile(`${owner}/${repo}`, request.body as WorkflowSpec);
    return reply.code(204).send();
  });

  app.post('/_sim/jobs', async (request, reply) =>
    reply.code(201).send(control.queueJob(request.body as QueueJobInput)),
  );
  app.post('/_sim/runs', async (request, reply) =>
    reply.code(201).send(control.queueRun(request.body as QueueRunSpec)),
  );
  app.get('/_sim/jobs', async (request) => {
    const q = request.query as { repo?: string; status?: string };
    return {
      jobs: control.listJobs({
        ...(q.repo ? { repo: q.repo } : {}),
        ...(q.status ? { status: q.status } : {}),
      }),
    };
  });
  app.get('/_sim/jobs/:id', async (request) => {
    const job = control.getJob(idOf(request.params));
    if (!job) throw new SimInputError('job not found', 404);
    return job;
  });
  app.get('/_sim/jobs/:id/log', async (request, reply) => {
    const log = control.getJobLog(idOf(request.params));
    if (log === undefined) throw new SimInputError('no log for that job', 404);
    return reply.type('text/plain; charset=utf-8').send(log);
  });
  app.post('/_sim/jobs/:id/cancel', async (request) => ({
    cancelled: control.cancelJob(idOf(request.params)),
  }));
  app.post('/_sim/jobs/:id/approve', async (request) => ({
    approved: control.approveJob(idOf(request.params)),
  }));

  app.get('/_sim/runners', async (request) => {
    const q = request.query as { repo?: string; org?: string; name?: string };
    const scope: ScopeRef | undefined = q.repo ? { repo: q.repo } : q.org ? { org: q.org } : undefined;
    const runners = scope ? control.listRunners(scope) : control.listAllRunners();
    return {
      runners: q.name ? runners.filter((r) => r.name.toLowerCase() === q.name?.toLowerCase()) : runners,
    };
  });
  app.delete('/_sim/runners/:id', async (request, reply) => {
    if (!control.removeRunner(idOf(request.params))) throw new SimInputError('runner not found', 404);
    return reply.code(204).send();
  });

  app.get('/_sim/requests', async () => control.requestCounts());
  app.delete('/_sim/requests', async (_request, reply) => {
    control.resetCounts();
    return reply.code(204).send();
  });

  app.post('/_sim/faults', async (request, reply) =>
    reply.code(201).send({ id: control.injectFault(request.body as FaultSpec) }),
  );
  app.delete('/_sim/faults', async (_request, reply) => {
    control.clearFaults();
    return reply.code(204).send();
  });

  app.post('/_sim/apps', async (request, reply) =>
    reply.code(201).send(control.addApp(request.body as AppSpec)),
  );
  app.get('/_sim/installation-tokens', async () => ({ tokens: control.installationTokens() }));
  app.post('/_sim/webhooks', async (request, reply) =>
    reply.code(201).send({ id: control.addWebhook(request.body as WebhookSpec) }),
  );
  app.delete('/_sim/webhooks', async (_request, reply) => {
    control.clearWebhooks();
    return reply.code(204).send();
  });
  app.get('/_sim/webhooks/deliveries', async () => ({ deliveries: control.webhookDeliveries() }));
  app.post('/_sim/webhooks/deliveries/:guid/redeliver', async (request, reply) => {
    control.redeliverWebhook((request.params as { guid: string }).guid);
    return reply.code(202).send({});
  });

  registerScaleSetControlRoutes(app, control);

  app.post('/_sim/rate-limit', async (request, reply) => {
    const { token, ...rest } = request.body as {
      token: string;
      limit?: number;
      remaining?: number;
      resetInSeconds?: number;
    };
    control.setRateLimit(token, rest);
    return reply.code(204).send();
  });
}
