import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { SimContext } from '../../app-context.js';
import { GitHubApiError, invalidRequest, notFound } from '../../http/github-error.js';
import { paginate } from '../../http/pagination.js';
import { originOf } from '../../http/urls.js';
import { encodeJitConfig } from '@gha-ephemeral/stand-in-runner';
import { RunnerServiceError } from '../../engine/runner-service.js';
import type { RunnerScope, SimRunner } from '../../state/types.js';
import { serializeRunner } from '../../serialize/runner.js';
import { SCOPE_ROUTES, scopeWebUrl } from './runner-scope.js';
import type { ScopeRoute } from './runner-scope.js';

const DOCS = 'https://docs.github.com/rest/actions/self-hosted-runners';

interface JitBody {
  name: string;
  runner_group_id: number;
  labels: string[];
  work_folder: string;
}

function parseJitBody(body: unknown): JitBody {
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const problems: string[] = [];
  for (const field of ['name', 'runner_group_id', 'labels'])
    if (b[field] === undefined) problems.push(`"${field}" wasn't supplied.`);
  const { name, runner_group_id: group, labels, work_folder: work } = b;
  if (name !== undefined && (typeof name !== 'string' || name.trim() === ''))
    problems.push('"name" is not a non-empty string.');
  if (group !== undefined && !Number.isInteger(group)) problems.push('"runner_group_id" is not an integer.');
  if (labels !== undefined) {
    if (!Array.isArray(labels) || !labels.every((l) => typeof l === 'string' && l.trim() !== '')) {
      problems.push('"labels" is not an array of non-empty strings.');
    } else if (labels.length < 1 || labels.length > 100) {
      problems.push('"labels" must have between 1 and 100 items.');
    }
  }
  if (work !== undefined && typeof work !== 'string') problems.push('"work_folder" is not a string.');
  if (problems.length > 0) throw invalidRequest(problems.join('\n'));
  return {
    name: name as string,
    runner_group_id: group as number,
    labels: labels as string[],
    work_folder: (work as string | undefined) ?? '_work',
  };
}

function findRunner(ctx: SimContext, scope: RunnerScope, request: FastifyRequest): SimRunner {
  const id = Number((request.params as { runner_id: string }).runner_id);
  const runner = Number.isInteger(id) ? ctx.store.runners.get(id) : undefined;
  if (!runner || !ctx.store.runnersIn(scope).includes(runner)) throw notFound();
  return runner;
}

function registerScope(app: FastifyInstance, ctx: SimContext, s: ScopeRoute): void {
  const base = `${s.prefix}/actions/runners`;
  const docs = (anchor: string): { config: { docs: string } } => ({
    config: { docs: `${DOCS}#${anchor}-${s.noun}` },
  });

  app.post(
    `${base}/registration-token`,
    docs('create-a-registration-token-for-a'),
    async (request, reply) => {
      const issued = ctx.runnerService.issueToken('registration', s.resolve(ctx, request));
      return reply
        .code(201)
        .send({ token: issued.token, expires_at: new Date(issued.expiresAt).toISOString() });
    },
  );

  app.post(`${base}/remove-token`, docs('create-a-remove-token-for-a'), async (request, reply) => {
    const issued = ctx.runnerService.issueToken('remove', s.resolve(ctx, request));
    return reply
      .code(201)
      .send({ token: issued.token, expires_at: new Date(issued.expiresAt).toISOString() });
  });

  app.post(
    `${s.prefix}/actions/runners/generate-jitconfig`,
    docs('create-configuration-for-a-just-in-time-runner-for-a'),
    async (request, reply) => {
      const scope = s.resolve(ctx, request);
      const body = parseJitBody(request.body);
      if (body.runner_group_id !== 1) throw notFound();
      let runner: SimRunner;
      try {
        runner = ctx.runnerService.addRunner(scope, {
          name: body.name,
          labels: body.labels,
          noDefaultLabels: true,
          ephemeral: true,
          runnerGroupId: body.runner_group_id,
          workFolder: body.work_folder,
          configuredBy: 'jit',
        });
      } catch (error) {
        if (error instanceof RunnerServiceError) throw new GitHubApiError(error.statusCode, error.message);
        throw error;
      }
      const origin = originOf(request, ctx.publicUrl);
      const credentials = ctx.runnerService.credentialsOf(
        runner,
        `${origin}/_runner`,
        scopeWebUrl(origin, scope),
      );
      return reply.code(201).send({
        runner: serializeRunner(ctx.store, runner),
        encoded_jit_config: encodeJitConfig(credentials),
      });
    },
  );

  app.get(base, docs('list-self-hosted-runners-for-a'), async (request, reply) => {
    const scope = s.resolve(ctx, request);
    const name = (request.query as { name?: string }).name;
    const all = ctx.store
      .runnersIn(scope)
      .filter((r) => !name || r.name.toLowerCase() === name.toLowerCase());
    const page = paginate(request, reply, all);
    return { total_count: all.length, runners: page.map((r) => serializeRunner(ctx.store, r)) };
  });

  app.get(`${base}/:runner_id`, docs('get-a-self-hosted-runner-for-a'), async (request) => {
    const runner = findRunner(ctx, s.resolve(ctx, request), request);
    return serializeRunner(ctx.store, runner);
  });

  app.delete(`${base}/:runner_id`, docs('delete-a-self-hosted-runner-from-a'), async (request, reply) => {
    const runner = findRunner(ctx, s.resolve(ctx, request), request);
    if (runner.jobId !== null)
      throw new GitHubApiError(422, `Bad request - Runner "${runner.name}" is still running a job`);
    ctx.runnerService.deleteRunner(runner);
    return reply.code(204).send();
  });
}

/** The self-hosted runner endpoints, for repositories and organizations. */
export function registerRunnerRoutes(app: FastifyInstance, ctx: SimContext): void {
  for (const s of SCOPE_ROUTES) registerScope(app, ctx, s);
}
