import {
  callEngine,
  engineStatusCode,
  toLabelFilters,
  type EngineCallContext,
} from '@gha-ephemeral/runtime-docker';
import type Dockerode from 'dockerode';
import { engineRequest, type EngineRequest } from './engine-request.js';
import { describeRunner, newestTask, type DescribedRunner } from './runner-mapping.js';
import type { SwarmNode, SwarmService, SwarmTask } from './swarm-types.js';

// Service ids per `GET /tasks` filter: the filter travels in the URL, which must stay short.
const SERVICES_PER_TASK_QUERY = 40;

/**
 * The Swarm API calls of the runtime, each bounded like every engine request ({@link callEngine}): errors are the
 * engine's, for the runtime to map to its port's errors.
 */
export class SwarmEngine {
  constructor(
    readonly docker: Dockerode,
    readonly context: EngineCallContext,
    private readonly placementTimeoutMs: number,
  ) {}

  /** One bounded request. */
  request<T>(operation: string, signal: AbortSignal | undefined, request: EngineRequest): Promise<T> {
    return callEngine(this.context, operation, signal, (abortSignal) =>
      engineRequest<T>(this.docker, request, abortSignal),
    );
  }

  /** The services that carry every label. */
  listServices(labels: Readonly<Record<string, string>>, signal: AbortSignal | undefined) {
    return this.request<SwarmService[]>('list services', signal, {
      method: 'GET',
      path: '/services',
      query: { filters: { label: toLabelFilters(labels) } },
    });
  }

  /** One service by id, id prefix or name; null when there is none. */
  async inspectService(idOrName: string, signal: AbortSignal | undefined): Promise<SwarmService | null> {
    try {
      return await this.request<SwarmService>(`inspect service ${idOrName}`, signal, {
        method: 'GET',
        path: `/services/${encodeURIComponent(idOrName)}`,
      });
    } catch (error) {
      if (engineStatusCode(error) === 404) return null;
      throw error;
    }
  }

  /** The services as runners: each with its newest task, read with the nodes' state at the same moment. */
  async describe(
    services: readonly SwarmService[],
    signal: AbortSignal | undefined,
  ): Promise<DescribedRunner[]> {
    if (services.length === 0) return [];
    const [tasks, downNodes] = await Promise.all([
      this.listTasks(
        services.map((service) => service.ID),
        signal,
      ),
      this.listDownNodes(signal),
    ]);
    const byService = new Map<string, SwarmTask[]>();
    for (const task of tasks) byService.set(task.ServiceID, [...(byService.get(task.ServiceID) ?? []), task]);
    const context = { now: Date.now(), placementTimeoutMs: this.placementTimeoutMs, downNodes };
    return services.map((service) =>
      describeRunner(service, newestTask(byService.get(service.ID) ?? []), context),
    );
  }

  private async listTasks(
    serviceIds: readonly string[],
    signal: AbortSignal | undefined,
  ): Promise<SwarmTask[]> {
    const tasks: SwarmTask[] = [];
    for (let start = 0; start < serviceIds.length; start += SERVICES_PER_TASK_QUERY) {
      const service = serviceIds.slice(start, start + SERVICES_PER_TASK_QUERY);
      tasks.push(
        ...(await this.request<SwarmTask[]>('list tasks', signal, {
          method: 'GET',
          path: '/tasks',
          query: { filters: { service } },
        })),
      );
    }
    // The service filter also matches by name prefix: keep only the tasks of the services asked about.
    const wanted = new Set(serviceIds);
    return tasks.filter((task) => wanted.has(task.ServiceID));
  }

  private async listDownNodes(signal: AbortSignal | undefined): Promise<Set<string>> {
    const nodes = await this.request<SwarmNode[]>('list nodes', signal, { method: 'GET', path: '/nodes' });
    return new Set(nodes.filter((node) => node.Status?.State === 'down').map((node) => node.ID));
  }
}
