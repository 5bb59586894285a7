import { Octokit } from '@octokit/rest';
import { startGitHubSim } from '../../src/index.js';
import type { GitHubSim, GitHubSimOptions } from '../../src/index.js';

/** Tokens every test world has: alice (member of acme), bob (a stranger), a scoped one, and an installation. */
export const TOKENS = {
  alice: 'ghp_alice',
  bob: 'ghp_bob',
  aliceNoScopes: 'ghp_alice_read',
  installation: 'ghs_installation',
} as const;

/** A simulator with: org acme (member alice) with repos app (private) and site (public), bob's own repo. */
export async function startWorld(options: GitHubSimOptions = {}): Promise<GitHubSim> {
  const sim = await startGitHubSim(options);
  const c = sim.control;
  c.addToken(TOKENS.alice, { login: 'alice' });
  c.addToken(TOKENS.bob, { login: 'bob' });
  c.addToken(TOKENS.aliceNoScopes, { login: 'alice', scopes: ['read:org'] });
  c.createOrg({ login: 'acme', members: ['alice'] });
  c.addToken(TOKENS.installation, { login: 'runner-app[bot]', installation: { account: 'acme' } });
  c.createRepo({
    owner: 'acme',
    name: 'app',
    workflows: [
      {
        path: '.github/workflows/ci.yml',
        content:
          'name: CI\non: push\njobs:\n  build:\n    runs-on: [self-hosted, linux]\n    steps:\n      - run: echo hi\n',
      },
    ],
    files: { 'README.md': '# app\n' },
  });
  c.createRepo({ owner: 'acme', name: 'site', private: false });
  c.createRepo({ owner: 'bob', name: 'secret' });
  return sim;
}

/** A real Octokit against the simulator's `/api/v3`, without retries or throttling. */
export function octokitFor(sim: GitHubSim, token: string | undefined): Octokit {
  const quiet = (): void => undefined;
  return new Octokit({
    baseUrl: sim.apiUrl,
    ...(token ? { auth: token } : {}),
    userAgent: 'github-sim-tests',
    log: { debug: quiet, info: quiet, warn: quiet, error: quiet },
  });
}

/** Octokit's error status, or throws when the call succeeded. */
export async function statusOf(
  promise: Promise<unknown>,
): Promise<{ status: number; body: unknown; headers: Record<string, unknown> }> {
  try {
    await promise;
  } catch (error) {
    const e = error as { status?: number; response?: { data?: unknown; headers?: Record<string, unknown> } };
    if (typeof e.status === 'number')
      return { status: e.status, body: e.response?.data, headers: e.response?.headers ?? {} };
    throw error;
  }
  throw new Error('expected the request to fail');
}
