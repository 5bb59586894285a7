import { createPublicKey } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { SimInputError } from '../engine/errors.js';
import type { SimStore } from '../state/store.js';
import type { SimRepo, SimToken } from '../state/types.js';

/** An installation of a simulated GitHub App on an account. */
export interface SimInstallation {
  id: number;
  appId: number;
  account: string;
  /** Repository names (or `owner/name`) it may use; undefined means all of the account's. */
  repositories: string[] | undefined;
  permissions: Record<string, string>;
  createdAt: string;
}

/** A simulated GitHub App: it authenticates with an RS256 JWT signed by its private key. */
export interface SimApp {
  id: number;
  clientId: string;
  slug: string;
  publicKey: KeyObject;
  installations: Map<number, SimInstallation>;
  /** How long its installation tokens live, in seconds (GitHub: one hour). */
  tokenLifetimeSeconds: number;
  /** Rate accounting for requests made with the app's JWT. */
  jwtToken: SimToken;
}

/** An App to register through the control API. */
export interface AppSpec {
  id: number;
  /** Default `Iv1.` and the id. */
  clientId?: string;
  /** Default `app-<id>`. */
  slug?: string;
  /** PEM; either key of the pair works (the public part is kept). */
  privateKey?: string;
  publicKey?: string;
  /**
   * How long its installation tokens live, in seconds: a positive integer, default 3600 (GitHub's hour). A few
   * seconds let a test watch a client replace its token without waiting an hour.
   */
  tokenLifetimeSeconds?: number;
  installations?: {
    id: number;
    account: string;
    repositories?: string[];
    permissions?: Record<string, string>;
  }[];
}

/** GitHub's lifetime of an installation token, in seconds. */
export const DEFAULT_TOKEN_LIFETIME_SECONDS = 3600;

/** The permissions a runner-managing App typically holds. */
export const DEFAULT_APP_PERMISSIONS: Record<string, string> = {
  actions: 'read',
  administration: 'write',
  metadata: 'read',
  organization_self_hosted_runners: 'write',
};

/** The simulator's GitHub Apps and their installations. */
export class AppRegistry {
  readonly apps = new Map<number, SimApp>();

  constructor(private readonly store: SimStore) {}

  /** Registers an App (and its installations' accounts as organizations when unknown). */
  add(spec: AppSpec): SimApp {
    const pem = spec.publicKey ?? spec.privateKey;
    if (!Number.isInteger(spec.id) || !pem) throw new SimInputError('an app needs an integer id and a key');
    const lifetime = spec.tokenLifetimeSeconds ?? DEFAULT_TOKEN_LIFETIME_SECONDS;
    if (!Number.isInteger(lifetime) || lifetime < 1)
      throw new SimInputError('tokenLifetimeSeconds must be a positive integer');
    const slug = spec.slug ?? `app-${spec.id}`;
    const app: SimApp = {
      id: spec.id,
      clientId: spec.clientId ?? `Iv1.${spec.id.toString(16).padStart(16, '0')}`,
      slug,
      publicKey: createPublicKey(pem),
      installations: new Map(),
      tokenLifetimeSeconds: lifetime,
      jwtToken: {
        token: `jwt:${spec.id}`,
        login: slug,
        scopes: undefined,
        installation: undefined,
        rate: { limit: this.store.settings.rateLimit, used: 0, resetAt: Date.now() + 3_600_000 },
      },
    };
    this.store.ensureAccount(`${slug}[bot]`, 'Bot');
    for (const inst of spec.installations ?? []) {
      if (!this.store.account(inst.account)) this.store.ensureAccount(inst.account, 'Organization');
      app.installations.set(inst.id, {
        id: inst.id,
        appId: app.id,
        account: inst.account,
        repositories: inst.repositories,
        permissions: inst.permissions ?? DEFAULT_APP_PERMISSIONS,
        createdAt: new Date().toISOString(),
      });
    }
    this.apps.set(app.id, app);
    return app;
  }

  /** The app whose JWT `iss` this is (the App id, as a number or a string, or the client id). */
  byIssuer(iss: unknown): SimApp | undefined {
    for (const app of this.apps.values())
      if (String(iss) === String(app.id) || iss === app.clientId) return app;
    return undefined;
  }

  /** Whether an installation covers a repository. */
  covers(inst: SimInstallation, repo: SimRepo): boolean {
    if (inst.account.toLowerCase() !== repo.owner.toLowerCase()) return false;
    const names = inst.repositories;
    return (
      !names ||
      names.some((n) =>
        [repo.name, `${repo.owner}/${repo.name}`].map((x) => x.toLowerCase()).includes(n.toLowerCase()),
      )
    );
  }
}
