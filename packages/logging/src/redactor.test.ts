import { describe, expect, it } from 'vitest';
import { Redactor } from './redactor.js';

describe('Redactor', () => {
  it('replaces known values everywhere, also as they appear in JSON and URLs', () => {
    const redactor = new Redactor(['s3cr3t-value', undefined, 'line1\n"line2"']);
    expect(redactor.redact('a s3cr3t-value b s3cr3t-value')).toBe('a [REDACTED] b [REDACTED]');
    expect(redactor.redact(JSON.stringify({ note: 'x line1\n"line2" y' }))).toBe('{"note":"x [REDACTED] y"}');
    expect(redactor.redact(JSON.stringify({ m: JSON.stringify({ v: 'line1\n"line2"' }) }))).not.toContain(
      'line2',
    );
    expect(redactor.redact(`?q=${encodeURIComponent('line1\n"line2"')}`)).toBe('?q=[REDACTED]');
  });

  it('ignores values shorter than 6 characters', () => {
    const redactor = new Redactor(['abc', 'true']);
    redactor.add('12345');
    expect(redactor.redact('abc true 12345')).toBe('abc true 12345');
  });

  it('learns secrets later, longest first', () => {
    const redactor = new Redactor();
    expect(redactor.redact('AABBCCDDEEFF')).toBe('AABBCCDDEEFF');
    redactor.add('AABBCC');
    redactor.add('AABBCCDDEEFF');
    expect(redactor.redact('x AABBCCDDEEFF y AABBCC')).toBe('x [REDACTED] y [REDACTED]');
  });

  it.each([
    ['ghp_' + 'a'.repeat(36), 'ghp_[REDACTED]'],
    ['gho_' + 'B1'.repeat(18), 'gho_[REDACTED]'],
    ['ghu_' + 'c'.repeat(36), 'ghu_[REDACTED]'],
    ['ghs_' + 'D'.repeat(36), 'ghs_[REDACTED]'],
    ['ghr_' + 'e'.repeat(76), 'ghr_[REDACTED]'],
    ['github_pat_11ABCDEFG0_' + 'x'.repeat(59), 'github_pat_[REDACTED]'],
    ['Authorization: Bearer eyJhbGciOi.payload.sig', 'Authorization: [REDACTED]'],
    ['bearer abcdef123456', 'bearer [REDACTED]'],
    ['RemoteAuth AAAABBBBCCCC', 'RemoteAuth [REDACTED]'],
    ['authorization: token 0123456789abcdef0123456789abcdef01234567', 'authorization: [REDACTED]'],
    ['{"authorization":"Basic dXNlcjpwYXNz"}', '{"authorization":"[REDACTED]"}'],
    ['sent token 0123456789abcdef0123456789abcdef01234567 upstream', 'sent token [REDACTED] upstream'],
  ])('hides %j', (text, expected) => {
    expect(new Redactor().redact(text)).toBe(expected);
  });

  it('hides PEM private keys, whole or cut', () => {
    // Assembled at run time so that no key-looking text is committed.
    const frame = (edge: string) => [`-----${edge}`, 'RSA', 'PRIVATE', 'KEY-----'].join(' ');
    const pem = `${frame('BEGIN')}\nMIIEow\nIBAAK\n${frame('END')}`;
    expect(new Redactor().redact(`key=${pem} after`)).toBe('key=[REDACTED] after');
    expect(new Redactor().redact(JSON.stringify({ key: pem, next: 1 }))).toBe(
      '{"key":"[REDACTED]","next":1}',
    );
    const header = ['-----BEGIN', 'PRIVATE', 'KEY-----'].join(' ');
    expect(new Redactor().redact(`{"m":"${header}\\nMIIE"}`)).toBe('{"m":"[REDACTED]"}');
  });

  it('leaves ordinary text and webhook signatures alone', () => {
    const text = 'token expired; the bearer of news; sha256=0a1b2c3d4e5f60718293a4b5c6d7e8f9 ok';
    expect(new Redactor().redact(text)).toBe(text);
  });
});
