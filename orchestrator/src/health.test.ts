import { describe, expect, it } from 'vitest';
import { HealthCheck, type HealthCheckOptions } from './health.js';

/** A dependency whose pings are counted, and held until released when `hold` is set. */
function fakeDependency() {
  const state = {
    pings: 0,
    fail: null as Error | null,
    hang: false,
    held: [] as (() => void)[],
    hold: false,
  };
  const ping = async (): Promise<void> => {
    state.pings += 1;
    if (state.hang) return new Promise<void>(() => undefined);
    if (state.hold) await new Promise<void>((resolve) => state.held.push(resolve));
    if (state.fail) throw state.fail;
  };
  const release = () => state.held.splice(0).forEach((resolve) => resolve());
  return { state, ping, release };
}

function setUp(options: HealthCheckOptions = {}) {
  const clock = { now: 1_000_000 };
  const docker = fakeDependency();
  const github = fakeDependency();
  const health = new HealthCheck(
    {
      ping: async () => {
        await docker.ping();
        return { version: '27.1.0', apiVersion: '1.46' };
      },
    },
    {
      ping: async () => {
        await github.ping();
        return { rateLimitRemaining: 5000 };
      },
    },
    '1.0.0-test',
    { now: () => clock.now, ...options },
  );
  const checks = (count: number) => Promise.all(Array.from({ length: count }, () => health.check()));
  return { clock, docker, github, health, checks };
}

describe('HealthCheck', () => {
  it('answers 50 concurrent callers with one probe of Docker and one of GitHub', async () => {
    const { docker, github, checks } = setUp();
    docker.state.hold = true;
    const pending = checks(50);
    await new Promise((resolve) => setImmediate(resolve));
    docker.release();
    const results = await pending;
    expect(results.map((result) => result.status)).toEqual(Array(50).fill('ok'));
    expect(results[0]).toMatchObject({
      service: 'orchestrator',
      version: '1.0.0-test',
      dependencies: { docker: { status: 'ok', version: '27.1.0' }, github: { status: 'ok' } },
    });
    expect(docker.state.pings).toBe(1);
    expect(github.state.pings).toBe(1);
  });

  it('asks Docker at most every few seconds and GitHub at most every 30 s, whatever the traffic', async () => {
    const { clock, docker, github, checks } = setUp();
    await checks(1);
    clock.now += 1_000;
    await checks(20);
    expect(docker.state.pings).toBe(1);
    clock.now += 5_000;
    await checks(20);
    expect(docker.state.pings).toBe(2);
    expect(github.state.pings).toBe(1);
    clock.now += 25_000;
    // The cache expired: 50 concurrent checks still make one GitHub request.
    await checks(50);
    expect(github.state.pings).toBe(2);
  });

  it('serves the last view while one background probe refreshes it, then shows what the probe found', async () => {
    const { clock, github, health } = setUp();
    await health.check();
    clock.now += 31_000;
    github.state.hold = true;
    github.state.fail = new Error('GitHub answered 401 Bad credentials');
    // Served at once from the previous view, though GitHub has not answered yet.
    expect((await health.check()).status).toBe('ok');
    expect((await health.check()).status).toBe('ok');
    expect(github.state.pings).toBe(2);
    github.release();
    await new Promise((resolve) => setImmediate(resolve));
    expect(await health.check()).toMatchObject({
      status: 'down',
      dependencies: { github: { status: 'down', message: 'GitHub answered 401 Bad credentials' } },
    });
  });

  it('waits for a fresh probe after a long quiet spell instead of reporting a state from long ago', async () => {
    const { clock, docker, health } = setUp();
    expect((await health.check()).status).toBe('ok');
    clock.now += 10 * 60_000;
    docker.state.fail = new Error('connect ENOENT /var/run/docker.sock');
    expect(await health.check()).toMatchObject({
      status: 'down',
      dependencies: { docker: { status: 'down' }, github: { status: 'ok' } },
    });
  });

  it('gives every probe a deadline, even when the dependency ignores the abort signal', async () => {
    const { github, health } = setUp({ githubTimeoutMs: 20 });
    github.state.hang = true;
    const result = await health.check();
    expect(result).toMatchObject({
      status: 'down',
      dependencies: {
        docker: { status: 'ok' },
        github: { status: 'down', message: 'no answer within 0.02 s' },
      },
    });
  });

  it('reports uptime by its clock', async () => {
    const { clock, health } = setUp();
    clock.now += 42_000;
    expect((await health.check()).uptimeSeconds).toBe(42);
  });
});
