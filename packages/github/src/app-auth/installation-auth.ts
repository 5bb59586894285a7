import { createAppAuth } from '@octokit/auth-app';
import type { Octokit } from '@octokit/core';
import { statusOf } from '../errors.js';
import { findInstallation } from './find-installation.js';
import { InstallationTokenCache, type InstallationTokenStats } from './installation-token-cache.js';

type RequestInterface = Octokit['request'];
type Route = Parameters<RequestInterface>[0];
type Parameters_ = Parameters<RequestInterface>[1];
type Response = Awaited<ReturnType<RequestInterface>>;

/** GitHub App credentials: the client acts as one installation of the App. */
export interface GitHubAppAuth {
  /** The App's id (or its client id, which GitHub also accepts as the JWT issuer). */
  appId: string | number;
  /** The App's private key, PEM (PKCS#1 as GitHub hands it out, or PKCS#8). */
  privateKey: string;
  /** The installation to act as; when absent it is found (see {@link findInstallation}). */
  installationId?: number | undefined;
  /** Organizations served, in order: the installation on the first is used when `installationId` is absent. */
  organizations?: readonly string[] | undefined;
  /** How long before `expires_at` an installation token is replaced (default 5 minutes). */
  refreshMarginMs?: number;
  /** The clock of the token cache (tests). */
  now?: () => number;
}

/** What Octokit passes an `authStrategy`: its own request function and log, plus the `auth` option. */
export type InstallationAuthStrategyOptions = GitHubAppAuth & {
  request: RequestInterface;
  log?: { warn: (message: string) => unknown; [key: string]: unknown };
};

/** The strategy's result: Octokit's `auth()` and `hook`, plus the token cache's counters. */
export interface InstallationAuth {
  (options?: { type?: 'app' | 'installation' }): Promise<{ type: string; token: string }>;
  hook(request: RequestInterface, route: Route, parameters?: Parameters_): Promise<Response>;
  /** Counters of the installation token cache. */
  tokenStats(): InstallationTokenStats;
}

// The routes GitHub authenticates with the App's JWT rather than an installation token (auth-app's own list).
const APP_ROUTE =
  /^\/(?:app(?:\/.*)?|marketplace_listing\/.*|(?:orgs|users|enterprises)\/[^/]+\/installation|repos\/[^/]+\/[^/]+\/installation)$/i;

function isAppRoute(url: string, baseUrl: string | undefined): boolean {
  const path =
    (baseUrl !== undefined && url.startsWith(baseUrl) ? url.slice(baseUrl.length) : url).split('?')[0] ?? '';
  return APP_ROUTE.test(path);
}

/**
 * An Octokit `authStrategy` for a GitHub App installation, built on @octokit/auth-app: App routes get the JWT,
 * every other request an installation token. Tokens come from an {@link InstallationTokenCache}, which hands a
 * token out only until `refreshMarginMs` before its `expires_at` (auth-app alone would keep it 59 minutes,
 * whatever GitHub said). The installation is found on the first request when not configured, and looked for
 * again after a failure. A token GitHub refuses (revoked, the App reinstalled) is dropped and the request made
 * once more with a new one.
 */
export function installationAuthStrategy(options: InstallationAuthStrategyOptions): InstallationAuth {
  const tokens = new InstallationTokenCache({
    ...(options.refreshMarginMs === undefined ? {} : { refreshMarginMs: options.refreshMarginMs }),
    ...(options.now === undefined ? {} : { now: options.now }),
  });
  const common = {
    appId: options.appId,
    privateKey: options.privateKey,
    request: options.request,
    // auth-app's type says `get` always finds a value; its code (and this cache) treat a miss as undefined.
    cache: {
      get: (key: string) => tokens.get(key) as string,
      set: (key: string, value: string) => tokens.set(key, value),
    },
    ...(options.log ? { log: options.log } : {}),
  };
  const app = createAppAuth(common);
  let installation: Promise<number> | null =
    options.installationId === undefined ? null : Promise.resolve(options.installationId);
  let installationAuth: ReturnType<typeof createAppAuth> | null = null;

  const resolve = (request: RequestInterface): Promise<number> => {
    installation ??= (async () => {
      const { token } = await app({ type: 'app' });
      return findInstallation({
        appId: options.appId,
        jwt: token,
        request,
        organizations: options.organizations,
      });
    })().catch((error: unknown) => {
      installation = null;
      throw error;
    });
    return installation;
  };
  const forInstallation = async (request: RequestInterface) => {
    const installationId = await resolve(request);
    installationAuth ??= createAppAuth({ ...common, installationId });
    return installationAuth;
  };

  const hook = async (
    request: RequestInterface,
    route: Route,
    parameters?: Parameters_,
  ): Promise<Response> => {
    // Octokit calls a hook with a route and its parameters, or with endpoint options: merge reads both.
    const merge = request.endpoint.merge as (r: Route, p?: Parameters_) => { url?: string; baseUrl?: string };
    const endpoint = merge(route, parameters);
    if (isAppRoute(endpoint.url ?? '', endpoint.baseUrl)) return app.hook(request, route, parameters);
    const auth = await forInstallation(request);
    const minted = tokens.stats().stored;
    try {
      return await auth.hook(request, route, parameters);
    } catch (error) {
      // A token minted for this very request that GitHub refuses is a real credential problem: no retry.
      if (statusOf(error) !== 401 || tokens.stats().stored !== minted) throw error;
      tokens.clear();
      return auth.hook(request, route, parameters);
    }
  };

  const auth = async (authOptions: { type?: 'app' | 'installation' } = {}) => {
    if (authOptions.type === 'app') return app({ type: 'app' });
    const installationId = await resolve(options.request);
    return app({ type: 'installation', installationId });
  };
  return Object.assign(auth, { hook, tokenStats: () => tokens.stats() });
}
