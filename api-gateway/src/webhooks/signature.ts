import { verify } from '@octokit/webhooks-methods';

/** What the `X-Hub-Signature-256` of a delivery says. */
export type SignatureCheck = 'valid' | 'missing' | 'invalid';

/** The only form GitHub sends: `sha256=` and the 64 hex digits of an HMAC-SHA256. */
const SIGNATURE_FORM = /^sha256=[0-9a-f]{64}$/i;

/**
 * What can be told from the `X-Hub-Signature-256` header alone, before a byte of the body is read: `missing`,
 * `malformed` (not `sha256=<64 hex digits>`, so no body can match it), or `plausible` (the body decides).
 */
export function inspectSignatureHeader(
  header: string | string[] | undefined,
): 'missing' | 'malformed' | 'plausible' {
  const signature = Array.isArray(header) ? header[0] : header;
  if (signature === undefined || signature.trim() === '') return 'missing';
  return SIGNATURE_FORM.test(signature.trim()) ? 'plausible' : 'malformed';
}

/**
 * Checks `X-Hub-Signature-256` (`sha256=<hex HMAC-SHA256 of the raw body>`) with @octokit/webhooks-methods,
 * which compares in constant time. The HMAC is over the bytes GitHub sent: the body is never parsed and
 * re-serialized first. A body that is not UTF-8 cannot match (GitHub sends JSON, always UTF-8).
 */
export async function checkSignature(
  secret: string,
  body: Buffer,
  header: string | string[] | undefined,
): Promise<SignatureCheck> {
  const signature = Array.isArray(header) ? header[0] : header;
  if (signature === undefined || signature.trim() === '') return 'missing';
  const text = body.toString('utf8');
  // verify() refuses an empty payload, and a body that did not survive decoding was not what was signed.
  if (text === '' || !Buffer.from(text, 'utf8').equals(body)) return 'invalid';
  try {
    return (await verify(secret, text, signature.trim())) ? 'valid' : 'invalid';
  } catch {
    return 'invalid';
  }
}
