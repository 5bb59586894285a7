import { describe, expect, it } from 'vitest';
import { collectPrefixed } from './collect-prefixed.js';
import { redactConfig } from './redact-config.js';

describe('collectPrefixed', () => {
  it('strips the prefix and keeps the case of the rest', () => {
    const env = {
      runnerenv_RUNNER_SCOPE: 'repo',
      runnerenv_access_Token: '{registration_token}',
      RUNNERENV_OTHER: 'not matched',
      runnerenv_: 'bare prefix',
      runnerenv_UNSET: undefined,
      PATH: '/bin',
    };
    expect(collectPrefixed(env, 'runnerenv_')).toEqual({
      RUNNER_SCOPE: 'repo',
      access_Token: '{registration_token}',
    });
  });

  it('cannot be used to reach the prototype', () => {
    const result = collectPrefixed({ runnerenv___proto__: 'x' }, 'runnerenv_');
    expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
    expect(Object.keys(result)).toEqual(['__proto__']);
  });
});

describe('redactConfig', () => {
  const config = Object.freeze({
    LOG_LEVEL: 'INFO',
    GITHUB_RUNNER_TOKEN: 'ghp_secretvalue',
    GITHUB_WEBHOOK_SECRET: undefined,
    GATEWAY_API_KEYS: [] as string[],
    ORCHESTRATOR_API_TOKEN: '',
    MAX_RUNNERS: 5,
    runnerenv: {
      ACCESS_TOKEN: '{registration_token}',
      RUNNER_TOKEN: 'literal-token',
      SSH_KEY: 'abc',
      DB_PASSWORD: '',
      RUNNER_SCOPE: 'repo',
      LABELS: '{labels}',
    },
  });

  it('shows secrets as [set] or [unset] and everything else as is', () => {
    const redacted = redactConfig(config, [
      'GITHUB_RUNNER_TOKEN',
      'GITHUB_WEBHOOK_SECRET',
      'GATEWAY_API_KEYS',
    ]);
    expect(redacted).toEqual({
      ...config,
      GITHUB_RUNNER_TOKEN: '[set]',
      GITHUB_WEBHOOK_SECRET: '[unset]',
      GATEWAY_API_KEYS: '[unset]',
    });
    expect(Object.isFrozen(redacted)).toBe(false);
  });

  it('shows the names and placeholders of records, never their literal text', () => {
    const redacted = redactConfig(config, {
      keys: ['GITHUB_RUNNER_TOKEN', 'ORCHESTRATOR_API_TOKEN'],
      records: ['runnerenv'],
    });
    expect(redacted.ORCHESTRATOR_API_TOKEN).toBe('[unset]');
    expect(redacted.runnerenv).toEqual({
      ACCESS_TOKEN: '{registration_token}',
      RUNNER_TOKEN: '[literal]',
      SSH_KEY: '[literal]',
      DB_PASSWORD: '[unset]',
      RUNNER_SCOPE: '[literal]',
      LABELS: '{labels}',
    });
    expect(JSON.stringify(redacted)).not.toMatch(/ghp_secretvalue|literal-token|abc|repo"/);
  });

  it('hides literal values whose names do not look secret, keeping the placeholders around them', () => {
    const runnerenv = {
      NPM_AUTH: 'abc',
      REGISTRY_URL: 'https://user:hunter2@npm.example.com/',
      REPO_URL: '{github_url}/{scope_name}',
      RUNNER_NAME: '{runner_name}',
      BOTH: ' {repo_owner}-{repo_name} ',
      COUNT: 3,
    };
    const redacted = redactConfig({ runnerenv }, { keys: [], records: ['runnerenv'] });
    expect(redacted.runnerenv).toEqual({
      NPM_AUTH: '[literal]',
      REGISTRY_URL: '[literal]',
      REPO_URL: '{github_url}[literal]{scope_name}',
      RUNNER_NAME: '{runner_name}',
      BOTH: '[literal]{repo_owner}[literal]{repo_name}[literal]',
      COUNT: '[literal]',
    });
    expect(JSON.stringify(redacted)).not.toMatch(/abc|hunter2|npm\.example/);
  });
});
