import { verify } from 'node:crypto';
import { GitHubApiError } from '../http/github-error.js';
import type { AppRegistry, SimApp } from './app-registry.js';

const decodePart = (part: string): Record<string, unknown> | undefined => {
  try {
    const value = JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as unknown;
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
};

/** Whether a bearer credential looks like a JWT (three base64url parts). */
export function looksLikeJwt(value: string): boolean {
  return /^[\w-]+\.[\w-]+\.[\w-]+$/.test(value);
}

/**
 * Verifies an App JWT as GitHub does: RS256 signed by a registered App's key, `iss` its id or client id,
 * `exp` in the future and at most 10 minutes ahead, `iat` not in the future. Failures are 401s with GitHub's messages.
 */
export function verifyAppJwt(apps: AppRegistry, jwt: string, now = Date.now()): SimApp {
  const undecodable = new GitHubApiError(401, 'A JSON web token could not be decoded');
  const [h, p, sig] = jwt.split('.');
  const header = h ? decodePart(h) : undefined;
  const payload = p ? decodePart(p) : undefined;
  if (!header || !payload || !sig || header['alg'] !== 'RS256') throw undecodable;
  const app = apps.byIssuer(payload['iss']);
  if (!app) throw undecodable;
  const ok = verify('RSA-SHA256', Buffer.from(`${h}.${p}`), app.publicKey, Buffer.from(sig, 'base64url'));
  if (!ok) throw undecodable;
  const nowS = Math.floor(now / 1000);
  const { exp, iat } = payload;
  if (typeof exp !== 'number' || exp <= nowS) {
    throw new GitHubApiError(
      401,
      "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires",
    );
  }
  // GitHub allows exp up to 10 minutes ahead; a little clock drift is tolerated.
  if (exp > nowS + 600 + 30)
    throw new GitHubApiError(401, "'Expiration time' claim ('exp') is too far in the future");
  if (typeof iat !== 'number' || iat > nowS + 60) {
    throw new GitHubApiError(
      401,
      "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued",
    );
  }
  return app;
}
