import { AppError } from '@gha-ephemeral/contract';
import type { GitHubScope } from '../scope.js';
import { scopeTarget } from '../scope.js';
import { actionsHttpError, actionsNetworkError } from './actions-errors.js';

/** What the Actions service's admin token is got with. */
export interface ActionsAuthOptions {
  /** The REST base (`GITHUB_API_URL`): `runner-registration` is under it. */
  restBaseUrl: string;
  /** The web origin runners register against (`https://github.com`, or a GHES host). */
  webUrl: string;
  scope: GitHubScope;
  /** Mints a registration token for the scope (a REST write; one per admin token). */
  registrationToken: (signal?: AbortSignal) => Promise<string>;
  fetch: typeof fetch;
  now: () => number;
  userAgent: string;
  /** Told of each admin token (with its expiry), so that the logs can redact it. */
  onSecret?: ((secret: string, options?: { expiresAt?: number }) => unknown) | undefined;
}

/** Waits for `promise`, or rejects with `signal`'s reason when it aborts first; the promise itself goes on. */
function untilAborted<T>(promise: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (signal === undefined) return promise;
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** The Actions service's URL for a scope and the admin token for it. */
export interface ActionsAdmin {
  url: string;
  token: string;
  expiresAtMs: number;
}

/** Refresh the admin token this long before it expires: a long poll or a burst of registrations spans minutes. */
const REFRESH_MARGIN_MS = 5 * 60_000;
/** When a token carries no readable `exp`: GitHub's admin tokens live an hour; assume less. */
const UNKNOWN_LIFETIME_MS = 50 * 60_000;

/** The `exp` claim of a JWT in ms, or null when the token is not a readable JWT. */
export function jwtExpiryMs(token: string): number | null {
  const payload = token.split('.')[1];
  if (payload === undefined) return null;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { exp?: unknown };
    return typeof claims.exp === 'number' ? claims.exp * 1000 : null;
  } catch {
    return null;
  }
}

/**
 * The admin token of the Actions service for one scope, got by trading a registration token at
 * `POST {REST}/actions/runner-registration` and kept until shortly before its `exp`. Concurrent callers share
 * one exchange.
 */
export class ActionsAuth {
  readonly #options: ActionsAuthOptions;
  #current: ActionsAdmin | null = null;
  #pending: Promise<ActionsAdmin> | null = null;

  constructor(options: ActionsAuthOptions) {
    this.#options = options;
  }

  /** The service URL and a token valid for a few minutes at least. */
  async admin(signal?: AbortSignal): Promise<ActionsAdmin> {
    const current = this.#current;
    if (current !== null && this.#options.now() < current.expiresAtMs - REFRESH_MARGIN_MS) return current;
    // Shared by every caller, so it is bound by its own deadlines, not by whichever caller came first.
    this.#pending ??= this.#exchange().finally(() => (this.#pending = null));
    return untilAborted(this.#pending, signal);
  }

  /** Drops the token (the service refused it): the next call exchanges a new one. */
  invalidate(token: string): void {
    if (this.#current?.token === token) this.#current = null;
  }

  async #exchange(): Promise<ActionsAdmin> {
    const { restBaseUrl, webUrl, scope, now } = this.#options;
    const what = `get the Actions service token for ${scopeTarget(scope)}`;
    const registration = await this.#options.registrationToken();
    let response: Response;
    try {
      response = await this.#options.fetch(`${restBaseUrl.replace(/\/$/, '')}/actions/runner-registration`, {
        method: 'POST',
        headers: {
          authorization: `RemoteAuth ${registration}`,
          'content-type': 'application/json',
          accept: 'application/json',
          'user-agent': this.#options.userAgent,
        },
        body: JSON.stringify({
          url: `${webUrl.replace(/\/$/, '')}/${scopeTarget(scope)}`,
          runner_event: 'register',
        }),
      });
    } catch (error) {
      throw actionsNetworkError(error, what);
    }
    const text = await response.text();
    if (!response.ok) throw actionsHttpError(response.status, text, what);
    let body: { url?: unknown; token?: unknown } = {};
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      // Reported below as an answer without url or token.
    }
    if (typeof body.url !== 'string' || typeof body.token !== 'string') {
      throw new AppError('github.unavailable', `Could not ${what}: the answer lacks url or token`);
    }
    const expiresAtMs = jwtExpiryMs(body.token) ?? now() + UNKNOWN_LIFETIME_MS;
    this.#options.onSecret?.(body.token, { expiresAt: expiresAtMs });
    this.#current = { url: body.url, token: body.token, expiresAtMs };
    return this.#current;
  }
}
