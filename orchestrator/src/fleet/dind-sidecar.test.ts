import type {
  EnsureNetworkOptions,
  RunnerContainer,
  RunnerContainerSpec,
  RunnerNetwork,
  RunnerRuntime,
} from '@gha-ephemeral/runtime-docker';
import { describe, expect, it } from 'vitest';
import { DindSidecars, dindPrivileges } from './dind-sidecar.js';

/** An engine in memory: the probe exits 0 after `probeAnswersAfter` looks (never when null). */
class FakeRuntime implements RunnerRuntime {
  readonly specs = new Map<string, RunnerContainerSpec>();
  readonly networks = new Map<string, { labels: Record<string, string>; interContainer: boolean }>();
  probeAnswersAfter: number | null = 2;
  engineExits = false;
  #looks = 0;

  async ping() {
    return { version: 'fake', apiVersion: '1.41' };
  }
  async list() {
    return [...this.specs.values()].map((spec) => this.#describe(spec));
  }
  async get(idOrName: string) {
    const spec = this.specs.get(idOrName);
    if (spec === undefined) return null;
    if (spec.name.endsWith('-probe')) this.#looks += 1;
    return this.#describe(spec);
  }
  async create(spec: RunnerContainerSpec) {
    if (spec.network !== undefined && !this.networks.has(spec.network)) throw new Error('no such network');
    this.specs.set(spec.name, spec);
    return this.#describe(spec);
  }
  async remove(idOrName: string) {
    return this.specs.delete(idOrName);
  }
  async ensureNetwork(name: string, opts: EnsureNetworkOptions = {}): Promise<RunnerNetwork> {
    const existing = this.networks.get(name);
    if (existing !== undefined) return { name, created: false, interContainer: existing.interContainer };
    const interContainer = opts.interContainer ?? false;
    this.networks.set(name, { labels: { ...opts.labels }, interContainer });
    return { name, created: true, interContainer };
  }
  async removeNetwork(name: string) {
    return this.networks.delete(name);
  }
  async listNetworks() {
    return [];
  }
  async *events() {}

  #describe(spec: RunnerContainerSpec): RunnerContainer {
    const probe = spec.name.endsWith('-probe');
    const answered = probe && this.probeAnswersAfter !== null && this.#looks >= this.probeAnswersAfter;
    const exited = answered || (!probe && this.engineExits);
    return {
      id: spec.name,
      name: spec.name,
      image: spec.image,
      labels: { ...spec.labels },
      state: exited ? 'exited' : 'running',
      exitCode: exited ? (probe ? 0 : 1) : null,
      createdAt: new Date(0).toISOString(),
    };
  }
}

const LABELS = { 'gha-ephemeral.managed': 'true', 'gha-ephemeral.runner': 'gha-acme-r1' };

function setUp(options: { readyTimeoutMs?: number; dockerdArgs?: string } = {}) {
  const runtime = new FakeRuntime();
  const sidecars = new DindSidecars({ runtime, pollIntervalMs: 1, ...options });
  return { runtime, sidecars };
}

