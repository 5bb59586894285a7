import { describe, expect, it } from 'vitest';
import { ApiKeyRing } from './api-key-ring.js';

const KEY_A = 'a'.repeat(32);
const KEY_B = 'key-b-0123456789abcdef';

describe('ApiKeyRing', () => {
  it('says no key is configured whatever the header', () => {
    const ring = new ApiKeyRing([]);
    expect(ring.configured).toBe(false);
    expect(ring.identify(`Bearer ${KEY_A}`)).toEqual({ kind: 'not_configured' });
  });

  it('accepts each configured key, the scheme in any case, and gives each a distinct stable id', () => {
    const ring = new ApiKeyRing([KEY_A, KEY_B]);
    const a = ring.identify(`Bearer ${KEY_A}`);
    const b = ring.identify(`bearer ${KEY_B}`);
    expect(a.kind).toBe('key');
    expect(b.kind).toBe('key');
    expect(a).not.toEqual(b);
    expect(ring.identify(`BEARER ${KEY_A}`)).toEqual(a);
    expect(new ApiKeyRing([KEY_B, KEY_A]).identify(`Bearer ${KEY_A}`)).toEqual(a);
  });

  it('never puts the key itself in the id', () => {
    const identity = new ApiKeyRing([KEY_B]).identify(`Bearer ${KEY_B}`);
    expect(JSON.stringify(identity)).not.toContain(KEY_B);
  });

  it.each([
    [undefined, 'missing'],
    ['', 'missing'],
    [`Basic ${Buffer.from(`u:${KEY_A}`).toString('base64')}`, 'malformed'],
    [KEY_A, 'malformed'],
    ['Bearer', 'malformed'],
    [`Bearer ${KEY_A} extra`, 'malformed'],
    [`Bearer ${KEY_A}x`, 'invalid'],
    [`Bearer ${KEY_A.slice(1)}`, 'invalid'],
    [`Bearer ${KEY_A.toUpperCase()}`, 'invalid'],
  ])('refuses %j as %s', (header, kind) => {
    expect(new ApiKeyRing([KEY_A]).identify(header).kind).toBe(kind);
  });
});
