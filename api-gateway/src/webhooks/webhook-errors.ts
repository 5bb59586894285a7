import { AppError } from '@gha-ephemeral/contract';
import type { WebhookDeliveryResult } from '../metrics/gateway-metrics.js';

/** A refusal of a delivery: the error GitHub is answered with, and how it is counted. */
export interface Refusal {
  result: WebhookDeliveryResult;
  error: AppError;
}

/** No `GITHUB_WEBHOOK_SECRET`: nothing can be verified, so nothing is accepted. */
export const notConfigured = (): Refusal => ({
  result: 'not_configured',
  error: new AppError(
    'webhook.not_configured',
    'This gateway has no webhook secret, so it cannot verify GitHub deliveries: set GITHUB_WEBHOOK_SECRET (or ' +
      'GITHUB_WEBHOOK_SECRET_FILE) to the secret of the GitHub webhook, and restart the gateway',
  ),
});

/** No `X-Hub-Signature-256`: the hook on GitHub has no secret, or the sender is not GitHub. */
export const signatureMissing = (): Refusal => ({
  result: 'unsigned',
  error: new AppError(
    'webhook.signature_missing',
    'The delivery has no X-Hub-Signature-256 header: set a secret on the GitHub webhook (the same as GITHUB_WEBHOOK_SECRET)',
  ),
});

/** A signature that does not match: another secret, an altered body, or a forgery. */
export const signatureInvalid = (): Refusal => ({
  result: 'forged',
  error: new AppError(
    'webhook.signature_invalid',
    'The X-Hub-Signature-256 does not match the body: the webhook secret on GitHub differs from GITHUB_WEBHOOK_SECRET, or the body was altered',
  ),
});

/** An `X-Hub-Signature-256` that is not `sha256=<64 hex digits>`: no body can match it, so none is read. */
export const signatureMalformed = (): Refusal => ({
  result: 'forged',
  error: new AppError(
    'webhook.signature_invalid',
    'The X-Hub-Signature-256 header is not "sha256=" and 64 hex digits, as GitHub sends it: the sender is not GitHub',
  ),
});

/** A signed `workflow_job` delivery whose payload cannot be read. */
export const payloadInvalid = (problem: string): Refusal => ({
  result: 'invalid',
  error: new AppError('webhook.payload_invalid', `The workflow_job delivery cannot be read: ${problem}`),
});

/** The hand-over queue is full. */
export const overloaded = (): Refusal => ({
  result: 'overloaded',
  error: new AppError(
    'webhook.overloaded',
    'Too many deliveries are waiting for the orchestrator; redeliver this one from the webhook settings on GitHub',
  ),
});
