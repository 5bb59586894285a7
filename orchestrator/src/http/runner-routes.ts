import {
  CreateRunnersRequest,
  parseOrThrow,
  RunnerIdParams,
  type CreateRunnersResponse,
  type Runner,
  type RunnerList,
} from '@gha-ephemeral/contract';
import { scopeFromTarget } from '@gha-ephemeral/github';
import type { FastifyPluginAsync } from 'fastify';
import type { RepositoryVisibility } from '../fleet/repository-visibility.js';
import type { CreateRunnersCommand, RunnerService } from '../fleet/runner-service.js';

/** Turns an API request body into the service's command. */
function toCommand(body: CreateRunnersRequest) {
  const scope = scopeFromTarget(
    body.repository === undefined ? 'organization' : 'repository',
    body.repository ?? body.organization ?? '',
  );
  return { scope, labels: body.labels ?? [], count: body.count ?? 1, pool: body.pool };
}

/** What the runner routes use. */
export interface RunnerRoutesOptions {
  runners: RunnerService;
  /** Starts runners through the capacity gate (see `control/requested-runners.ts`). */
  start: (command: CreateRunnersCommand) => Promise<Runner[]>;
  /** Refuses a public repository (403) unless `ALLOW_PUBLIC_REPOSITORIES=true`. */
  visibility: Pick<RepositoryVisibility, 'ensureAllowed'>;
  /** Told of a runner removed on request: it took no job by ending, so the gate must not think it did. */
  onRemoved?: (id: string) => void;
}

/** The runner routes of docs/api.md: reads under `/runners` and `/api/v1/runners`, writes under `/api/v1`. */
export const runnerRoutes: FastifyPluginAsync<RunnerRoutesOptions> = async (
  app,
  { runners, start, visibility, onRemoved },
) => {
  for (const prefix of ['', '/api/v1']) {
    app.get(`${prefix}/runners`, async (): Promise<RunnerList> => {
      const list = await runners.list();
      return { runners: list, total: list.length };
    });
    app.get(`${prefix}/runners/:id`, async (request): Promise<Runner> => {
      const { id } = parseOrThrow(RunnerIdParams, request.params, 'runner id');
      return runners.get(id);
    });
  }

  app.post('/api/v1/runners', async (request, reply) => {
    const body = parseOrThrow(CreateRunnersRequest, request.body, 'request body');
    const command = toCommand(body);
    await visibility.ensureAllowed(command.scope);
    // Not tied to the client's connection: a runner half made because a client went away would be worse.
    const created = await start(command);
    const response: CreateRunnersResponse = { runners: created };
    return reply.status(201).send(response);
  });

  app.delete('/api/v1/runners/:id', async (request, reply) => {
    const { id } = parseOrThrow(RunnerIdParams, request.params, 'runner id');
    const result = await runners.remove(id);
    onRemoved?.(id);
    // 202: the container is gone, GitHub's registration is still being removed (retried in the background).
    return reply.status(result === 'done' ? 204 : 202).send();
  });
};
