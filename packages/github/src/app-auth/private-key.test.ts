import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { normalizePrivateKey } from './private-key.js';

const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 })
  .privateKey.export({ type: 'pkcs1', format: 'pem' })
  .toString();

describe('normalizePrivateKey', () => {
  it('accepts a PEM as is, and one written on one line with \\n escapes', () => {
    expect(normalizePrivateKey(rsa)).toEqual({ pem: rsa.trim() });
    expect(normalizePrivateKey(rsa.trim().replace(/\n/g, '\\n'))).toEqual({ pem: rsa.trim() });
  });

  it('explains what is wrong without quoting the key', () => {
    const notPem = normalizePrivateKey('ghp_notakey');
    expect(notPem).toEqual({ problem: expect.stringMatching(/is not a PEM private key/) });
    const truncated = normalizePrivateKey(rsa.slice(0, 200));
    expect(truncated).toEqual({ problem: expect.stringMatching(/cannot be read/) });
    expect(JSON.stringify(truncated)).not.toContain(rsa.slice(40, 80));
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' })
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString();
    expect(normalizePrivateKey(ec)).toEqual({
      problem: expect.stringMatching(/ec key; GitHub App keys are RSA/),
    });
  });
});
