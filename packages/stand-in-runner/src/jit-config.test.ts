import { describe, expect, it } from 'vitest';
import { deriveApiUrl, hostToOrigin } from './api-url.js';
import { decodeJitConfig, encodeJitConfig } from './jit-config.js';

describe('JIT config', () => {
  const creds = {
    serverUrl: 'http://127.0.0.1:1/_runner',
    runnerId: 7,
    runnerName: 'r7',
    secret: 's3cret',
    ephemeral: true,
    workFolder: '_work',
    gitHubUrl: 'http://127.0.0.1:1/o/r',
  };

  it('round-trips through the real runner’s nested base64 shape', () => {
    const encoded = encodeJitConfig(creds);
    const outer = JSON.parse(Buffer.from(encoded, 'base64').toString('utf8')) as Record<string, string>;
    expect(Object.keys(outer)).toEqual(['.runner', '.credentials']);
    expect(decodeJitConfig(encoded)).toEqual(creds);
  });

  it('rejects garbage without quoting it', () => {
    expect(() => decodeJitConfig('not-base64-json-SECRET')).toThrow(/invalid jit config/);
    expect(() => decodeJitConfig('not-base64-json-SECRET')).not.toThrow(/SECRET/);
    const noSecret = Buffer.from(
      JSON.stringify({
        '.runner': Buffer.from('{"agentId":1,"agentName":"a","serverUrl":"u"}').toString('base64'),
        '.credentials': Buffer.from('{}').toString('base64'),
      }),
    ).toString('base64');
    expect(() => decodeJitConfig(noSecret)).toThrow(/lacks a secret/);
  });
});

describe('API URL derivation', () => {
  it.each([
    ['https://github.com/o/r', 'https://api.github.com'],
    ['https://github.com/org', 'https://api.github.com'],
    ['https://ghe.example.com/o/r', 'https://ghe.example.com/api/v3'],
    ['http://127.0.0.1:3000/o/r', 'http://127.0.0.1:3000/api/v3'],
    ['https://acme.ghe.com/o', 'https://api.acme.ghe.com'],
  ])('%s → %s', (web, api) => {
    expect(deriveApiUrl(web)).toBe(api);
  });

  it('turns GITHUB_HOST into an origin', () => {
    expect(hostToOrigin(undefined)).toBe('https://github.com');
    expect(hostToOrigin('ghe.example.com')).toBe('https://ghe.example.com');
    // The myoung34 entrypoint strips the scheme and always uses https.
    expect(hostToOrigin('http://127.0.0.1:3000/')).toBe('https://127.0.0.1:3000');
    expect(hostToOrigin('https://ghe.example.com')).toBe('https://ghe.example.com');
  });
});
