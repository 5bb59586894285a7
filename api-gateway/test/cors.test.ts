import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CorsOrigins } from '../src/config-fields.js';
import { bearer, startTestGateway, type TestGateway } from './helpers/gateway.js';
import { startStandInOrchestrator, type StandInOrchestrator } from './helpers/stand-in-orchestrator.js';

const ALLOWED = 'https://ops.example.com';

function preflight(origin: string) {
  return {
    method: 'OPTIONS' as const,
    url: '/api/v1/runners',
    headers: {
      origin,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'authorization,content-type',
    },
  };
}

describe('CORS', () => {
  let upstream: StandInOrchestrator;
  const gateways = new Map<string, TestGateway>();

  beforeAll(async () => {
    upstream = await startStandInOrchestrator();
    const settings: [string, CorsOrigins][] = [
      ['list', [ALLOWED, 'http://localhost:3000']],
      ['none', []],
      ['any', '*'],
    ];
    for (const [name, corsOrigins] of settings) {
      gateways.set(name, await startTestGateway({ orchestratorUrl: upstream.url, corsOrigins }));
    }
  });
  afterAll(async () => {
    await Promise.all([...gateways.values()].map((gateway) => gateway.close()));
    await upstream.close();
  });
  const gateway = (name: string) => gateways.get(name)!.app;

  it('allows a preflight from a listed origin, with the methods and headers the API needs', async () => {
    const response = await gateway('list').inject(preflight(ALLOWED));
    expect(response.statusCode).toBe(204);
    expect(response.headers['access-control-allow-origin']).toBe(ALLOWED);
    expect(response.headers['access-control-allow-methods']).toMatch(/POST/);
    expect(response.headers['access-control-allow-methods']).toMatch(/DELETE/);
    expect(String(response.headers['access-control-allow-headers']).toLowerCase()).toMatch(/authorization/);
    expect(response.headers.vary).toMatch(/Origin/);
    expect(upstream.requests).toEqual([]);
  });

  it('refuses a preflight from an origin that is not listed: no Access-Control-Allow-Origin', async () => {
    for (const origin of [
      'https://evil.example.com',
      'https://ops.example.com.evil.example',
      'http://ops.example.com',
      'null',
    ]) {
      const response = await gateway('list').inject(preflight(origin));
      expect(response.statusCode).toBeLessThan(500);
      expect(response.headers['access-control-allow-origin'], origin).toBeUndefined();
    }
    expect(upstream.requests).toEqual([]);
  });

  it('marks an actual response for an allowed origin, exposing Retry-After and the limit headers', async () => {
    const response = await gateway('list').inject({
      method: 'GET',
      url: '/runners',
      headers: { ...bearer(), origin: ALLOWED },
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['access-control-allow-origin']).toBe(ALLOWED);
    expect(String(response.headers['access-control-expose-headers'])).toMatch(/Retry-After/);
  });

  it('allows no origin at all when CORS_ORIGINS is unset', async () => {
    const response = await gateway('none').inject(preflight(ALLOWED));
    expect(response.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('allows any origin with CORS_ORIGINS=*', async () => {
    const response = await gateway('any').inject(preflight('https://anything.example'));
    expect(response.statusCode).toBe(204);
    expect(response.headers['access-control-allow-origin']).toBe('*');
  });
});
