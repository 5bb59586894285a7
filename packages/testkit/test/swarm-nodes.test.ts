import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ensureSwarmManager,
  removeSwarmNodes,
  requireDockerEngine,
  STAND_IN_RUNNER_IMAGE,
  startSwarmNodes,
  SWARM_NODE_LABEL,
  uniqueId,
  waitFor,
} from '../src/index.js';

// A swarm of the CI engine (manager) and two worker nodes, each a Docker engine in a container: a job runs on
// the workers, one of them goes down. Everything made is named and labelled with `prefix`.
const prefix = uniqueId('swn');
const service = `${prefix}-job`;
const run = promisify(execFile);

async function docker(...args: string[]): Promise<string> {
  return (await run('docker', args, { timeout: 30_000 })).stdout.trim();
}

beforeAll(async () => {
  await requireDockerEngine();
});
afterAll(async () => {
  await docker('service', 'rm', service).catch(() => undefined);
  await removeSwarmNodes(prefix);
}, 180_000);

describe('startSwarmNodes', () => {
  it('runs a replicated job on two worker nodes, and the manager sees a killed node go down', async () => {
    const testStarted = Date.now();
    const manager = await ensureSwarmManager();
    expect(manager.address).not.toMatch(/^127\./);
    // Idempotent: a second call finds the same manager.
    expect((await ensureSwarmManager()).nodeId).toBe(manager.nodeId);

    const bringUp = Date.now();
    const nodes = await startSwarmNodes({
      prefix,
      count: 2,
      labels: [{ 'gha-pool': 'big' }, { 'gha-pool': 'small' }],
      images: [STAND_IN_RUNNER_IMAGE],
    });
    const bringUpMs = Date.now() - bringUp;
    console.log(
      `[swarm-nodes] 2 nodes up in ${(bringUpMs / 1000).toFixed(1)} s; per node (engine / image load / ` +
        `join+ready): ${nodes
          .map(({ hostname, timings: t }) => `${hostname} ${t.engineMs} / ${t.loadMs} / ${t.joinMs} ms`)
          .join('; ')}`,
    );
    expect(nodes.map((node) => node.hostname)).toEqual([`${prefix}-n1`, `${prefix}-n2`]);
    const labels = JSON.parse(
      await docker('node', 'inspect', '--format', '{{json .Spec.Labels}}', nodes[0]!.nodeId),
    ) as Record<string, string>;
    expect(labels).toEqual({ 'gha-pool': 'big', [SWARM_NODE_LABEL]: prefix });

    await docker(
      'service',
      'create',
      '--detach',
      '--name',
      service,
      '--label',
      `gha-ephemeral.test=${prefix}`,
      '--mode',
      'replicated-job',
      '--constraint',
      'node.role==worker',
      '--constraint',
      `node.labels.${SWARM_NODE_LABEL}==${prefix}`,
      '--replicas',
      '2',
      '--max-concurrent',
      '2',
      '--restart-condition',
      'none',
      '--no-resolve-image',
      '--env',
      'NODE={{.Node.Hostname}}',
      '--entrypoint',
      '/bin/sh',
      STAND_IN_RUNNER_IMAGE,
      '-c',
      'echo "ran on $NODE"',
    );
    const tasks = await waitFor(
      async () => {
        const rows = (
          await docker('service', 'ps', '--no-trunc', '--format', '{{.Node}}\t{{.CurrentState}}', service)
        )
          .split('\n')
          .map((line) => line.split('\t'));
        const failed = rows.find(([, state]) => /^(Failed|Rejected)/.test(state ?? ''));
        if (failed !== undefined) throw new Error(`a task ${failed[1]} on ${failed[0]}`);
        const done = rows.length === 2 && rows.every(([, state]) => state?.startsWith('Complete'));
        return done ? rows : null;
      },
      { message: 'the job to complete on both workers', timeoutMs: 60_000, intervalMs: 500 },
    );
    // Spread: one task on each worker.
    expect(tasks.map(([node]) => node).sort()).toEqual([`${prefix}-n1`, `${prefix}-n2`]);

    const stopped = Date.now();
    await nodes[0]!.stop();
    await waitFor(
      async () =>
        (await docker('node', 'inspect', '--format', '{{.Status.State}}', nodes[0]!.nodeId)) === 'down',
      { message: `the manager to mark ${nodes[0]!.hostname} Down`, timeoutMs: 60_000, intervalMs: 500 },
    );
    console.log(
      `[swarm-nodes] the manager marked a killed node Down after ${(Date.now() - stopped) / 1000} s`,
    );
    expect(await docker('node', 'inspect', '--format', '{{.Status.State}}', nodes[1]!.nodeId)).toBe('ready');

    await nodes[0]!.remove();
    await nodes[0]!.remove();
    await docker('service', 'rm', service);
    expect(await removeSwarmNodes(prefix)).toEqual({ containers: 1, nodes: 1, networks: 1 });
    expect(await removeSwarmNodes(prefix)).toEqual({ containers: 0, nodes: 0, networks: 0 });
    expect(
      await docker('node', 'ls', '--quiet', '--filter', `node.label=${SWARM_NODE_LABEL}=${prefix}`),
    ).toBe('');
    console.log(`[swarm-nodes] test total ${((Date.now() - testStarted) / 1000).toFixed(1)} s`);
  }, 180_000);
});
