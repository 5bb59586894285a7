import type { FastifyRequest } from 'fastify';
import { describe, expect, it } from 'vitest';
import type { ClientIdentity } from '../auth/api-key-ring.js';
import { healthRateLimit, rateLimitKey } from './rate-limit.js';

const request = (ip: string, client: ClientIdentity = { kind: 'missing' }) =>
  ({ ip, client }) as unknown as FastifyRequest;

describe('rateLimitKey', () => {
  it('keys an anonymous IPv6 client by its /64', () => {
    expect(rateLimitKey(request('2001:db8:1:2::1'))).toBe('ip-2001:db8:1:2::/64');
    expect(rateLimitKey(request('2001:db8:1:2:dead:beef:0:1'))).toBe(
      rateLimitKey(request('2001:db8:1:2::1')),
    );
    expect(rateLimitKey(request('2001:db8:1:3::1'))).not.toBe(rateLimitKey(request('2001:db8:1:2::1')));
  });

  it('keys an IPv4-mapped IPv6 client as IPv4', () => {
    expect(rateLimitKey(request('::ffff:192.0.2.7'))).toBe('ip-192.0.2.7');
    expect(rateLimitKey(request('192.0.2.7'))).toBe('ip-192.0.2.7');
  });

  it('keys a client with a valid key by the key, and an invalid key by the address', () => {
    expect(rateLimitKey(request('2001:db8::1', { kind: 'key', keyId: 'key-abc' }))).toBe('key-abc');
    expect(rateLimitKey(request('2001:db8::1', { kind: 'invalid' }))).toBe('ip-2001:db8:0:0::/64');
  });

  it("gives /health a bucket apart from the client's API bucket", async () => {
    const limit = healthRateLimit({ max: 100, windowSeconds: 60 });
    expect(limit.max).toBe(600);
    expect(await limit.keyGenerator?.(request('192.0.2.7'))).toBe('health:ip-192.0.2.7');
  });
});
