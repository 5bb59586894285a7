import { AppError } from '@gha-ephemeral/contract';
import { SseStreams, type SseStream } from '@gha-ephemeral/primitives';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { requireApiKey } from '../auth/client-identity.js';
import type { OrchestratorPort } from '../upstream/orchestrator-client.js';
import { relayUpstream } from '../upstream/relay.js';

/** Options of {@link activityRoutes}. */
export interface ActivityRoutesOptions {
  orchestrator: OrchestratorPort;
  /** The event streams open through this gateway (bounded; ended at shutdown). */
  streams: SseStreams;
}

/** The orchestrator sends a heartbeat every 15 s: a stream quiet for three of them has died. */
const UPSTREAM_IDLE_MS = 45_000;

/** Event streams one gateway relays at once, and what one may have unsent before its client is dropped. */
export function gatewayEventStreams(): SseStreams {
  return new SseStreams({ maxStreams: 64, maxBufferedBytes: 1024 * 1024, heartbeatMs: 0 });
}

/** Relays the orchestrator's stream to the client until either ends; a client that reads too slowly is dropped. */
async function relay(
  body: AsyncIterable<Uint8Array>,
  stream: SseStream,
  abort: AbortController,
): Promise<void> {
  try {
    for await (const chunk of body) if (!stream.relay(chunk)) break;
  } catch {
    // The orchestrator went away or the client did (which aborts the upstream): the client reconnects.
  } finally {
    abort.abort();
    stream.close();
  }
}

/**
 * `GET /api/v1/jobs` (recent jobs, why they wait, their latency) and `GET /api/v1/events` (the dashboard's live
 * stream), behind the API key like the runner routes. The stream is the orchestrator's, relayed byte for byte.
 */
export const activityRoutes: FastifyPluginAsync<ActivityRoutesOptions> = async (app, options) => {
  const { orchestrator, streams } = options;
  app.addHook('preParsing', requireApiKey);

  app.get('/api/v1/jobs', async (request, reply) =>
    relayUpstream(
      reply,
      await orchestrator.request({ method: 'GET', path: '/api/v1/jobs', requestId: request.id }),
      orchestrator.url,
    ),
  );

  app.get('/api/v1/events', async (request: FastifyRequest, reply: FastifyReply) => {
    const tooMany = () =>
      new AppError('events.too_many_streams', 'Too many event streams are open; try later');
    if (streams.closing)
      throw new AppError('service.stopping', 'The gateway is stopping; reconnect in a moment');
    if (streams.full) throw tooMany();
    const abort = new AbortController();
    request.raw.once('close', () => abort.abort());
    const upstream = await orchestrator.stream(
      { path: '/api/v1/events', requestId: request.id, idleTimeoutMs: UPSTREAM_IDLE_MS },
      { signal: abort.signal },
    );
    if (!upstream.open) return relayUpstream(reply, upstream.response, orchestrator.url);
    const stream = streams.open(reply.raw, () => abort.abort());
    if (stream === null) {
      abort.abort();
      if (streams.closing)
        throw new AppError('service.stopping', 'The gateway is stopping; reconnect in a moment');
      throw tooMany();
    }
    reply.hijack();
    const headers = Object.entries(reply.getHeaders()).filter(([, value]) => value !== undefined);
    reply.raw.writeHead(200, {
      ...(Object.fromEntries(headers) as Record<string, string | number | string[]>),
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      'x-accel-buffering': 'no',
    });
    request.raw.socket.setTimeout(0);
    void relay(upstream.body, stream, abort);
    return reply;
  });
};
