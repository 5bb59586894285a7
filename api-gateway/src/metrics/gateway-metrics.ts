import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

/** Why a webhook delivery was answered the way it was: one label value of `webhook_deliveries_total`. */
export type WebhookDeliveryResult =
  'accepted' | 'ping' | 'ignored' | 'unsigned' | 'forged' | 'invalid' | 'not_configured' | 'overloaded';

/** Options of {@link GatewayMetrics}. */
export interface GatewayMetricsOptions {
  /** Also export Node's process metrics (CPU, memory, event loop lag): once per process, in `main.ts`. */
  processMetrics?: boolean;
}

const PREFIX = 'gha_ephemeral_gateway_';

/**
 * The gateway's Prometheus metrics, in a registry of their own (one per app: tests build many). Labels are
 * bounded sets (route patterns, status codes, results), never ids, names or addresses.
 */
export class GatewayMetrics {
  readonly registry = new Registry();
  readonly httpRequests: Counter<'method' | 'route' | 'status'>;
  readonly httpDuration: Histogram<'method' | 'route'>;
  readonly upstreamErrors: Counter<'code'>;
  readonly webhookDeliveries: Counter<'event' | 'result'>;
  readonly webhookForwards: Counter<'result'>;
  readonly webhookForwardRetries: Counter;

  constructor(options: GatewayMetricsOptions = {}) {
    const registers = [this.registry];
    this.httpRequests = new Counter({
      name: `${PREFIX}http_requests_total`,
      help: 'HTTP requests answered, by method, route pattern and status code',
      labelNames: ['method', 'route', 'status'],
      registers,
    });
    this.httpDuration = new Histogram({
      name: `${PREFIX}http_request_duration_seconds`,
      help: 'Time to answer an HTTP request, by method and route pattern',
      labelNames: ['method', 'route'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.upstreamErrors = new Counter({
      name: `${PREFIX}upstream_errors_total`,
      help: 'Requests to the orchestrator that failed (upstream.unavailable, upstream.timeout, upstream.bad_response, upstream.unauthorized)',
      labelNames: ['code'],
      registers,
    });
    this.webhookDeliveries = new Counter({
      name: `${PREFIX}webhook_deliveries_total`,
      help: 'GitHub webhook deliveries received, by event and result (accepted, ping, ignored, unsigned, forged, invalid, not_configured, overloaded)',
      labelNames: ['event', 'result'],
      registers,
    });
    this.webhookForwards = new Counter({
      name: `${PREFIX}webhook_forwards_total`,
      help: 'workflow_job events handed to the orchestrator, by result (delivered, rejected, failed, abandoned)',
      labelNames: ['result'],
      registers,
    });
    this.webhookForwardRetries = new Counter({
      name: `${PREFIX}webhook_forward_retries_total`,
      help: 'Repeated attempts to hand a workflow_job event to the orchestrator',
      registers,
    });
    if (options.processMetrics === true) collectDefaultMetrics({ register: this.registry, prefix: PREFIX });
  }

  /** Counts one delivery. GitHub's event names are a bounded set; anything odd is counted as `other`. */
  countDelivery(event: string | undefined, result: WebhookDeliveryResult): void {
    const name = event !== undefined && /^[a-z_]{1,40}$/.test(event) ? event : 'other';
    this.webhookDeliveries.inc({ event: name, result });
  }
}
