/** What replaces a secret in a message. */
export const REDACTED = '[REDACTED]';

// Shorter values ("1", "true", "yes") are not secrets, and replacing them would garble every message.
const MIN_SECRET_LENGTH = 4;

/** Replaces known secret values (a container's env values) in text. */
export interface SecretRedactor {
  redact(text: string): string;
}

/**
 * A redactor for the given values. Longer values are replaced first, so a secret that contains another one is
 * removed whole.
 */
export function createSecretRedactor(values: Iterable<string>): SecretRedactor {
  const secrets = [...new Set(values)]
    .filter((value) => value.length >= MIN_SECRET_LENGTH)
    .sort((a, b) => b.length - a.length);
  return {
    redact(text: string): string {
      let result = text;
      for (const secret of secrets) {
        if (result.includes(secret)) result = result.split(secret).join(REDACTED);
      }
      return result;
    },
  };
}

/** A redactor that changes nothing, for calls that carry no secret. */
export const noSecrets: SecretRedactor = { redact: (text) => text };

/**
 * Scrubs a dockerode error in place: its message and the engine's JSON body can echo what was sent (an invalid
 * env entry, for example). The error object stays the same so it can still be the `cause` with its stack.
 */
export function redactErrorInPlace(error: unknown, redactor: SecretRedactor): void {
  if (!(error instanceof Error)) return;
  error.message = redactor.redact(error.message);
  if (typeof error.stack === 'string') error.stack = redactor.redact(error.stack);
  const withJson = error as Error & { json?: unknown };
  if (withJson.json !== undefined && withJson.json !== null) {
    withJson.json = redactValue(withJson.json, redactor, 0);
  }
}

// Walks strings inside the engine's JSON body (a secret with a quote in it would not match in serialized JSON).
function redactValue(value: unknown, redactor: SecretRedactor, depth: number): unknown {
  if (typeof value === 'string') return redactor.redact(value);
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => redactValue(item, redactor, depth + 1));
  if (Buffer.isBuffer(value)) return redactor.redact(value.toString('utf8'));
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [key, redactValue(item, redactor, depth + 1)]),
  );
}
