import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppError } from '@gha-ephemeral/contract';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError } from './config-error.js';
import { envBool, envCsv, envEnum, envInt, envSecret, envString, envUrl, loadConfig } from './index.js';

const schema = z
  .object({
    RUNNER_CHECK_INTERVAL: envInt({ default: 300, min: 10, unit: 'seconds' }),
    AUTO_CREATE_RUNNERS: envBool(false),
    DISCOVERY_MODE: envEnum(['all', 'organization'], 'all'),
    GITHUB_ORGANIZATION: envCsv(),
    GITHUB_API_URL: envUrl('https://api.github.com'),
    GITHUB_RUNNER_TOKEN: envSecret(),
    GATEWAY_API_KEYS: envCsv({ item: z.string().min(16) }),
    RUNNER_IMAGE: envString({ default: 'myoung34/github-runner:latest' }),
  })
  .superRefine((config, ctx) => {
    if (config.DISCOVERY_MODE === 'organization' && config.GITHUB_ORGANIZATION.length === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['GITHUB_ORGANIZATION'],
        message: 'required when DISCOVERY_MODE is "organization"',
      });
    }
  });
const secrets = ['GITHUB_RUNNER_TOKEN', 'GATEWAY_API_KEYS'] as const;

function loadError(env: Record<string, string>, readFile?: (path: string) => string): ConfigError {
  try {
    loadConfig(schema, { env, secrets, ...(readFile === undefined ? {} : { readFile }) });
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

const dir = mkdtempSync(join(tmpdir(), 'config-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('loadConfig', () => {
  it('gives typed defaults and ignores unrelated variables', () => {
    const config = loadConfig(schema, { env: { PATH: '/bin', RUNNER_CHECK_INTERVAL: '60' }, secrets });
    expect(config).toEqual({
      RUNNER_CHECK_INTERVAL: 60,
      AUTO_CREATE_RUNNERS: false,
      DISCOVERY_MODE: 'all',
      GITHUB_ORGANIZATION: [],
      GITHUB_API_URL: 'https://api.github.com',
      GITHUB_RUNNER_TOKEN: undefined,
      GATEWAY_API_KEYS: [],
      RUNNER_IMAGE: 'myoung34/github-runner:latest',
    });
  });

  it('returns a deep-frozen result', () => {
    const config = loadConfig(schema, { env: { GITHUB_ORGANIZATION: 'a,b' }, secrets });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.GITHUB_ORGANIZATION)).toBe(true);
    expect(() => {
      (config as { RUNNER_IMAGE: string }).RUNNER_IMAGE = 'other';
    }).toThrow(TypeError);
    expect(() => (config.GITHUB_ORGANIZATION as string[]).push('c')).toThrow(TypeError);
  });

  it('reports every problem at once, one line each, in schema order', () => {
    const error = loadError({
      AUTO_CREATE_RUNNERS: 'sometimes',
      RUNNER_CHECK_INTERVAL: 'abc',
      GITHUB_API_URL: 'ftp://x',
      DISCOVERY_MODE: 'repo',
    });
    expect(error).toBeInstanceOf(AppError);
    expect(error.code).toBe('config.invalid');
    expect(error.message).toBe(
      [
        'Invalid configuration (4 problems):',
        '  - RUNNER_CHECK_INTERVAL: expected a whole number of seconds (>= 10), got "abc"',
        '  - AUTO_CREATE_RUNNERS: expected true/false, 1/0, yes/no or on/off (any case), got "sometimes"',
        '  - DISCOVERY_MODE: expected one of all, organization (any case), got "repo"',
        '  - GITHUB_API_URL: expected an absolute http:// or https:// URL, got "ftp://x"',
      ].join('\n'),
    );
    expect(error.problems.map((problem) => problem.variable)).toEqual([
      'RUNNER_CHECK_INTERVAL',
      'AUTO_CREATE_RUNNERS',
      'DISCOVERY_MODE',
      'GITHUB_API_URL',
    ]);
  });

  it('puts cross-field rules in the same list, without a received value', () => {
    const error = loadError({ DISCOVERY_MODE: 'organization' });
    expect(error.message).toBe(
      'Invalid configuration (1 problem):\n' +
        '  - GITHUB_ORGANIZATION: required when DISCOVERY_MODE is "organization"',
    );
  });

  it('says when a required variable is not set', () => {
    const required = z.object({ NAME: envString({ required: true }), PLAIN: z.string() });
    expect(() => loadConfig(required, { env: {}, secrets: [] })).toThrow(
      /NAME: expected a non-empty value, but it is not set\n {2}- PLAIN: .*, but it is not set$/,
    );
  });

  it('never shows the value of a secret', () => {
    const error = loadError({ GATEWAY_API_KEYS: 'short-key-value', RUNNER_CHECK_INTERVAL: '1' });
    expect(error.message).toContain('GATEWAY_API_KEYS: expected a comma-separated list (item 1: ');
    expect(error.message).toContain('got (hidden)');
    expect(error.message).not.toContain('short-key-value');
    expect(JSON.stringify(error.problems)).not.toContain('short-key-value');
  });
});

