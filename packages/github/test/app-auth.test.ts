import { generateKeyPairSync } from 'node:crypto';
import { isAppError } from '@gha-ephemeral/contract';
import type { GitHubSim } from '@gha-ephemeral/github-sim';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { GitHubAppAuth, InstallationAuth } from '../src/app-auth/installation-auth.js';
import { createOctokit } from '../src/octokit-client.js';
import { OctokitGitHub } from '../src/octokit-github.js';
import { recordingLogger, startWorld } from './helpers/world.js';

// Made at run time: no key is ever committed. PKCS#1, as GitHub hands App keys out.
const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
const PRIVATE_KEY = keys.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
const PUBLIC_KEY = keys.publicKey.export({ type: 'spki', format: 'pem' }).toString();
const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
const WRONG_KEY = other.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

const MINT = 'POST /app/installations/{installation_id}/access_tokens';
const HOUR = 3_600_000;

describe('GitHub App authentication against the simulator', () => {
  let sim: GitHubSim;

  beforeAll(async () => {
    sim = await startWorld();
    sim.control.createRepo({ owner: 'acme', name: 'app' });
    sim.control.createOrg({ login: 'globex' });
    sim.control.createRepo({ owner: 'globex', name: 'tools' });
    sim.control.addApp({ id: 101, publicKey: PUBLIC_KEY, installations: [{ id: 11, account: 'acme' }] });
    sim.control.addApp({
      id: 102,
      publicKey: PUBLIC_KEY,
      installations: [
        { id: 21, account: 'acme' },
        { id: 22, account: 'globex' },
      ],
    });
    sim.control.addApp({ id: 103, publicKey: PUBLIC_KEY });
  });
  afterAll(async () => sim.close());
  beforeEach(() => sim.control.resetCounts());

  const portFor = (auth: Omit<GitHubAppAuth, 'privateKey'> & { privateKey?: string }) => {
    const octokit = createOctokit({
      baseUrl: sim.apiUrl,
      auth: { privateKey: PRIVATE_KEY, ...auth },
      userAgent: 'tests',
      logger: recordingLogger(),
    });
    const github = new OctokitGitHub(octokit, 'GITHUB_APP_ID and GITHUB_APP_PRIVATE_KEY', {
      authKind: 'app-installation',
    });
    return { github, tokens: () => (octokit.auth as InstallationAuth).tokenStats() };
  };
  const minted = () => sim.control.requestCounts().byRoute[MINT]?.total ?? 0;

  it('acts as the installation: discovery through /installation/repositories, runners managed, one token reused', async () => {
    const { github } = portFor({ appId: 101, installationId: 11 });
    const repos = await github.listAccessibleRepositories();
    expect(repos.map((r) => r.fullName)).toEqual(['acme/app']);
    const token = await github.createRegistrationToken({ kind: 'organization', org: 'acme' });
    expect(token.token).toEqual(expect.any(String));
    await github.listRunners({ kind: 'repository', owner: 'acme', repo: 'app' });
    expect(minted()).toBe(1);
    expect(sim.control.requestCounts().byRoute['GET /installation/repositories']?.total).toBe(1);
  });

  it('replaces a token before its expires_at, not after', async () => {
    let now = Date.now();
    const { github, tokens } = portFor({ appId: 101, installationId: 11, now: () => now });
    await github.listAccessibleRepositories();
    expect(minted()).toBe(1);
    // 50 minutes on: the token still has 10 minutes, more than the 5-minute margin.
    now += 50 * 60_000;
    await github.listAccessibleRepositories();
    expect(minted()).toBe(1);
    // 56 minutes on: 4 minutes left; a new token is minted before the old one stops working.
    now += 6 * 60_000;
    await github.listAccessibleRepositories();
    expect(minted()).toBe(2);
    expect(tokens()).toMatchObject({ stored: 2, expired: 1 });
  });

  it('honours a custom margin, so a short-lived token is replaced in time', async () => {
    let now = Date.now();
    // A margin just under an hour makes the simulator's one-hour tokens behave like one-minute tokens.
    const { github } = portFor({
      appId: 101,
      installationId: 11,
      refreshMarginMs: HOUR - 60_000,
      now: () => now,
    });
    await github.ping();
    await github.listAccessibleRepositories();
    expect(minted()).toBe(1);
    now += 61_000;
    await github.listAccessibleRepositories();
    expect(minted()).toBe(2);
  });

  it('finds the installation on the first organization', async () => {
    const { github } = portFor({ appId: 102, organizations: ['globex', 'acme'] });
    expect((await github.listAccessibleRepositories()).map((r) => r.fullName)).toEqual(['globex/tools']);
    expect(sim.control.requestCounts().byRoute['GET /orgs/{org}/installation']?.total).toBe(1);
  });

  it('uses the only installation when there is exactly one', async () => {
    const { github } = portFor({ appId: 101 });
    expect((await github.listAccessibleRepositories()).map((r) => r.fullName)).toEqual(['acme/app']);
    await github.listAccessibleRepositories();
    expect(sim.control.requestCounts().byRoute['GET /app/installations']?.total).toBe(1);
  });

  it('says what to set when the installation cannot be chosen', async () => {
    const several = await portFor({ appId: 102 })
      .github.listAccessibleRepositories()
      .catch((e: unknown) => e);
    expect(isAppError(several) && several.code).toBe('github.app_installation_ambiguous');
    expect((several as Error).message).toMatch(
      /2 installations \(21 \(acme\), 22 \(globex\)\).*GITHUB_APP_INSTALLATION_ID/,
    );

    const none = await portFor({ appId: 103 })
      .github.ping()
      .catch((e: unknown) => e);
    expect(isAppError(none) && none.code).toBe('github.app_not_installed');

    const notOnOrg = await portFor({ appId: 101, organizations: ['globex'] })
      .github.ping()
      .catch((e: unknown) => e);
    expect(isAppError(notOnOrg) && notOnOrg.code).toBe('github.app_not_installed');
    expect((notOnOrg as Error).message).toMatch(/not installed on the organization globex/);
  });

  it('reports a key GitHub does not accept as an unauthorized credential, naming the settings', async () => {
    const error = await portFor({ appId: 101, installationId: 11, privateKey: WRONG_KEY })
      .github.listAccessibleRepositories()
      .catch((e: unknown) => e);
    expect(isAppError(error) && error.code).toBe('github.unauthorized');
    expect((error as Error).message).toMatch(/GITHUB_APP_ID and GITHUB_APP_PRIVATE_KEY/);
    expect((error as Error).message).not.toContain('PRIVATE KEY-----');
  });
});