describe('DindSidecars.start', () => {
  it('starts an engine on an open private network and says how to reach it', async () => {
    const { runtime, sidecars } = setUp();
    const sidecar = await sidecars.start('gha-acme-r1', LABELS, { mode: 'caps' });
    expect(sidecar).toEqual({
      network: 'gha-acme-r1-docker-net',
      env: { DOCKER_HOST: 'tcp://gha-acme-r1-docker:2375' },
    });
    expect(runtime.networks.get('gha-acme-r1-docker-net')).toEqual({
      labels: { ...LABELS, 'gha-ephemeral.role': 'dind' },
      interContainer: true,
    });
    expect(runtime.specs.get('gha-acme-r1-docker')).toMatchObject({
      image: 'gha-ephemeral/dind:local',
      env: {},
      labels: { ...LABELS, 'gha-ephemeral.role': 'dind' },
      network: 'gha-acme-r1-docker-net',
      privileges: dindPrivileges('caps'),
    });
    // The readiness probe is gone once the engine answered.
    expect([...runtime.specs.keys()]).toEqual(['gha-acme-r1-docker']);
  });

  it('runs the engine privileged in privileged mode, with the dockerd flags given', async () => {
    const { runtime, sidecars } = setUp({ dockerdArgs: '--storage-driver=vfs' });
    await sidecars.start('gha-acme-r1', LABELS, { mode: 'privileged' });
    expect(runtime.specs.get('gha-acme-r1-docker')).toMatchObject({
      env: { DIND_DOCKERD_ARGS: '--storage-driver=vfs' },
      privileges: { privileged: true, noNewPrivileges: false },
    });
  });

  it('gives the caps mode its capabilities, unconfined profiles and the host cgroup tree', () => {
    expect(dindPrivileges('caps')).toEqual({
      capAdd: ['SYS_ADMIN', 'NET_ADMIN', 'SYS_PTRACE'],
      securityOpt: ['seccomp=unconfined', 'apparmor=unconfined'],
      noNewPrivileges: false,
      cgroupnsMode: 'host',
      binds: ['/sys/fs/cgroup:/sys/fs/cgroup:rw'],
    });
  });

  it('gives up after its deadline when the engine never answers, and removes everything', async () => {
    const { runtime, sidecars } = setUp({ readyTimeoutMs: 20 });
    runtime.probeAnswersAfter = null;
    await expect(sidecars.start('gha-acme-r1', LABELS, { mode: 'caps' })).rejects.toMatchObject({
      code: 'runtime.failed',
      retryable: true,
      details: { reason: 'dind_not_ready' },
    });
    expect(runtime.specs.size).toBe(0);
    expect(runtime.networks.size).toBe(0);
  });

  it('fails without waiting when the engine stops, and removes everything', async () => {
    const { runtime, sidecars } = setUp({ readyTimeoutMs: 60_000 });
    runtime.probeAnswersAfter = null;
    runtime.engineExits = true;
    await expect(sidecars.start('gha-acme-r1', LABELS, { mode: 'caps' })).rejects.toMatchObject({
      retryable: false,
      details: { reason: 'dind_exited', exitCode: 1 },
    });
    expect(runtime.specs.size + runtime.networks.size).toBe(0);
  });

  it("stops waiting on the caller's abort, rejects with its reason, and removes everything", async () => {
    const { runtime, sidecars } = setUp({ readyTimeoutMs: 60_000 });
    runtime.probeAnswersAfter = null;
    const controller = new AbortController();
    const reason = new Error('shutting down');
    setTimeout(() => controller.abort(reason), 20);
    await expect(
      sidecars.start('gha-acme-r1', LABELS, { mode: 'caps', signal: controller.signal }),
    ).rejects.toBe(reason);
    expect(runtime.specs.size + runtime.networks.size).toBe(0);
  });

  it('refuses a name too long to resolve, and one whose network keeps containers apart', async () => {
    const { runtime, sidecars } = setUp();
    await expect(sidecars.start('r'.repeat(57), LABELS, { mode: 'caps' })).rejects.toMatchObject({
      details: { reason: 'dind_name_too_long' },
    });
    await runtime.ensureNetwork('gha-acme-r1-docker-net');
    await expect(sidecars.start('gha-acme-r1', LABELS, { mode: 'caps' })).rejects.toMatchObject({
      details: { reason: 'dind_network_closed' },
    });
    expect(runtime.specs.size).toBe(0);
  });
});

describe('DindSidecars.remove', () => {
  it('removes the engine and its network, and is idempotent', async () => {
    const { runtime, sidecars } = setUp();
    await sidecars.start('gha-acme-r1', LABELS, { mode: 'caps' });
    expect(await sidecars.remove('gha-acme-r1')).toBe(true);
    expect(runtime.specs.size + runtime.networks.size).toBe(0);
    expect(await sidecars.remove('gha-acme-r1')).toBe(false);
  });
});
