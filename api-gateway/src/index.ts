export { buildApp, BODY_LIMIT, type AppDeps } from './app.js';
export { GATEWAY_SECRETS, loadGatewayConfig, redactedGatewayConfig, type GatewayConfig } from './config.js';
export { MIN_API_KEY_LENGTH, type CorsOrigins, type TrustProxy } from './config-fields.js';
export { ApiKeyRing, type ClientIdentity } from './auth/api-key-ring.js';
export { buildOpenApiDocument, serializeOpenApiDocument } from './docs/openapi-document.js';
export type { RateLimitSettings } from './http/rate-limit.js';
export {
  MAX_UPSTREAM_BODY_BYTES,
  OrchestratorClient,
  type OrchestratorClientOptions,
  type OrchestratorPort,
  type UpstreamRequest,
  type UpstreamResponse,
} from './upstream/orchestrator-client.js';
export { VERSION } from './version.js';
export {
  GatewayMetrics,
  type GatewayMetricsOptions,
  type WebhookDeliveryResult,
} from './metrics/gateway-metrics.js';
export {
  WebhookForwarder,
  WORKFLOW_JOBS_PATH,
  type ForwardResult,
  type WebhookForwarderOptions,
} from './webhooks/forwarder.js';
export { checkSignature, type SignatureCheck } from './webhooks/signature.js';
export { normalizeWorkflowJob, type NormalizedWorkflowJob } from './webhooks/workflow-job.js';
export { WEBHOOK_BODY_LIMIT } from './webhooks/webhook-routes.js';
