import type { TokenInfo } from './control/seeding.js';

/** Parses `GITHUB_SIM_TOKENS`: a comma list of `token:login`. */
export function parseTokens(value: string | undefined): Record<string, TokenInfo> {
  const tokens: Record<string, TokenInfo> = {};
  for (const pair of (value ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const at = pair.lastIndexOf(':');
    if (at <= 0 || at === pair.length - 1)
      throw new Error('GITHUB_SIM_TOKENS: each entry must be token:login');
    tokens[pair.slice(0, at)] = { login: pair.slice(at + 1) };
  }
  return tokens;
}
