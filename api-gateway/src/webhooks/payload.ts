/** A delivery's body read as JSON, or why it could not be. */
export type PayloadRead = { kind: 'json'; value: unknown } | { kind: 'invalid'; problem: string };

/**
 * Reads a delivery's JSON from its raw body: `application/json` as is, and `application/x-www-form-urlencoded`
 * (the other content type a GitHub webhook can be set to) from its `payload` field.
 */
export function readPayload(body: Buffer, contentType: string | undefined): PayloadRead {
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  let text = body.toString('utf8');
  if (type === 'application/x-www-form-urlencoded') {
    const payload = new URLSearchParams(text).get('payload');
    if (payload === null) return { kind: 'invalid', problem: 'the form has no "payload" field' };
    text = payload;
  } else if (type !== 'application/json') {
    return {
      kind: 'invalid',
      problem: `unexpected Content-Type "${type}" (application/json or application/x-www-form-urlencoded)`,
    };
  }
  try {
    return { kind: 'json', value: JSON.parse(text) as unknown };
  } catch {
    return { kind: 'invalid', problem: 'the body is not JSON' };
  }
}
