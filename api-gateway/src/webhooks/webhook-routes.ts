import { AppError } from '@gha-ephemeral/contract';
import type { FastifyError, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { sendError, toAppError } from '@gha-ephemeral/http-errors';
import type { GatewayMetrics } from '../metrics/gateway-metrics.js';
import type { WebhookForwarder } from './forwarder.js';
import { readPayload } from './payload.js';
import { RefusalLog } from './refusal-log.js';
import { checkSignature, inspectSignatureHeader } from './signature.js';
import * as refusals from './webhook-errors.js';
import type { Refusal } from './webhook-errors.js';
import { normalizeWorkflowJob, type NormalizedWorkflowJob } from './workflow-job.js';

/**
 * Largest delivery read. GitHub caps payloads at 25 MB, but a `workflow_job` or `ping` delivery is a few
 * kilobytes (repository, organization and sender included); only events this endpoint ignores (a huge `push`)
 * come near the cap. The route is unauthenticated until the signature is checked, so the bound is kept small:
 * anything larger is refused with 413 before it is read.
 */
export const WEBHOOK_BODY_LIMIT = 1024 * 1024;

/** Options of {@link webhookRoutes}. */
export interface WebhookRoutesOptions {
  /** `GITHUB_WEBHOOK_SECRET`; null answers every delivery 503 `webhook.not_configured`. */
  secret: string | null;
  forwarder: WebhookForwarder;
  metrics: GatewayMetrics;
  /** The clock of the refusal log, in ms since the epoch (tests pass their own). Default `Date.now`. */
  now?: () => number;
}

const header = (request: FastifyRequest, name: string): string | undefined => {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

/** The `workflow_job` event in a verified delivery, read from its body and `X-GitHub-Delivery`. */
function readWorkflowJob(request: FastifyRequest, body: Buffer): NormalizedWorkflowJob {
  const payload = readPayload(body, header(request, 'content-type'));
  if (payload.kind === 'invalid') return payload;
  const deliveryId = header(request, 'x-github-delivery');
  if (deliveryId === undefined || deliveryId === '' || deliveryId.length > 100) {
    return { kind: 'invalid', problem: 'the X-GitHub-Delivery header is missing or too long' };
  }
  return normalizeWorkflowJob(payload.value, deliveryId);
}

/** An event name as it may be echoed in an answer: GitHub's are short snake_case words. */
const echoable = (event: string): string => (/^[a-z_]{1,40}$/.test(event) ? event : '(unknown)');

/**
 * `POST /webhooks/github`: GitHub's deliveries. Before a byte of the body is read (`onRequest`), a delivery
 * without `X-Hub-Signature-256`, or with one that is not `sha256=<64 hex digits>`, gets 401 and the connection is
 * closed. Then the signature of the raw body is checked before anything else is read from it: forged deliveries
 * get 401 and go no further. Refusals are counted in the metrics and warned about at most once a minute (see
 * {@link RefusalLog}). `ping` gets 200; `workflow_job` gets 202 at once and is handed to the orchestrator in the
 * background (a full queue answers 503, so the delivery shows as failed on GitHub and can be redelivered); every
 * other event gets 202 and is ignored. No API key and no per-client rate limit: GitHub sends bursts from a few
 * addresses, and the signature is the authentication.
 */
export const webhookRoutes: FastifyPluginAsync<WebhookRoutesOptions> = async (app, options) => {
  const { secret, forwarder, metrics } = options;
  const refusalLog = new RefusalLog({ logger: app.log, ...(options.now ? { now: options.now } : {}) });
  app.addHook('onClose', async () => refusalLog.close());
  // The raw bytes, for the HMAC: this plugin's own parser (encapsulated) replaces the app's JSON parser.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

  app.setErrorHandler((error: FastifyError, request, reply) => {
    metrics.countDelivery(header(request, 'x-github-event'), 'invalid');
    const mapped =
      error.code === 'FST_ERR_CTP_BODY_TOO_LARGE'
        ? new AppError(
            'request.too_large',
            `The delivery is larger than ${WEBHOOK_BODY_LIMIT / 1024} KiB; only workflow_job and ping events are handled here`,
          )
        : toAppError(error, { service: 'gateway', bodyLimit: WEBHOOK_BODY_LIMIT });
    if (mapped.statusCode >= 500) request.log.error({ category: 'ERROR', err: mapped }, 'webhook failed');
    sendError(reply, mapped);
  });

  const refuse = (request: FastifyRequest, reply: FastifyReply, { result, error }: Refusal) => {
    metrics.countDelivery(header(request, 'x-github-event'), result);
    const delivery = header(request, 'x-github-delivery')?.slice(0, 100);
    refusalLog.record({ code: error.code, delivery, client: request.ip });
    sendError(reply, error);
    return reply;
  };
  // Refused on the headers alone: the body is neither read nor waited for, and closing the connection spares
  // Node draining it.
  const refuseEarly = (request: FastifyRequest, reply: FastifyReply, refusal: Refusal) => {
    void reply.header('connection', 'close');
    return refuse(request, reply, refusal);
  };
  const checkHeaders = async (request: FastifyRequest, reply: FastifyReply) => {
    if (secret === null) return refuseEarly(request, reply, refusals.notConfigured());
    const form = inspectSignatureHeader(request.headers['x-hub-signature-256']);
    if (form === 'missing') return refuseEarly(request, reply, refusals.signatureMissing());
    if (form === 'malformed') return refuseEarly(request, reply, refusals.signatureMalformed());
    return undefined;
  };
  const answer = (reply: FastifyReply, event: string, status: 200 | 202, body: Record<string, string>) => {
    metrics.countDelivery(
      event,
      body['status'] === 'ignored' ? 'ignored' : event === 'ping' ? 'ping' : 'accepted',
    );
    return reply.status(status).send(body);
  };

  const route = {
    bodyLimit: WEBHOOK_BODY_LIMIT,
    config: { rateLimit: false },
    onRequest: checkHeaders,
  } as const;
  app.post('/webhooks/github', route, async (request, reply) => {
    if (secret === null) return refuse(request, reply, refusals.notConfigured());
    const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    const signature = await checkSignature(secret, body, request.headers['x-hub-signature-256']);
    if (signature === 'missing') return refuse(request, reply, refusals.signatureMissing());
    if (signature === 'invalid') return refuse(request, reply, refusals.signatureInvalid());

    const event = header(request, 'x-github-event') ?? '(none)';
    if (event === 'ping') {
      request.log.info({ category: 'INFO', delivery: header(request, 'x-github-delivery') }, 'webhook ping');
      return answer(reply, event, 200, { status: 'pong' });
    }
    if (event !== 'workflow_job') {
      return answer(reply, event, 202, {
        status: 'ignored',
        reason: `event ${echoable(event)} is not handled`,
      });
    }
    const job = readWorkflowJob(request, body);
    if (job.kind === 'invalid') return refuse(request, reply, refusals.payloadInvalid(job.problem));
    if (job.kind === 'ignored') {
      return answer(reply, event, 202, { status: 'ignored', reason: `action ${job.action} is not handled` });
    }
    if (!forwarder.enqueue(job.event, request.id)) {
      void reply.header('retry-after', '10');
      return refuse(request, reply, refusals.overloaded());
    }
    return answer(reply, event, 202, { status: 'accepted' });
  });
};
