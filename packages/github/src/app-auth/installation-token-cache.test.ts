import { describe, expect, it } from 'vitest';
import { InstallationTokenCache } from './installation-token-cache.js';

// auth-app's serialization: token|createdAt|expiresAt|repositorySelection|permissions|singleFileName
const value = (token: string, expiresAt: string) =>
  `${token}|2030-01-01T00:00:00.000Z|${expiresAt}|all|actions,administration!|`;

describe('InstallationTokenCache', () => {
  it('hands a token out until the margin before its expires_at', () => {
    let now = Date.parse('2030-01-01T00:00:00Z');
    const cache = new InstallationTokenCache({ refreshMarginMs: 5 * 60_000, now: () => now });
    cache.set('11', value('ghs_a', '2030-01-01T01:00:00Z'));
    now = Date.parse('2030-01-01T00:54:59Z');
    expect(cache.get('11')).toMatch(/^ghs_a\|/);
    now = Date.parse('2030-01-01T00:55:00Z');
    expect(cache.get('11')).toBeUndefined();
    expect(cache.stats()).toEqual({ stored: 1, hits: 1, expired: 1 });
  });

  it('follows the expires_at GitHub gave, even a short one', () => {
    const now = Date.parse('2030-01-01T00:00:00Z');
    const cache = new InstallationTokenCache({ refreshMarginMs: 60_000, now: () => now });
    cache.set('11', value('ghs_short', '2030-01-01T00:00:30Z'));
    expect(cache.get('11')).toBeUndefined();
  });

  it('keeps nothing whose expiry it cannot read, and forgets everything on clear', () => {
    const cache = new InstallationTokenCache();
    cache.set('11', 'ghs_x|created|not-a-date|all||');
    expect(cache.get('11')).toBeUndefined();
    cache.set('12', value('ghs_b', '2999-01-01T00:00:00Z'));
    cache.clear();
    expect(cache.get('12')).toBeUndefined();
  });
});
