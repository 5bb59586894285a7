import type { InjectOptions } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { TrustProxy } from '../src/config-fields.js';
import { OTHER_API_KEY, bearer, startTestGateway, type TestGateway } from './helpers/gateway.js';
import { startStandInOrchestrator, type StandInOrchestrator } from './helpers/stand-in-orchestrator.js';

const MAX = 3;

describe('rate limiting', () => {
  let upstream: StandInOrchestrator;
  const gateways: TestGateway[] = [];

  beforeAll(async () => {
    upstream = await startStandInOrchestrator();
  });
  afterEach(async () => {
    await Promise.all(gateways.splice(0).map((gateway) => gateway.close()));
    upstream.reset();
  });
  afterAll(async () => {
    await upstream.close();
  });

  async function gatewayWith(
    options: { windowSeconds?: number; trustProxy?: TrustProxy; now?: () => number } = {},
  ): Promise<TestGateway> {
    const gateway = await startTestGateway({
      orchestratorUrl: upstream.url,
      rateLimit: { max: MAX, windowSeconds: options.windowSeconds ?? 60 },
      trustProxy: options.trustProxy ?? false,
      ...(options.now ? { now: options.now } : {}),
    });
    gateways.push(gateway);
    return gateway;
  }

  const list = (extra: Partial<InjectOptions> = {}): InjectOptions => ({
    method: 'GET',
    url: '/api/v1/runners',
    headers: bearer(),
    ...extra,
  });

  it('answers the request over the limit with 429, Retry-After and nothing forwarded', async () => {
    const gateway = await gatewayWith();
    for (let i = 0; i < MAX; i += 1) {
      const response = await gateway.app.inject(list());
      expect(response.statusCode).toBe(200);
      expect(response.headers['x-ratelimit-limit']).toBe(String(MAX));
      expect(response.headers['x-ratelimit-remaining']).toBe(String(MAX - i - 1));
    }
    const refused = await gateway.app.inject(list());
    expect(refused.statusCode).toBe(429);
    const retryAfter = Number(refused.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(refused.json()).toMatchObject({
      code: 'rate_limit.exceeded',
      details: { limit: MAX, windowSeconds: 60, retryAfterSeconds: retryAfter },
    });
    expect(refused.json<{ message: string }>().message).toMatch(/at most 3 per 60 s; retry in \d+ s/);
    expect(upstream.requests).toHaveLength(MAX);
  });

  it('lets the client in again once Retry-After has passed, and not before', async () => {
    let now = 1_700_000_000_000;
    const gateway = await gatewayWith({ windowSeconds: 60, now: () => now });
    for (let i = 0; i < MAX; i += 1) await gateway.app.inject(list());
    now += 20_000;
    const refused = await gateway.app.inject(list());
    expect(refused.statusCode).toBe(429);
    const retryAfterMs = Number(refused.headers['retry-after']) * 1000;
    expect(retryAfterMs).toBe(40_000);
    now += retryAfterMs - 1;
    expect((await gateway.app.inject(list())).statusCode).toBe(429);
    now += 1;
    const admitted = await gateway.app.inject(list());
    expect(admitted.statusCode).toBe(200);
    expect(admitted.headers['x-ratelimit-remaining']).toBe(String(MAX - 1));
  });

  it('gives each API key its own allowance, even from one address', async () => {
    const gateway = await gatewayWith();
    for (let i = 0; i < MAX; i += 1) await gateway.app.inject(list());
    expect((await gateway.app.inject(list())).statusCode).toBe(429);
    expect((await gateway.app.inject(list({ headers: bearer(OTHER_API_KEY) }))).statusCode).toBe(200);
  });

  it('counts failed authentication by address, so inventing keys buys nothing', async () => {
    const gateway = await gatewayWith();
    const statuses: number[] = [];
    for (let i = 0; i < MAX + 2; i += 1) {
      const response = await gateway.app.inject(
        list({
          headers: { authorization: `Bearer invented-key-${i}-0123456789abcdef` },
          remoteAddress: '192.0.2.7',
        }),
      );
      statuses.push(response.statusCode);
    }
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
    // A real key from the same address still has its own bucket.
    expect((await gateway.app.inject(list({ remoteAddress: '192.0.2.7' }))).statusCode).toBe(200);
  });

  it('limits unknown routes too, but not /health with them: it has a bucket of its own', async () => {
    const gateway = await gatewayWith();
    for (let i = 0; i < MAX; i += 1)
      await gateway.app.inject({ method: 'GET', url: '/wp-admin', remoteAddress: '192.0.2.8' });
    expect(
      (await gateway.app.inject({ method: 'GET', url: '/wp-admin', remoteAddress: '192.0.2.8' })).statusCode,
    ).toBe(429);
    for (let i = 0; i < MAX * 5; i += 1) {
      const health = await gateway.app.inject({ method: 'GET', url: '/health', remoteAddress: '192.0.2.8' });
      expect(health.statusCode).toBe(200);
      expect(health.headers['x-ratelimit-limit']).toBe('600');
    }
  });

  it('limits a /health flood in its own bucket, leaving the API allowance untouched', async () => {
    const gateway = await startTestGateway({
      orchestratorUrl: upstream.url,
      rateLimit: { max: MAX, windowSeconds: 60, healthMax: 5 },
    });
    gateways.push(gateway);
    const health = () => gateway.app.inject({ method: 'GET', url: '/health', remoteAddress: '192.0.2.11' });
    const statuses: number[] = [];
    for (let i = 0; i < 7; i += 1) statuses.push((await health()).statusCode);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
    const refused = await health();
    expect(refused.json()).toMatchObject({
      code: 'rate_limit.exceeded',
      details: { limit: 5, windowSeconds: 60 },
    });
    // The same client still has its whole API allowance, anonymous or with a key.
    const anonymous = await gateway.app.inject({
      method: 'GET',
      url: '/openapi.json',
      remoteAddress: '192.0.2.11',
    });
    expect(anonymous.statusCode).toBe(200);
    expect(anonymous.headers['x-ratelimit-remaining']).toBe(String(MAX - 1));
    expect((await gateway.app.inject(list({ remoteAddress: '192.0.2.11' }))).statusCode).toBe(200);
  });

  it('keys an IPv6 client by its /64, and an IPv4-mapped address as the IPv4 one', async () => {
    const gateway = await gatewayWith();
    const from = (remoteAddress: string) =>
      gateway.app.inject({ method: 'GET', url: '/openapi.json', remoteAddress });
    // Rotating through the addresses of one /64 buys no fresh allowance.
    const statuses: number[] = [];
    for (let i = 1; i <= MAX + 1; i += 1) statuses.push((await from(`2001:db8:1:2::${i}`)).statusCode);
    expect(statuses).toEqual([200, 200, 200, 429]);
    // Another /64 is another client.
    expect((await from('2001:db8:1:3::1')).statusCode).toBe(200);
    // A dual-stack socket reports an IPv4 client as ::ffff:a.b.c.d: the same bucket as a.b.c.d.
    for (let i = 0; i < MAX; i += 1) await from('192.0.2.20');
    expect((await from('::ffff:192.0.2.20')).statusCode).toBe(429);
  });

  const anonymous = (forwardedFor: string, remoteAddress = '127.0.0.1'): InjectOptions => ({
    method: 'GET',
    url: '/openapi.json',
    remoteAddress,
    headers: { 'x-forwarded-for': forwardedFor },
  });

  it('ignores X-Forwarded-For by default, so a client cannot forge new addresses', async () => {
    const gateway = await gatewayWith();
    const statuses: number[] = [];
    for (let i = 0; i < MAX + 1; i += 1)
      statuses.push((await gateway.app.inject(anonymous(`203.0.113.${i}`))).statusCode);
    expect(statuses).toEqual([200, 200, 200, 429]);
  });

  it('keys on the forwarded client address behind a trusted proxy (TRUST_PROXY list)', async () => {
    const gateway = await gatewayWith({ trustProxy: ['127.0.0.1'] });
    for (let i = 0; i < MAX; i += 1)
      expect((await gateway.app.inject(anonymous('203.0.113.1'))).statusCode).toBe(200);
    expect((await gateway.app.inject(anonymous('203.0.113.1'))).statusCode).toBe(429);
    // Another client behind the same proxy has its own allowance.
    expect((await gateway.app.inject(anonymous('203.0.113.2'))).statusCode).toBe(200);
    // The header from a peer that is not the trusted proxy is not believed.
    for (let i = 0; i < MAX; i += 1) await gateway.app.inject(anonymous(`198.51.100.${i}`, '192.0.2.9'));
    expect((await gateway.app.inject(anonymous('198.51.100.99', '192.0.2.9'))).statusCode).toBe(429);
  });

  it('counts proxy hops with TRUST_PROXY=<n>', async () => {
    const gateway = await gatewayWith({ trustProxy: 1 });
    // client, then the address the proxy saw: with one trusted hop the client is the last entry.
    for (let i = 0; i < MAX; i += 1) await gateway.app.inject(anonymous('10.9.9.9, 203.0.113.5'));
    expect((await gateway.app.inject(anonymous('10.9.9.8, 203.0.113.5'))).statusCode).toBe(429);
    expect((await gateway.app.inject(anonymous('10.9.9.9, 203.0.113.6'))).statusCode).toBe(200);
  });
});
