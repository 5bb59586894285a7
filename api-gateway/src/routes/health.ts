import { Health, isAppError } from '@gha-ephemeral/contract';
import type { FastifyPluginAsync } from 'fastify';
import type { OrchestratorPort } from '../upstream/orchestrator-client.js';

/** Options of {@link healthRoutes}. */
export interface HealthRoutesOptions {
  orchestrator: OrchestratorPort;
  version: string;
  /** When the gateway started (ms since the epoch). */
  startedAt: number;
}

/** A health probe (Docker's, a load balancer's) gives up after a few seconds: answer before it does. */
const HEALTH_TIMEOUT_MS = 3000;

type Dependency = Health['dependencies'][string];

/**
 * `/health` is public: say what kind of failure it is, without the orchestrator's internal address (the runner
 * routes' errors, for clients with a key, name it).
 */
function describeFailure(error: unknown): string {
  const code = isAppError(error) ? error.code : null;
  if (code === 'upstream.unavailable') return 'cannot be reached';
  if (code === 'upstream.timeout') return `no answer within ${HEALTH_TIMEOUT_MS / 1000} s`;
  return 'unexpected answer';
}

/** The orchestrator as the gateway sees it; `reachable` is false when it could not be asked at all. */
async function orchestratorHealth(
  orchestrator: OrchestratorPort,
): Promise<{ reachable: boolean; health: Dependency }> {
  try {
    const response = await orchestrator.request({
      method: 'GET',
      path: '/health',
      timeoutMs: HEALTH_TIMEOUT_MS,
    });
    const parsed = Health.safeParse(response.json);
    if (!parsed.success) {
      return {
        reachable: false,
        health: { status: 'down', message: `unexpected answer (HTTP ${response.statusCode})` },
      };
    }
    const { status, version, dependencies } = parsed.data;
    if (status === 'ok') return { reachable: true, health: { status: 'ok', version } };
    // Only which of its dependencies are down: their messages may name sockets and hosts of the inside.
    const down = Object.entries(dependencies)
      .filter(([, dependency]) => dependency.status === 'down')
      .map(([name]) => name);
    const message = `the orchestrator reports ${down.length > 0 ? `${down.join(', ')} down` : `status ${status}`}`;
    return { reachable: true, health: { status: 'down', version, message } };
  } catch (error) {
    return { reachable: false, health: { status: 'down', message: describeFailure(error) } };
  }
}

/**
 * `GET /health`: the gateway's own state and the orchestrator's, with versions. 200 `ok`; 200 `degraded` when the
 * orchestrator answers but reports a dependency (Docker, GitHub) down, since the gateway itself still works;
 * 503 `down` when the orchestrator cannot be reached. Never rate limited, never logged per request.
 */
export const healthRoutes: FastifyPluginAsync<HealthRoutesOptions> = async (app, options) => {
  app.get('/health', { config: { rateLimit: false } }, async (_request, reply) => {
    const orchestrator = await orchestratorHealth(options.orchestrator);
    const status = !orchestrator.reachable ? 'down' : orchestrator.health.status === 'ok' ? 'ok' : 'degraded';
    const body: Health = {
      status,
      service: 'api-gateway',
      version: options.version,
      uptimeSeconds: Math.round((Date.now() - options.startedAt) / 1000),
      dependencies: { orchestrator: orchestrator.health },
    };
    return reply.status(status === 'down' ? 503 : 200).send(body);
  });
};
