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

  it('screens records by the names of their entries, showing placeholders', () => {
    const redacted = redactConfig(config, {
      keys: ['GITHUB_RUNNER_TOKEN', 'ORCHESTRATOR_API_TOKEN'],
      records: ['runnerenv'],
    });
    expect(redacted.ORCHESTRATOR_API_TOKEN).toBe('[unset]');
    expect(redacted.runnerenv).toEqual({
      ACCESS_TOKEN: '{registration_token}',
      RUNNER_TOKEN: '[set]',
      SSH_KEY: '[set]',
      DB_PASSWORD: '[unset]',
      RUNNER_SCOPE: 'repo',
      LABELS: '{labels}',
    });
    expect(JSON.stringify(redacted)).not.toMatch(/ghp_secretvalue|literal-token/);
  });
});
