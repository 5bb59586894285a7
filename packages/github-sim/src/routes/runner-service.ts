import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type {
  AddAgentRequest,
  AddAgentResponse,
  CompleteJobRequest,
  CreateSessionResponse,
} from '@gha-ephemeral/stand-in-runner';
import type { SimContext } from '../app-context.js';
import { RunnerServiceError } from '../engine/runner-service.js';
import type { SimRunner } from '../state/types.js';
import { originOf } from '../http/urls.js';
import { scopeWebUrl } from './rest/runner-scope.js';

const bearer = (request: FastifyRequest): string | undefined =>
  /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '')?.[1];

function agentView(runner: SimRunner): AddAgentResponse['runner'] {
  return {
    id: runner.id,
    name: runner.name,
    labels: runner.labels.map((l) => l.name),
    ephemeral: runner.ephemeral,
    runnerGroupId: runner.runnerGroupId,
  };
}

function parseAgent(body: unknown): AddAgentRequest {
  const b = (body ?? {}) as Partial<AddAgentRequest>;
  if (
    typeof b.name !== 'string' ||
    !Array.isArray(b.labels) ||
    !b.labels.every((l) => typeof l === 'string')
  ) {
    throw new RunnerServiceError(400, 'invalid', 'name and labels are required');
  }
  return {
    name: b.name,
    labels: b.labels,
    ephemeral: b.ephemeral === true,
    noDefaultLabels: b.noDefaultLabels === true,
    workFolder: typeof b.workFolder === 'string' ? b.workFolder : '_work',
    ...(typeof b.runnerGroup === 'string' ? { runnerGroup: b.runnerGroup } : {}),
    replace: b.replace === true,
    version: typeof b.version === 'string' ? b.version : 'unknown',
  };
}

/**
 * The runner service under `/_runner`: what a stand-in runner talks to after registration (the real runner
 * talks to the Actions service). packages/github-sim/README.md documents the protocol.
 */
export function registerRunnerServiceRoutes(app: FastifyInstance, ctx: SimContext): void {
  const svc = ctx.runnerService;
  app.setErrorHandler((error: Error & { statusCode?: number }, _request, reply: FastifyReply) => {
    if (error instanceof RunnerServiceError)
      return reply.code(error.statusCode).send({ message: error.message, code: error.code });
    const status = error.statusCode && error.statusCode < 500 ? error.statusCode : 500;
    return reply
      .code(status)
      .send({ message: status === 500 ? 'Internal error' : error.message, code: 'invalid' });
  });

  app.post('/_runner/agents', async (request, reply) => {
    const issued = svc.validToken(bearer(request) ?? '', ['runner-admin']);
    if (!issued) throw new RunnerServiceError(401, 'bad_credentials', 'Bad credentials');
    const spec = parseAgent(request.body);
    if (spec.runnerGroup && spec.runnerGroup.toLowerCase() !== 'default') {
      throw new RunnerServiceError(
        404,
        'not_found',
        `Could not find any self-hosted runner group named "${spec.runnerGroup}".`,
      );
    }
    const runner = svc.addRunner(
      issued.scope,
      {
        name: spec.name,
        labels: spec.labels,
        noDefaultLabels: spec.noDefaultLabels,
        ephemeral: spec.ephemeral,
        runnerGroupId: 1,
        workFolder: spec.workFolder,
        configuredBy: 'registration',
      },
      spec.replace === true,
    );
    const origin = originOf(request, undefined);
    const answer: AddAgentResponse = {
      runner: agentView(runner),
      credentials: svc.credentialsOf(runner, `${origin}/_runner`, scopeWebUrl(origin, issued.scope)),
    };
    return reply.code(201).send(answer);
  });

  app.delete('/_runner/agents/:id', async (request, reply) => {
    const issued = svc.validToken(bearer(request) ?? '', ['runner-admin']);
    if (!issued) throw new RunnerServiceError(401, 'bad_credentials', 'Bad credentials');
    const runner = ctx.store.runners.get(Number((request.params as { id: string }).id));
    if (!runner || !ctx.store.runnersIn(issued.scope).includes(runner)) {
      throw new RunnerServiceError(404, 'runner_not_found', 'Runner not found');
    }
    svc.deleteRunner(runner);
    return reply.code(204).send();
  });

  app.post('/_runner/sessions', async (request, reply) => {
    const runner = svc.authenticate(bearer(request));
    const session = svc.createSession(runner);
    const answer: CreateSessionResponse = { sessionId: session.id, runner: agentView(runner) };
    return reply.code(201).send(answer);
  });

  app.get('/_runner/sessions/:sessionId/messages', async (request, reply) => {
    const runner = svc.authenticate(bearer(request));
    const { sessionId } = request.params as { sessionId: string };
    const waitMs = Number((request.query as { waitMs?: string }).waitMs ?? 0) || 0;
    // The client going away ends the long poll, so no job is handed to a runner that cannot hear it.
    const gone = new AbortController();
    reply.raw.on('close', () => {
      if (!reply.raw.writableEnded) gone.abort();
    });
    const message = await svc.poll(runner, sessionId, waitMs, gone.signal);
    if (!message) return reply.code(204).send();
    return reply.code(200).send(message);
  });

  app.delete('/_runner/sessions/:sessionId', async (request, reply) => {
    const runner = svc.authenticate(bearer(request));
    svc.requireSession(runner, (request.params as { sessionId: string }).sessionId);
    svc.closeSession(runner);
    return reply.code(204).send();
  });

  app.post('/_runner/jobs/:jobId/complete', async (request, reply) => {
    const runner = svc.authenticate(bearer(request));
    const body = request.body as Partial<CompleteJobRequest> | undefined;
    const result = body?.result;
    if (result !== 'succeeded' && result !== 'failed' && result !== 'cancelled') {
      throw new RunnerServiceError(400, 'invalid', 'result must be succeeded, failed or cancelled');
    }
    const log = typeof body?.log === 'string' ? body.log : undefined;
    const jobId = Number((request.params as { jobId: string }).jobId);
    return reply.code(200).send(svc.completeJob(runner, jobId, result, log));
  });
}
