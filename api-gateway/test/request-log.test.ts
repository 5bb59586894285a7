import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_KEY, bearer, startTestGateway, type TestGateway } from './helpers/gateway.js';
import { startStandInOrchestrator, type StandInOrchestrator } from './helpers/stand-in-orchestrator.js';

const TOKEN = 'orchestrator-token-for-logs-0123456789';

describe('request logging', () => {
  let upstream: StandInOrchestrator;
  let gateway: TestGateway;

  beforeAll(async () => {
    upstream = await startStandInOrchestrator({ token: TOKEN });
    gateway = await startTestGateway({ orchestratorUrl: upstream.url, apiToken: TOKEN });
    gateway.logs.length = 0;
    gateway.rawLogs.length = 0;
    await gateway.app.inject({
      method: 'GET',
      url: '/api/v1/runners?page=2',
      headers: bearer(),
      remoteAddress: '192.0.2.10',
    });
    await gateway.app.inject({
      method: 'GET',
      url: '/runners',
      headers: { authorization: 'Bearer wrong-key-0123456789abcdef' },
    });
    for (let i = 0; i < 3; i += 1) await gateway.app.inject({ method: 'GET', url: '/health' });
  });
  afterAll(async () => {
    await gateway.close();
    await upstream.close();
  });

  it('writes one RESPONSE line at INFO with method, URL, client address, status and duration, and the REQUEST line at DEBUG', () => {
    const requests = gateway.logs.filter((line) => line.category === 'REQUEST');
    const responses = gateway.logs.filter((line) => line.category === 'RESPONSE');
    expect(requests).toHaveLength(2);
    expect(responses).toHaveLength(2);
    expect(requests[0]).toMatchObject({
      level: 'DEBUG',
      method: 'GET',
      url: '/api/v1/runners?page=2',
      client: '192.0.2.10',
    });
    expect(responses[0]).toMatchObject({
      level: 'INFO',
      method: 'GET',
      url: '/api/v1/runners?page=2',
      client: '192.0.2.10',
      status: 200,
    });
    expect(responses[0]?.durationMs).toEqual(expect.any(Number));
    expect(responses[0]?.keyId).toMatch(/^key-[0-9a-f]{12}$/);
    expect(responses[1]).toMatchObject({ status: 401 });
    expect(responses[1]?.keyId).toBeUndefined();
  });

  it('writes nothing for health checks', () => {
    expect(gateway.logs.filter((line) => String(line.url).startsWith('/health'))).toEqual([]);
  });

  it('never writes a key, a token or an Authorization header', () => {
    const all = gateway.rawLogs.join('\n');
    expect(all).not.toContain(API_KEY);
    expect(all).not.toContain(TOKEN);
    expect(all).not.toContain('wrong-key-0123456789abcdef');
    expect(all.toLowerCase()).not.toContain('authorization');
  });
});
