import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DashboardEvent, RecentJobList } from '@gha-ephemeral/contract';
import { startGitHubSim, type GitHubSim } from '@gha-ephemeral/github-sim';
import {
  openSse,
  removeContainersByLabel,
  uniqueId,
  within,
  type SseClient,
  type SseEvent,
} from '@gha-ephemeral/testkit';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { bearer, startTestGateway, type TestGateway } from './helpers/gateway.js';
import { startBuiltOrchestrator, stopService, type Service } from './helpers/services.js';

const GITHUB_TOKEN = `ghp_${'evts'.repeat(9)}`;
const SHARED_TOKEN = 'gateway-to-orchestrator-events-0123';
const WORKFLOW =
  'name: CI\non: [push]\njobs:\n  build:\n    runs-on: [self-hosted, gpu]\n    steps:\n      - run: echo hi\n';
const GPU_REASON = 'no pool fits labels [self-hosted, gpu]';

const data = (event: SseEvent) => event.data as DashboardEvent;
const isGpuJob = (jobId: number) => (event: SseEvent) => {
  const body = data(event);
  return body.type === 'job' && body.job.id === jobId && body.job.waitReason === GPU_REASON;
};

describe('the gateway relays the dashboard stream of a real orchestrator', () => {
  const orchestratorId = uniqueId('gw-events');
  const clients: SseClient[] = [];
  let sim: GitHubSim;
  let orchestrator: Service | undefined;
  let orchestratorUrl = '';
  let gateway: TestGateway;
  let base = '';
  let gpuJobId = 0;

  const open = async (url: string, headers: Record<string, string>) => {
    const client = await openSse(url, { headers });
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    sim = await startGitHubSim({ tokens: { [GITHUB_TOKEN]: { login: 'octo' } } });
    // A workflow that asks for self-hosted runners: the orchestrator polls only repositories that have one.
    sim.control.createRepo({
      owner: 'octo',
      name: 'app',
      workflows: [{ path: '.github/workflows/ci.yml', content: WORKFLOW }],
    });
    const poolFile = join(mkdtempSync(join(tmpdir(), 'gw-events-')), 'pools.yaml');
    writeFileSync(poolFile, 'pools:\n  - name: small\n    labels: [small]\n    max: 1\n');
    const started = await startBuiltOrchestrator({
      githubApiUrl: sim.apiUrl,
      githubToken: GITHUB_TOKEN,
      orchestratorId,
      apiToken: SHARED_TOKEN,
      env: { AUTO_CREATE_RUNNERS: 'true', RUNNER_POOLS_FILE: poolFile, RUNNER_CHECK_INTERVAL: '1' },
    });
    orchestrator = started.service;
    orchestratorUrl = started.url;
    gateway = await startTestGateway({ orchestratorUrl, apiToken: SHARED_TOKEN, listen: true });
    base = `http://127.0.0.1:${(gateway.app.server.address() as { port: number }).port}`;
  });

  afterAll(async () => {
    for (const client of clients) client.close();
    await gateway?.close();
    await stopService(orchestrator);
    await removeContainersByLabel('gha-ephemeral.orchestrator', orchestratorId);
    await sim?.close();
  });

  it('refuses the stream without a key or with a wrong one, without opening one upstream', async () => {
    const upstream = vi.spyOn(gateway.orchestrator, 'stream');
    try {
      const missing = await fetch(`${base}/api/v1/events`);
      expect(missing.status).toBe(401);
      expect(await missing.json()).toMatchObject({ code: 'auth.missing' });
      const wrong = await fetch(`${base}/api/v1/events`, { headers: bearer('wrong-key-0123456789abcdef') });
      expect(wrong.status).toBe(401);
      expect(await wrong.json()).toMatchObject({ code: 'auth.invalid' });
      expect((await fetch(`${base}/api/v1/jobs`)).status).toBe(401);
      expect(upstream).not.toHaveBeenCalled();
    } finally {
      upstream.mockRestore();
    }
  });

  it("relays the snapshot, then a change made on the orchestrator's side, as the orchestrator sent it", async () => {
    const relayed = await open(`${base}/api/v1/events`, bearer());
    expect(relayed.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const first = await relayed.next();
    expect(first.event).toBe('snapshot');
    const snapshot = data(first);
    if (snapshot.type !== 'snapshot') throw new Error('not a snapshot');
    expect(snapshot.snapshot.pools.map((pool) => pool.name)).toEqual(['small']);
    const direct = await open(`${orchestratorUrl}/api/v1/events`, {
      authorization: `Bearer ${SHARED_TOKEN}`,
    });
    await direct.next((event) => event.event === 'snapshot');

    gpuJobId = sim.control.queueJob({ repo: 'octo/app', labels: ['self-hosted', 'gpu'] }).jobId;
    // The orchestrator's own poll finds the job (every second here); the gateway adds nothing and drops nothing.
    const change = await relayed.next(isGpuJob(gpuJobId), 30_000);
    const original = await direct.next(isGpuJob(gpuJobId), 5_000);
    expect(change.data).toEqual(original.data);
    expect(data(change)).toMatchObject({ type: 'job', job: { phase: 'queued', pool: null, runner: null } });
  });

  it('relays GET /api/v1/jobs', async () => {
    const response = await fetch(`${base}/api/v1/jobs`, { headers: bearer() });
    expect(response.status).toBe(200);
    const list = (await response.json()) as RecentJobList;
    expect(list.capacity).toBe(300);
    expect(list.jobs.find((job) => job.id === gpuJobId)).toMatchObject({
      repository: 'octo/app',
      phase: 'queued',
      waitReason: GPU_REASON,
    });
    const upstream = await fetch(`${orchestratorUrl}/api/v1/jobs`, {
      headers: { authorization: `Bearer ${SHARED_TOKEN}` },
    });
    const direct = (await upstream.json()) as RecentJobList;
    expect(list.jobs.map((job) => job.id)).toEqual(direct.jobs.map((job) => job.id));
  });

  it('ends the stream with bye when the gateway shuts down, and the shutdown completes', async () => {
    const closing = await startTestGateway({ orchestratorUrl, apiToken: SHARED_TOKEN, listen: true });
    const port = (closing.app.server.address() as { port: number }).port;
    const stream = await open(`http://127.0.0.1:${port}/api/v1/events`, bearer());
    await stream.next((event) => event.event === 'snapshot');

    // Its close waits for the upstream connections too: it completes only if the relayed stream let go of them.
    await within(closing.close(), 15_000, "the gateway's close");

    const bye = await stream.next((event) => event.event === 'bye');
    expect(bye.data).toEqual({ type: 'bye', reason: 'shutdown' });
    expect(await stream.end()).toBe('server');
    expect(stream.received.at(-1)).toBe(bye);
  });
});
