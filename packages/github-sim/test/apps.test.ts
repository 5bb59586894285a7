import { createSign, generateKeyPairSync } from 'node:crypto';
import { createAppAuth } from '@octokit/auth-app';
import { Octokit } from '@octokit/rest';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { GitHubSim } from '../src/index.js';
import { expectSchema } from './helpers/openapi.js';
import { octokitFor, startWorld, statusOf } from './helpers/sim.js';

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const PRIVATE_PEM = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
const quiet = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

function jwt(claims: Record<string, unknown>, key = privateKey): string {
  const part = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');
  const head = `${part({ alg: 'RS256', typ: 'JWT' })}.${part(claims)}`;
  return `${head}.${createSign('RSA-SHA256').update(head).sign(key).toString('base64url')}`;
}

describe('GitHub App authentication', () => {
  let sim: GitHubSim;
  beforeAll(async () => {
    sim = await startWorld();
    sim.control.addApp({
      id: 4242,
      slug: 'runner-app',
      publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      installations: [{ id: 77, account: 'acme' }],
    });
  });
  afterAll(async () => {
    await sim.close();
  });

  it('lets @octokit/auth-app trade a JWT for an installation token that manages runners', async () => {
    const gh = new Octokit({
      baseUrl: sim.apiUrl,
      authStrategy: createAppAuth,
      auth: { appId: 4242, privateKey: PRIVATE_PEM, installationId: 77 },
      log: quiet,
    });
    const res = await gh.actions.createRegistrationTokenForOrg({ org: 'acme' });
    expect(res.status).toBe(201);
    const repos = await gh.apps.listReposAccessibleToInstallation();
    expect(repos.data.repositories.map((r) => r.full_name)).toEqual(['acme/app', 'acme/site']);
    const counts = sim.control.requestCounts().byRoute;
    expect(counts['POST /app/installations/{installation_id}/access_tokens']?.total).toBe(1);
  });

  it('serves installations and installation tokens in GitHub’s shapes', async () => {
    const now = Math.floor(Date.now() / 1000);
    const app = new Octokit({
      baseUrl: sim.apiUrl,
      auth: jwt({ iat: now - 60, exp: now + 540, iss: 4242 }),
      log: quiet,
    });
    const list = await app.apps.listInstallations();
    // The description's list schema types `account` as allOf [user, enterprise] (an error in it: the single
    // installation's schema says anyOf), so each item is held to the single installation's schema.
    for (const item of list.data) expectSchema('/app/installations/{installation_id}', 'get', 200, item);
    expect(list.data.map((i) => [i.id, i.account && 'login' in i.account ? i.account.login : null])).toEqual([
      [77, 'acme'],
    ]);
    const one = await app.apps.getInstallation({ installation_id: 77 });
    expectSchema('/app/installations/{installation_id}', 'get', 200, one.data);
    const byRepo = await app.apps.getRepoInstallation({ owner: 'acme', repo: 'app' });
    expectSchema('/repos/{owner}/{repo}/installation', 'get', 200, byRepo.data);
    const byOrg = await app.apps.getOrgInstallation({ org: 'acme' });
    expect(byOrg.data.id).toBe(77);
    const token = await app.apps.createInstallationAccessToken({
      installation_id: 77,
      repositories: ['app'],
    });
    expectSchema('/app/installations/{installation_id}/access_tokens', 'post', 201, token.data);
    expect(token.data).toMatchObject({
      repository_selection: 'selected',
      permissions: { administration: 'write' },
    });
    const scoped = octokitFor(sim, token.data.token);
    expect(
      (await scoped.apps.listReposAccessibleToInstallation()).data.repositories.map((r) => r.name),
    ).toEqual(['app']);
    expect((await scoped.repos.get({ owner: 'acme', repo: 'site' })).status).toBe(200);
    expect(
      (await statusOf(scoped.actions.createRegistrationTokenForRepo({ owner: 'acme', repo: 'site' }))).status,
    ).toBe(403);
    const missing = await statusOf(app.apps.getInstallation({ installation_id: 5 }));
    expect(missing.status).toBe(404);
    const tooMany = await statusOf(
      app.apps.createInstallationAccessToken({ installation_id: 77, repositories: ['nope'] }),
    );
    expect(tooMany.status).toBe(422);
  });

  it.each([
    [
      'an expired JWT',
      () =>
        jwt({ iat: Math.floor(Date.now() / 1000) - 700, exp: Math.floor(Date.now() / 1000) - 60, iss: 4242 }),
      /Expiration time/,
    ],
    [
      'a JWT valid too long',
      () => jwt({ iat: Math.floor(Date.now() / 1000), exp: Math.floor(Date.now() / 1000) + 3600, iss: 4242 }),
      /too far in the future/,
    ],
    [
      'a JWT signed by another key',
      () =>
        jwt(
          { iat: Math.floor(Date.now() / 1000), exp: Math.floor(Date.now() / 1000) + 60, iss: 4242 },
          generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey,
        ),
      /could not be decoded/,
    ],
    ['a personal token', () => 'ghp_alice', /could not be decoded/],
  ])('refuses %s (401)', async (_what, make, message) => {
    const err = await statusOf(
      new Octokit({ baseUrl: sim.apiUrl, auth: make(), log: quiet }).apps.listInstallations(),
    );
    expect(err.status).toBe(401);
    expect((err.body as { message: string }).message).toMatch(message);
  });

  it('accepts the client id as issuer, and stops accepting an installation token after its hour', async () => {
    const now = Math.floor(Date.now() / 1000);
    const app = new Octokit({
      baseUrl: sim.apiUrl,
      auth: jwt({ iat: now, exp: now + 60, iss: 'Iv1.0000000000001092' }),
      log: quiet,
    });
    const { data } = await app.apps.createInstallationAccessToken({ installation_id: 77 });
    expect(Date.parse(data.expires_at) - Date.now()).toBeGreaterThan(59 * 60_000);
    const gh = octokitFor(sim, data.token);
    expect((await gh.apps.listReposAccessibleToInstallation()).status).toBe(200);
    // Only Date is faked: the simulator runs in this process, its sockets and timers stay real.
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(Date.now() + 61 * 60_000);
      expect((await statusOf(gh.apps.listReposAccessibleToInstallation())).status).toBe(401);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('installation token lifetime', () => {
  let sim: GitHubSim;
  const PUBLIC_PEM = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const appJwt = (iss: number): string => {
    const now = Math.floor(Date.now() / 1000);
    return jwt({ iat: now - 60, exp: now + 540, iss });
  };
  const mint = async (appId: number, installationId: number) => {
    const app = new Octokit({ baseUrl: sim.apiUrl, auth: appJwt(appId), log: quiet });
    const before = Date.now();
    const { data } = await app.apps.createInstallationAccessToken({ installation_id: installationId });
    return { data, before, after: Date.now(), expiresAt: Date.parse(data.expires_at) };
  };

  beforeAll(async () => {
    sim = await startWorld();
    sim.control.addApp({ id: 4242, publicKey: PUBLIC_PEM, installations: [{ id: 77, account: 'acme' }] });
    sim.control.addApp({
      id: 5151,
      publicKey: PUBLIC_PEM,
      tokenLifetimeSeconds: 5,
      installations: [{ id: 88, account: 'acme' }],
    });
  });
  afterAll(async () => {
    await sim.close();
  });

  it('announces GitHub’s hour by default, and the App’s tokenLifetimeSeconds when set, in whole seconds', async () => {
    const hour = await mint(4242, 77);
    expect(hour.data.expires_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(hour.expiresAt).toBeGreaterThanOrEqual(hour.before + 3_600_000);
    expect(hour.expiresAt).toBeLessThan(hour.after + 3_601_000);
    const short = await mint(5151, 88);
    expect(short.data.expires_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(short.expiresAt).toBeGreaterThanOrEqual(short.before + 5_000);
    expect(short.expiresAt).toBeLessThan(short.after + 6_000);
  });

  it('refuses an installation token from its expires_at with GitHub’s 401 Bad credentials, and records it', async () => {
    const { data, expiresAt } = await mint(5151, 88);
    const get = () =>
      fetch(`${sim.apiUrl}/installation/repositories`, {
        headers: { authorization: `token ${data.token}`, 'x-github-api-version': '2022-11-28' },
      });
    // Only Date is faked: the simulator runs in this process, its sockets and timers stay real.
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(expiresAt - 1);
      expect((await get()).status).toBe(200);
      vi.setSystemTime(expiresAt);
      const refused = await get();
      expect(refused.status).toBe(401);
      expect(await refused.json()).toEqual({
        message: 'Bad credentials',
        documentation_url: 'https://docs.github.com/rest',
        status: '401',
      });
    } finally {
      vi.useRealTimers();
    }
    const records = (await (await fetch(`${sim.url}/_sim/installation-tokens`)).json()) as {
      tokens: Record<string, unknown>[];
    };
    expect(JSON.stringify(records)).not.toContain(data.token);
    expect(records.tokens.at(-1)).toEqual({
      appId: 5151,
      installationId: 88,
      issuedAt: expect.any(String),
      expiresAt: new Date(expiresAt).toISOString(),
      accepted: 1,
      refusedExpired: 1,
    });
    expect(records.tokens).toEqual(sim.control.installationTokens());
  });

  it.each([0, -5, 1.5, '60'])('refuses an App whose tokenLifetimeSeconds is %j (400)', async (value) => {
    const res = await fetch(`${sim.url}/_sim/apps`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: 6000, publicKey: PUBLIC_PEM, tokenLifetimeSeconds: value }),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ message: 'tokenLifetimeSeconds must be a positive integer' });
  });
});
