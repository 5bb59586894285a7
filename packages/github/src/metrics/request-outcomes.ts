import type { Octokit } from '@octokit/core';
import type { Hooks } from '@octokit/core/types';
import type { HookEndpoint } from '../conditional/request-target.js';
import { classifyRateLimitError } from '../rate-limit/classify-rate-limit.js';

/** How one request attempt to GitHub ended. */
export type GitHubRequestOutcome = '2xx' | '304' | '4xx' | '5xx' | 'rate_limited' | 'network_error';

/** The outcomes every {@link GitHubRequestStats} counts, in a stable order. */
export const GITHUB_REQUEST_OUTCOMES: readonly GitHubRequestOutcome[] = [
  '2xx',
  '304',
  '4xx',
  '5xx',
  'rate_limited',
  'network_error',
];

/** Request attempts by outcome since the client was made (a retry is an attempt of its own). */
export type GitHubRequestStats = Record<GitHubRequestOutcome, number>;

type Response = Hooks['request']['Result'];
type Send = (endpoint: HookEndpoint) => Response | Promise<Response>;

/** The outcome of a failed attempt: a 304 (a conditional GET's free answer), a rate limit, a status class, or no answer. */
export function outcomeOfError(error: unknown): GitHubRequestOutcome {
  const status = (error as { status?: unknown } | null)?.status;
  const response = (error as { response?: unknown } | null)?.response;
  if (typeof status !== 'number' || response === undefined) return 'network_error';
  if (status === 304) return '304';
  if (classifyRateLimitError(error)) return 'rate_limited';
  if (status >= 500) return '5xx';
  return status >= 400 ? '4xx' : '2xx';
}

/**
 * An Octokit plugin that counts every attempt by outcome, exposed as `octokit.requestOutcomes()`. Register it
 * first (innermost), so that it sees each attempt as GitHub answered it: 304s before the conditional-request
 * plugin turns them into answers, and each retry of the retry plugin.
 */
export function countRequestOutcomes(octokit: Octokit): { requestOutcomes: () => GitHubRequestStats } {
  const counts = Object.fromEntries(GITHUB_REQUEST_OUTCOMES.map((o) => [o, 0])) as GitHubRequestStats;
  octokit.hook.wrap('request', async (request: Send, endpoint) => {
    try {
      const response = await request(endpoint);
      counts['2xx'] += 1;
      return response;
    } catch (error) {
      counts[outcomeOfError(error)] += 1;
      throw error;
    }
  });
  return { requestOutcomes: () => ({ ...counts }) };
}
