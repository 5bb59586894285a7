import { isAppError } from '@gha-ephemeral/contract';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { ApiKeyRing } from '../auth/api-key-ring.js';
import { registerClientIdentity } from '../auth/client-identity.js';
import type { OrchestratorPort } from '../upstream/orchestrator-client.js';
import { activityRoutes, gatewayEventStreams } from './activity.js';

const KEY = 'activity-route-key-0123456789abcdef';

/** An orchestrator port that records what it was asked: the route must not reach it while the gateway stops. */
function recordingPort(): OrchestratorPort & { asked: number } {
  const port = {
    url: 'http://orchestrator.invalid',
    asked: 0,
    request: async () => {
      port.asked += 1;
      throw new Error('not expected');
    },
    stream: async () => {
      port.asked += 1;
      throw new Error('not expected');
    },
    close: async () => undefined,
  };
  return port;
}

describe('the event stream route while the gateway stops', () => {
  it('answers 503 service.stopping and opens nothing upstream', async () => {
    const app = Fastify();
    registerClientIdentity(app, new ApiKeyRing([KEY]));
    // The app's own handler needs the rate limiter; the error's code and status are what this test is about.
    app.setErrorHandler((error, _request, reply) =>
      isAppError(error)
        ? reply.status(error.statusCode).send({ code: error.code })
        : reply.status(500).send(),
    );
    const orchestrator = recordingPort();
    const streams = gatewayEventStreams();
    await app.register(activityRoutes, { orchestrator, streams });
    streams.closeAll('bye', { type: 'bye', reason: 'shutdown' });
    const response = await app.inject({
      method: 'GET',
      url: '/api/v1/events',
      headers: { authorization: `Bearer ${KEY}` },
    });
    expect(response.statusCode).toBe(503);
    expect(response.json()).toMatchObject({ code: 'service.stopping' });
    expect(orchestrator.asked).toBe(0);
    await app.close();
  });
});
