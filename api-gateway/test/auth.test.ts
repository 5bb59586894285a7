import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { API_KEY, OTHER_API_KEY, bearer, startTestGateway, type TestGateway } from './helpers/gateway.js';
import { startStandInOrchestrator, type StandInOrchestrator } from './helpers/stand-in-orchestrator.js';

const RUNNER_ROUTES = [
  { method: 'GET', url: '/runners' },
  { method: 'GET', url: '/api/v1/runners' },
  { method: 'GET', url: '/runners/runner-1' },
  { method: 'GET', url: '/api/v1/runners/runner-1' },
  { method: 'POST', url: '/api/v1/runners' },
  { method: 'DELETE', url: '/api/v1/runners/runner-1' },
] as const;

/** The route with the given headers, and a valid body for the POST. */
function requestFor(route: (typeof RUNNER_ROUTES)[number], headers: Record<string, string>): InjectOptions {
  const withBody = route.method === 'POST';
  return {
    method: route.method,
    url: route.url,
    headers: { ...headers, 'content-type': 'application/json' },
    ...(withBody ? { payload: JSON.stringify({ organization: 'octo-org' }) } : {}),
  };
}

describe('authentication', () => {
  let upstream: StandInOrchestrator;
  let gateway: TestGateway;

  beforeAll(async () => {
    upstream = await startStandInOrchestrator();
    gateway = await startTestGateway({ orchestratorUrl: upstream.url });
  });
  afterAll(async () => {
    await gateway.close();
    await upstream.close();
  });
  beforeEach(() => upstream.reset());

  const cases: [string, Record<string, string>, string, RegExp][] = [
    ['no Authorization header', {}, 'auth.missing', /Authorization: Bearer/],
    ['an empty header', { authorization: '' }, 'auth.missing', /Bearer/],
    [
      'the Basic scheme',
      { authorization: `Basic ${Buffer.from(`x:${API_KEY}`).toString('base64')}` },
      'auth.invalid',
      /Bearer scheme/,
    ],
    ['a bare key', { authorization: API_KEY }, 'auth.invalid', /Bearer scheme/],
    ['Bearer and nothing', { authorization: 'Bearer ' }, 'auth.invalid', /Bearer scheme/],
    ['an unknown key', { authorization: 'Bearer unknown-key-0123456789abcdef' }, 'auth.invalid', /not valid/],
    ['a prefix of a key', { authorization: `Bearer ${API_KEY.slice(0, -1)}` }, 'auth.invalid', /not valid/],
    ['a key with a suffix', { authorization: `Bearer ${API_KEY}0` }, 'auth.invalid', /not valid/],
    [
      'a key in the wrong case',
      { authorization: `Bearer ${API_KEY.toUpperCase()}` },
      'auth.invalid',
      /not valid/,
    ],
    ['the key as X-API-Key', { 'x-api-key': API_KEY }, 'auth.missing', /Bearer/],
  ];

  for (const route of RUNNER_ROUTES) {
    it.each(cases)(`${route.method} ${route.url} refuses %s with 401`, async (_name, headers, code, says) => {
      const response = await gateway.app.inject(requestFor(route, headers));
      expect(response.statusCode).toBe(401);
      expect(response.headers['www-authenticate']).toMatch(/^Bearer/);
      expect(response.json()).toMatchObject({ code });
      expect(response.json<{ message: string }>().message).toMatch(says);
      expect(upstream.requests).toEqual([]);
    });
  }

  it.each([API_KEY, OTHER_API_KEY])('accepts each configured key on every runner route (%#)', async (key) => {
    upstream.runners = [];
    for (const route of RUNNER_ROUTES) {
      const response = await gateway.app.inject(requestFor(route, bearer(key)));
      expect(response.statusCode, `${route.method} ${route.url}`).not.toBe(401);
    }
    expect(upstream.requests).toHaveLength(RUNNER_ROUTES.length);
  });

  it('accepts the scheme in any case and surrounding spaces', async () => {
    const response = await gateway.app.inject({
      method: 'GET',
      url: '/runners',
      headers: { authorization: `bEaReR   ${API_KEY}  ` },
    });
    expect(response.statusCode).toBe(200);
  });

  it.each(['/health', '/openapi.json', '/docs', '/redoc', '/redoc/redoc.standalone.js'])(
    'serves %s without a key',
    async (url) => {
      const response = await gateway.app.inject({ method: 'GET', url });
      expect(response.statusCode).toBe(200);
    },
  );

  it('writes no key into any log line', () => {
    const all = gateway.rawLogs.join('\n');
    expect(all).not.toContain(API_KEY);
    expect(all).not.toContain(OTHER_API_KEY);
    expect(all).not.toContain(API_KEY.toUpperCase());
  });
});

describe('authentication with no key configured', () => {
  let upstream: StandInOrchestrator;
  let gateway: TestGateway;

  beforeAll(async () => {
    upstream = await startStandInOrchestrator();
    gateway = await startTestGateway({ orchestratorUrl: upstream.url, apiKeys: [] });
  });
  afterAll(async () => {
    await gateway.close();
    await upstream.close();
  });

  it('starts, warns once, and says how to configure a key on every runner route', async () => {
    for (const route of RUNNER_ROUTES) {
      const response = await gateway.app.inject({ ...route, headers: bearer() });
      expect(response.statusCode).toBe(401);
      expect(response.json()).toMatchObject({ code: 'auth.not_configured' });
      expect(response.json<{ message: string }>().message).toMatch(/GATEWAY_API_KEYS/);
    }
    expect(upstream.requests).toEqual([]);
    const warnings = gateway.logs.filter(
      (line) => line.level === 'WARNING' && /GATEWAY_API_KEYS/.test(String(line.msg)),
    );
    expect(warnings).toHaveLength(1);
  });

  it('still serves health and docs', async () => {
    expect((await gateway.app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
    expect((await gateway.app.inject({ method: 'GET', url: '/openapi.json' })).statusCode).toBe(200);
  });
});
