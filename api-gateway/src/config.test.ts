import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@gha-ephemeral/config';
import { describe, expect, it } from 'vitest';
import { loadGatewayConfig, redactedGatewayConfig } from './config.js';

const KEY = 'k'.repeat(24);

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadGatewayConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems.map((problem) => `${problem.variable}: ${problem.message}`);
  }
  throw new Error('expected the configuration to be refused');
}

describe('loadGatewayConfig', () => {
  it('has the documented defaults', () => {
    expect(loadGatewayConfig({})).toMatchObject({
      API_GATEWAY_HOST: '0.0.0.0',
      API_GATEWAY_PORT: 8080,
      ORCHESTRATOR_URL: 'http://orchestrator:8000',
      ORCHESTRATOR_API_TOKEN: undefined,
      ORCHESTRATOR_TIMEOUT: 10,
      ORCHESTRATOR_WRITE_TIMEOUT: 60,
      GATEWAY_API_KEYS: [],
      RATE_LIMIT_MAX: 100,
      RATE_LIMIT_WINDOW: 60,
      RATE_LIMIT_HEALTH_MAX: 600,
      TRUST_PROXY: false,
      CORS_ORIGINS: [],
      LOG_LEVEL: 'INFO',
      LOG_VERBOSE: false,
      LOG_FORMAT: 'auto',
    });
  });

  it('reads every variable', () => {
    const config = loadGatewayConfig({
      API_GATEWAY_PORT: '9090',
      ORCHESTRATOR_URL: 'http://127.0.0.1:8001/',
      GATEWAY_API_KEYS: ` ${KEY}, ${KEY}2 ,`,
      RATE_LIMIT_MAX: '5',
      RATE_LIMIT_WINDOW: '1 minute',
      RATE_LIMIT_HEALTH_MAX: '30',
      ORCHESTRATOR_TIMEOUT: '3s',
      TRUST_PROXY: '10.0.0.0/8, loopback, fd00::/8',
      CORS_ORIGINS: 'https://ops.example.com, http://localhost:3000/',
      LOG_LEVEL: 'warn',
    });
    expect(config).toMatchObject({
      API_GATEWAY_PORT: 9090,
      ORCHESTRATOR_URL: 'http://127.0.0.1:8001',
      GATEWAY_API_KEYS: [KEY, `${KEY}2`],
      RATE_LIMIT_MAX: 5,
      RATE_LIMIT_WINDOW: 60,
      RATE_LIMIT_HEALTH_MAX: 30,
      ORCHESTRATOR_TIMEOUT: 3,
      TRUST_PROXY: ['10.0.0.0/8', 'loopback', 'fd00::/8'],
      CORS_ORIGINS: ['https://ops.example.com', 'http://localhost:3000'],
      LOG_LEVEL: 'WARNING',
    });
  });

  it.each([
    ['true', true],
    ['false', false],
    ['0', false],
    ['2', 2],
    ['127.0.0.1', ['127.0.0.1']],
  ])('reads TRUST_PROXY=%s', (raw, expected) => {
    expect(loadGatewayConfig({ TRUST_PROXY: raw }).TRUST_PROXY).toEqual(expected);
  });

  it('reads CORS_ORIGINS=* as any origin', () => {
    expect(loadGatewayConfig({ CORS_ORIGINS: '*' }).CORS_ORIGINS).toBe('*');
  });

  it('reads the keys from GATEWAY_API_KEYS_FILE, one a line', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'gateway-keys-')), 'keys');
    writeFileSync(file, `${KEY}\n${KEY}x\n`);
    expect(loadGatewayConfig({ GATEWAY_API_KEYS_FILE: file }).GATEWAY_API_KEYS).toEqual([KEY, `${KEY}x`]);
  });

  it('reports every bad variable at once, without echoing a key', () => {
    const problems = problemsOf({
      API_GATEWAY_PORT: '0',
      ORCHESTRATOR_URL: 'ftp://x',
      GATEWAY_API_KEYS: `${KEY},short-secret`,
      RATE_LIMIT_MAX: 'lots',
      RATE_LIMIT_WINDOW: '-5',
      TRUST_PROXY: '10.0.0.0/99',
      CORS_ORIGINS: 'https://ok.example.com,https://bad.example.com/path',
      ORCHESTRATOR_TIMEOUT: '0',
    });
    expect(problems.map((problem) => problem.split(':')[0])).toEqual([
      'API_GATEWAY_PORT',
      'ORCHESTRATOR_URL',
      'ORCHESTRATOR_TIMEOUT',
      'GATEWAY_API_KEYS',
      'RATE_LIMIT_MAX',
      'RATE_LIMIT_WINDOW',
      'TRUST_PROXY',
      'CORS_ORIGINS',
    ]);
    expect(problems.join('\n')).not.toContain('short-secret');
    expect(problems.find((problem) => problem.startsWith('GATEWAY_API_KEYS'))).toContain('item 2');
  });

  it('logs secrets only as [set] or [unset]', () => {
    const redacted = redactedGatewayConfig(
      loadGatewayConfig({ GATEWAY_API_KEYS: KEY, ORCHESTRATOR_API_TOKEN: 'orchestrator-secret' }),
    );
    expect(redacted).toMatchObject({
      GATEWAY_API_KEYS: '[set]',
      ORCHESTRATOR_API_TOKEN: '[set]',
      apiKeyCount: 1,
    });
    expect(JSON.stringify(redacted)).not.toMatch(/orchestrator-secret|kkkk/);
  });
});
