import { createHmac, randomUUID } from 'node:crypto';
import { scopeKey } from '../state/store.js';
import type { RunnerScope } from '../state/types.js';

/** The claims of an Actions service admin token, as the simulator issues it. */
export interface AdminJwtClaims {
  iss: 'github-sim';
  aud: 'actions-service';
  /** The scope it was issued for: `repo:owner/name` or `org:name` (lower case). */
  sub: string;
  /** What the token may do; GitHub's admin tokens carry a scope claim too. */
  scp: 'Actions.RunnerAdmin';
  /** Epoch seconds. */
  iat: number;
  nbf: number;
  exp: number;
  jti: string;
}

const b64url = (value: string | Buffer): string => Buffer.from(value).toString('base64url');

/**
 * Signs a JWT-shaped admin token (HS256) for a scope. The simulator still looks tokens up by value; the JWT
 * shape exists so clients can read `exp` and refresh before it, as they must with GitHub.
 */
export function signAdminJwt(key: string, scope: RunnerScope, now: number, expiresAt: number): string {
  const claims: AdminJwtClaims = {
    iss: 'github-sim',
    aud: 'actions-service',
    sub: scopeKey(scope),
    scp: 'Actions.RunnerAdmin',
    iat: Math.floor(now / 1000),
    nbf: Math.floor(now / 1000),
    // Rounded down, so a client refreshing before `exp` never holds a token the simulator already refuses.
    exp: Math.floor(expiresAt / 1000),
    jti: randomUUID(),
  };
  const head = `${b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))}.${b64url(JSON.stringify(claims))}`;
  return `${head}.${b64url(createHmac('sha256', key).update(head).digest())}`;
}

/** Reads the claims of an admin JWT without checking it (what a client does to learn `exp`). */
export function readAdminJwtClaims(token: string): AdminJwtClaims | undefined {
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  try {
    return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as AdminJwtClaims;
  } catch {
    return undefined;
  }
}