describe('loadConfig with NAME_FILE', () => {
  it('reads a secret from its file, trailing newline trimmed', () => {
    const path = join(dir, 'token');
    writeFileSync(path, 'ghp_fromfile123\n');
    const config = loadConfig(schema, { env: { GITHUB_RUNNER_TOKEN_FILE: path }, secrets });
    expect(config.GITHUB_RUNNER_TOKEN).toBe('ghp_fromfile123');
  });

  it('reads a list of secrets, one a line', () => {
    const path = join(dir, 'keys');
    writeFileSync(path, 'aaaaaaaaaaaaaaaa1\nbbbbbbbbbbbbbbbb2\n');
    const config = loadConfig(schema, { env: { GATEWAY_API_KEYS_FILE: path }, secrets });
    expect(config.GATEWAY_API_KEYS).toEqual(['aaaaaaaaaaaaaaaa1', 'bbbbbbbbbbbbbbbb2']);
  });

  it('refuses both forms at once', () => {
    const path = join(dir, 'both');
    writeFileSync(path, 'ghp_fromfile123');
    const error = loadError({ GITHUB_RUNNER_TOKEN: 'ghp_inline456', GITHUB_RUNNER_TOKEN_FILE: path });
    expect(error.problems).toEqual([
      {
        variable: 'GITHUB_RUNNER_TOKEN',
        message: 'set either GITHUB_RUNNER_TOKEN or GITHUB_RUNNER_TOKEN_FILE, not both',
      },
    ]);
    expect(error.message).not.toContain('ghp_');
  });

  it('names the variable and the path of an unreadable or empty file, never the content', () => {
    const empty = join(dir, 'empty');
    writeFileSync(empty, '\n');
    const missing = join(dir, 'missing');
    const error = loadError({
      GITHUB_RUNNER_TOKEN_FILE: missing,
      GATEWAY_API_KEYS_FILE: empty,
      RUNNER_CHECK_INTERVAL: 'x',
    });
    expect(error.message).toBe(
      [
        'Invalid configuration (3 problems):',
        '  - RUNNER_CHECK_INTERVAL: expected a whole number of seconds (>= 10), got "x"',
        `  - GITHUB_RUNNER_TOKEN_FILE: cannot read the file "${missing}": no such file (ENOENT)`,
        `  - GATEWAY_API_KEYS_FILE: the file "${empty}" is empty`,
      ].join('\n'),
    );
  });

  it('keeps a failing reader quiet about what it read', () => {
    const error = loadError({ GITHUB_RUNNER_TOKEN_FILE: '/x' }, () => {
      throw new Error('ghp_leaked_in_message');
    });
    expect(error.message).toContain('GITHUB_RUNNER_TOKEN_FILE: cannot read the file "/x": unreadable');
    expect(error.message).not.toContain('ghp_leaked');
  });

  it('ignores NAME_FILE for variables that are not secrets', () => {
    const config = loadConfig(schema, { env: { RUNNER_IMAGE_FILE: '/nonexistent' }, secrets });
    expect(config.RUNNER_IMAGE).toBe('myoung34/github-runner:latest');
  });
});
