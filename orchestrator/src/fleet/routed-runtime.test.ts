import type {
  LabelFilter,
  RunnerContainer,
  RunnerContainerSpec,
  RunnerRuntime,
  RuntimeEvent,
} from '@gha-ephemeral/runtime-docker';
import { describe, expect, it } from 'vitest';
import { RoutedRuntime, RUNTIME_LABEL } from './routed-runtime.js';

/** One adapter in memory: what it was asked to do, and the events a test pushes through it. */
class MemoryRuntime implements RunnerRuntime {
  readonly containers = new Map<string, RunnerContainer>();
  readonly networks: string[] = [];
  events$: RuntimeEvent[] = [];
  constructor(readonly kind: string) {}
  async ping() {
    return { version: this.kind, apiVersion: '1' };
  }
  async list(filter: LabelFilter) {
    return [...this.containers.values()].filter((c) =>
      Object.entries(filter.labels).every(([k, v]) => c.labels[k] === v),
    );
  }
  async get(idOrName: string) {
    return [...this.containers.values()].find((c) => c.id === idOrName || c.name === idOrName) ?? null;
  }
  async create(spec: RunnerContainerSpec) {
    const container: RunnerContainer = {
      id: `${this.kind}-${spec.name}`,
      name: spec.name,
      image: spec.image,
      labels: { ...spec.labels },
      state: 'running',
      exitCode: null,
      createdAt: new Date(0).toISOString(),
    };
    this.containers.set(container.id, container);
    return container;
  }
  async remove(idOrName: string) {
    const found = await this.get(idOrName);
    return found !== null && this.containers.delete(found.id);
  }
  async ensureNetwork(name: string) {
    this.networks.push(name);
    return { name, created: true, interContainer: false };
  }
  async removeNetwork() {
    return false;
  }
  async listNetworks() {
    return [];
  }
  async *events() {
    yield* this.events$;
  }
}

const spec = (name: string, runtime?: string): RunnerContainerSpec => ({
  name,
  image: 'runner:test',
  env: {},
  labels: { 'gha-ephemeral.managed': 'true', ...(runtime ? { [RUNTIME_LABEL]: runtime } : {}) },
});

describe('RoutedRuntime', () => {
  it("creates each runner on its pool's adapter, and lists, finds and removes across both", async () => {
    const docker = new MemoryRuntime('docker');
    const swarm = new MemoryRuntime('swarm');
    const routed = new RoutedRuntime(docker, swarm, new Set(['overlay-net']));
    await routed.create(spec('on-docker'));
    await routed.create(spec('on-swarm', 'swarm'));
    expect([...docker.containers.keys()]).toEqual(['docker-on-docker']);
    expect([...swarm.containers.keys()]).toEqual(['swarm-on-swarm']);
    // The Swarm task's container shows on the engine too: listed once, as the Swarm's.
    await docker.create(spec('on-swarm', 'swarm'));
    const listed = await routed.list({ labels: { 'gha-ephemeral.managed': 'true' } });
    expect(listed.map((c) => c.id).sort()).toEqual(['docker-on-docker', 'swarm-on-swarm']);
    expect((await routed.get('on-swarm'))?.id).toBe('swarm-on-swarm');
    expect(await routed.remove('on-swarm')).toBe(true);
    expect(swarm.containers.size).toBe(0);
    expect(await routed.remove('on-swarm')).toBe(false);
  });

  it('makes each network on the adapter of the pools that use it', async () => {
    const docker = new MemoryRuntime('docker');
    const swarm = new MemoryRuntime('swarm');
    const routed = new RoutedRuntime(docker, swarm, new Set(['overlay-net']));
    await routed.ensureNetwork('overlay-net');
    await routed.ensureNetwork('bridge-net');
    expect(swarm.networks).toEqual(['overlay-net']);
    expect(docker.networks).toEqual(['bridge-net']);
  });

  it("merges both adapters' events, each runner's from its own adapter only", async () => {
    const docker = new MemoryRuntime('docker');
    const swarm = new MemoryRuntime('swarm');
    const labels = (runtime?: string) => (runtime ? { [RUNTIME_LABEL]: runtime } : {});
    docker.events$ = [
      { type: 'exited', containerId: 'd1', name: 'a', labels: labels(), exitCode: 0 },
      { type: 'exited', containerId: 't1', name: 'b', labels: labels('swarm'), exitCode: 0 },
    ];
    swarm.events$ = [{ type: 'exited', containerId: 's1', name: 'b', labels: labels('swarm'), exitCode: 3 }];
    const routed = new RoutedRuntime(docker, swarm, new Set());
    const seen: string[] = [];
    for await (const event of routed.events({ labels: {} }, { signal: new AbortController().signal })) {
      if (event.type === 'exited') seen.push(`${event.containerId}:${event.exitCode}`);
    }
    expect(seen.sort()).toEqual(['d1:0', 's1:3']);
  });
});
