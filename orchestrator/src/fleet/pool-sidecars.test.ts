import { createLogger } from '@gha-ephemeral/logging';
import type { RunnerContainer, RunnerRuntime } from '@gha-ephemeral/runtime-docker';
import { describe, expect, it } from 'vitest';
import { PoolSidecars, SIDECAR_OF } from './pool-sidecars.js';

const logger = createLogger({ service: 'test', level: 'ERROR' }).logger;
const HOUR = 3_600_000;
const NOW = Date.parse('2026-12-02T12:00:00Z');
const at = (ms: number) => new Date(NOW - ms).toISOString();

/** The engine calls a sweep makes, recorded: what was removed. */
function runtimeWith(networks: { name: string; labels: Record<string, string>; createdAt: string }[]) {
  const removed: string[] = [];
  const runtime = {
    listNetworks: async () => networks,
    remove: async (name: string) => (removed.push(`container ${name}`), true),
    removeNetwork: async (name: string) => (removed.push(`network ${name}`), true),
  } as unknown as RunnerRuntime;
  return { runtime, removed };
}

describe('the sweep of Docker engines whose runner is gone', () => {
  it('removes an old engine or a network left alone, and never one of a live or a young runner', async () => {
    const { runtime, removed } = runtimeWith([
      { name: 'gha-crashed-docker-net', labels: { [SIDECAR_OF]: 'gha-crashed' }, createdAt: at(HOUR) },
      { name: 'gha-young-docker-net', labels: { [SIDECAR_OF]: 'gha-young' }, createdAt: at(60_000) },
    ]);
    const sidecars = new PoolSidecars({
      runtime,
      settings: { image: 'dind', mode: 'caps' },
      pools: [],
      orchestratorId: 'orch',
      logger,
    });
    const engine = (runner: string, age: number) =>
      ({ labels: { [SIDECAR_OF]: runner }, createdAt: at(age) }) as unknown as RunnerContainer;
    const swept = await sidecars.sweep(
      [engine('gha-live', HOUR), engine('gha-gone', HOUR)],
      new Set(['gha-live']),
      NOW,
    );
    expect(swept).toBe(2);
    expect(removed).toEqual(
      expect.arrayContaining(['network gha-crashed-docker-net', 'container gha-gone-docker']),
    );
    expect(removed.some((what) => what.includes('gha-live') || what.includes('gha-young'))).toBe(false);
  });
});
