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

describe('Redactor: forgetting learnt secrets', () => {
  it('stops hiding a secret once its handle is called, and a second call changes nothing', () => {
    const redactor = new Redactor();
    const forget = redactor.add('runner-one-token');
    const keep = redactor.add('runner-two-token');
    expect(redactor.redact('runner-one-token runner-two-token')).toBe('[REDACTED] [REDACTED]');
    forget();
    forget();
    expect(redactor.redact('runner-one-token runner-two-token')).toBe('runner-one-token [REDACTED]');
    keep();
    expect(redactor.redact('runner-two-token')).toBe('runner-two-token');
  });

  it('keeps a value hidden while another live secret still holds it', () => {
    const redactor = new Redactor();
    // The padded secret's trimmed form is the other secret's value.
    const forgetPadded = redactor.add('  shared-value  ');
    const forgetPlain = redactor.add('shared-value');
    forgetPlain();
    expect(redactor.redact('x shared-value y')).toBe('x [REDACTED] y');
    forgetPadded();
    expect(redactor.redact('x shared-value y')).toBe('x shared-value y');
  });

  it('keeps a value learnt twice until both holders let go', () => {
    const redactor = new Redactor();
    const first = redactor.add('twice-learnt');
    const second = redactor.add('twice-learnt');
    first();
    first();
    expect(redactor.redact('twice-learnt')).toBe('[REDACTED]');
    second();
    expect(redactor.redact('twice-learnt')).toBe('twice-learnt');
  });

  it('never forgets a configuration secret, even when the same value is learnt and forgotten', () => {
    const redactor = new Redactor(['config-secret'], { maxLearntSecrets: 1 });
    redactor.add('config-secret', { expiresAt: 0 })();
    redactor.add('other-learnt-1');
    redactor.add('other-learnt-2');
    expect(redactor.redact('config-secret')).toBe('[REDACTED]');
  });

  it('gives a handle that does nothing for a value too short to hide', () => {
    const redactor = new Redactor(['abcdef']);
    const forget = redactor.add('abc');
    forget();
    expect(redactor.redact('abc abcdef')).toBe('abc [REDACTED]');
  });
});

describe('Redactor: expiry', () => {
  it('forgets a secret by itself once its expiry time has come, by the given clock', () => {
    let now = 1_000;
    const redactor = new Redactor([], { now: () => now });
    redactor.add('expiring-token', { expiresAt: 2_000 });
    redactor.add('lasting-token');
    redactor.add('later-token', { expiresAt: 5_000 });
    now = 1_999;
    expect(redactor.redact('expiring-token lasting-token later-token')).toBe(
      '[REDACTED] [REDACTED] [REDACTED]',
    );
    now = 2_000;
    expect(redactor.redact('expiring-token lasting-token later-token')).toBe(
      'expiring-token [REDACTED] [REDACTED]',
    );
    now = 10_000;
    expect(redactor.redact('lasting-token later-token')).toBe('[REDACTED] later-token');
  });

  it('keeps a value that expired for one holder while another still holds it', () => {
    let now = 0;
    const redactor = new Redactor([], { now: () => now });
    redactor.add('renewed-token', { expiresAt: 100 });
    redactor.add('renewed-token', { expiresAt: 200 });
    now = 150;
    expect(redactor.redact('renewed-token')).toBe('[REDACTED]');
    now = 200;
    expect(redactor.redact('renewed-token')).toBe('renewed-token');
  });

  it('treats an absent or unusable expiry as none', () => {
    let now = 0;
    const redactor = new Redactor([], { now: () => now });
    redactor.add('no-expiry-1', { expiresAt: undefined });
    redactor.add('no-expiry-2', { expiresAt: Number.NaN });
    now = Number.MAX_SAFE_INTEGER;
    expect(redactor.redact('no-expiry-1 no-expiry-2')).toBe('[REDACTED] [REDACTED]');
  });

  it('still expires the right secrets after many were forgotten before their time', () => {
    let now = 0;
    const redactor = new Redactor([], { now: () => now, maxLearntSecrets: 3 });
    for (let index = 0; index < 1_000; index += 1) {
      redactor.add(`short-lived-${index}`, { expiresAt: 5_000 + index })();
    }
    redactor.add('expires-first', { expiresAt: 1_000 });
    redactor.add('expires-later', { expiresAt: 9_000 });
    now = 999;
    expect(redactor.redact('short-lived-999 expires-first expires-later')).toBe(
      'short-lived-999 [REDACTED] [REDACTED]',
    );
    now = 1_000;
    expect(redactor.redact('expires-first expires-later')).toBe('expires-first [REDACTED]');
    now = 9_000;
    expect(redactor.redact('expires-later')).toBe('expires-later');
  });
});

describe('Redactor: bound on learnt secrets', () => {
  it('forgets the oldest learnt secret past the cap', () => {
    const redactor = new Redactor(['config-secret'], { maxLearntSecrets: 2 });
    const forgetFirst = redactor.add('learnt-first');
    redactor.add('learnt-second');
    redactor.add('learnt-third');
    expect(redactor.redact('config-secret learnt-first learnt-second learnt-third')).toBe(
      '[REDACTED] learnt-first [REDACTED] [REDACTED]',
    );
    // The dropped secret's handle must not let go of a hold it no longer has.
    redactor.add('learnt-second');
    forgetFirst();
    expect(redactor.redact('learnt-second learnt-third')).toBe('[REDACTED] [REDACTED]');
  });

  it('counts a forgotten secret out of the cap', () => {
    const redactor = new Redactor([], { maxLearntSecrets: 2 });
    redactor.add('learnt-first');
    redactor.add('learnt-second')();
    redactor.add('learnt-third');
    expect(redactor.redact('learnt-first learnt-third')).toBe('[REDACTED] [REDACTED]');
  });

  it.each([0, -1, 1.5, Number.NaN])('rejects a cap of %s', (maxLearntSecrets) => {
    expect(() => new Redactor([], { maxLearntSecrets })).toThrow(RangeError);
  });
});
