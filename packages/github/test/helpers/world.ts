import { AppError } from '@gha-ephemeral/contract';
import { startGitHubSim, type GitHubSim } from '@gha-ephemeral/github-sim';
import { expect } from 'vitest';
import { createOctokit, type OctokitClientOptions } from '../../src/octokit-client.js';
import { OctokitGitHub, type OctokitGitHubOptions } from '../../src/octokit-github.js';
import type { LoggerLike } from '../../src/logger.js';

/** The tokens of the test world: alice (a user in org acme) and an App installation on acme. */
export const TOKENS = { alice: 'ghp_discovery_alice', installation: 'ghs_discovery_installation' } as const;

/** A logger that keeps what it is given, to assert on warnings. */
export interface RecordingLogger extends LoggerLike {
  entries: { level: 'debug' | 'info' | 'warn' | 'error'; obj: object; msg: string | undefined }[];
  warnings(): { obj: object; msg: string | undefined }[];
}

/** A {@link RecordingLogger}. */
export function recordingLogger(): RecordingLogger {
  const entries: RecordingLogger['entries'] = [];
  const add =
    (level: RecordingLogger['entries'][number]['level']) =>
    (obj: object, msg?: string): void => {
      entries.push({ level, obj, msg });
    };
  return {
    entries,
    warnings: () => entries.filter((e) => e.level === 'warn'),
    debug: add('debug'),
    info: add('info'),
    warn: add('warn'),
    error: add('error'),
  };
}

/** A simulator with alice, organization acme (alice a member) and an installation token on acme. */
export async function startWorld(): Promise<GitHubSim> {
  const sim = await startGitHubSim();
  sim.control.addToken(TOKENS.alice, { login: 'alice' });
  sim.control.createOrg({ login: 'acme', members: ['alice'] });
  sim.control.addToken(TOKENS.installation, { login: 'runner-app[bot]', installation: { account: 'acme' } });
  return sim;
}

/** The port over a real Octokit (with this package's plugins) against the simulator. */
export function gitHubFor(
  sim: GitHubSim,
  options: Partial<OctokitClientOptions> & { token?: string; port?: OctokitGitHubOptions } = {},
): { github: OctokitGitHub; logger: RecordingLogger } {
  const logger = recordingLogger();
  const { token = TOKENS.alice, port, ...client } = options;
  const octokit = createOctokit({
    baseUrl: sim.apiUrl,
    auth: token,
    userAgent: 'gha-ephemeral-tests',
    logger,
    ...client,
  });
  return { github: new OctokitGitHub(octokit, 'GITHUB_RUNNER_TOKEN', port), logger };
}

/** A workflow file whose only job runs on `runsOn`. */
export function workflowYaml(runsOn: string, name = 'CI'): string {
  return `name: ${name}\non: push\njobs:\n  build:\n    runs-on: ${runsOn}\n    steps:\n      - run: echo hi\n`;
}

/** The `AppError` a call rejects with; fails the test when it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return error as AppError;
  }
  throw new Error('expected a rejection');
}
