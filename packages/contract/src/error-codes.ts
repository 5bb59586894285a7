/**
 * Every error code the product emits, in one place. Codes are namespaced (`area.reason`), stable, and part of
 * the HTTP contract: clients may branch on them, so a code is never renamed, only added.
 */
export const ErrorCodes = {
  // request validation (gateway and orchestrator)
  'request.invalid': { statusCode: 400, retryable: false },
  'request.invalid_json': { statusCode: 400, retryable: false },
  'request.unsupported_media_type': { statusCode: 415, retryable: false },
  'request.too_large': { statusCode: 413, retryable: false },
  'request.not_found': { statusCode: 404, retryable: false },
  'request.method_not_allowed': { statusCode: 405, retryable: false },
  'auth.missing': { statusCode: 401, retryable: false },
  'auth.invalid': { statusCode: 401, retryable: false },
  'auth.not_configured': { statusCode: 401, retryable: false },
  'rate_limit.exceeded': { statusCode: 429, retryable: true },
  // runners
  'runner.not_found': { statusCode: 404, retryable: false },
  'runner.capacity_reached': { statusCode: 429, retryable: true },
  'runner.template_invalid': { statusCode: 500, retryable: false },
  'runner.public_repository': { statusCode: 403, retryable: false },
  // upstream: GitHub
  'github.unauthorized': { statusCode: 502, retryable: false },
  'github.forbidden': { statusCode: 502, retryable: false },
  'github.not_found': { statusCode: 422, retryable: false },
  'github.conflict': { statusCode: 409, retryable: false },
  'github.validation_failed': { statusCode: 422, retryable: false },
  'github.rate_limited': { statusCode: 503, retryable: true },
  'github.unavailable': { statusCode: 502, retryable: true },
  'github.app_not_installed': { statusCode: 502, retryable: false },
  'github.app_installation_ambiguous': { statusCode: 502, retryable: false },
  // upstream: GitHub's Actions service (runner scale sets)
  'github.session_conflict': { statusCode: 409, retryable: true },
  'github.runner_exists': { statusCode: 409, retryable: false },
  'github.job_still_running': { statusCode: 409, retryable: true },
  // upstream: the container runtime
  'runtime.unavailable': { statusCode: 503, retryable: true },
  'runtime.image_unavailable': { statusCode: 502, retryable: false },
  'runtime.failed': { statusCode: 502, retryable: true },
  // gateway to orchestrator
  'upstream.unavailable': { statusCode: 503, retryable: true },
  'upstream.timeout': { statusCode: 504, retryable: true },
  'upstream.bad_response': { statusCode: 502, retryable: true },
  'upstream.unauthorized': { statusCode: 502, retryable: false },
  // webhooks
  'webhook.signature_invalid': { statusCode: 401, retryable: false },
  'webhook.not_configured': { statusCode: 503, retryable: false },
  'webhook.signature_missing': { statusCode: 401, retryable: false },
  'webhook.payload_invalid': { statusCode: 400, retryable: false },
  'webhook.overloaded': { statusCode: 503, retryable: true },

  'events.too_many_streams': { statusCode: 503, retryable: true },
  'service.stopping': { statusCode: 503, retryable: true },
  'ui.not_built': { statusCode: 503, retryable: false },
  // configuration
  'config.invalid': { statusCode: 500, retryable: false },
  internal: { statusCode: 500, retryable: false },
} as const satisfies Record<string, { statusCode: number; retryable: boolean }>;

/** A stable, namespaced error code. */
export type ErrorCode = keyof typeof ErrorCodes;
