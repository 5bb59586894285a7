import { createHmac } from 'node:crypto';

/** `X-Hub-Signature-256` for a body: `sha256=` and the hex HMAC-SHA256 of the raw bytes with the secret. */
export function signWebhookBody(secret: string, body: string | Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}
