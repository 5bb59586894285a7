import { mkdtempSync, writeFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DashboardEvent, RecentJob, RecentJobList } from '@gha-ephemeral/contract';
import type { GitHubSim } from '@gha-ephemeral/github-sim';
import { openSse, waitFor, within, type SseClient, type SseEvent } from '@gha-ephemeral/testkit';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startHarness, startHarnessSim, type Harness } from './harness.js';

const POOL_FILE = `
pools:
  - name: small
    labels: [small]
    max: 1
`;

const data = (event: SseEvent) => event.data as DashboardEvent;
const jobOf = (event: SseEvent, id: number): RecentJob | null => {
  const body = data(event);
  return body.type === 'job' && body.job.id === id ? body.job : null;
};

/** The first event received so far, or within the wait, that `predicate` accepts, in whatever order it came. */
async function seen(stream: SseClient, predicate: (event: SseEvent) => boolean, timeoutMs = 15_000) {
  return waitFor(() => stream.received.find(predicate), {
    timeoutMs,
    message: `a matching event (${stream.received.length} received when the wait began)`,
  });
}

async function pass(h: Harness) {
  const auto = h.orchestrator.auto!;
  return auto.reconciler.reconcile(await auto.poller.poll());
}

describe('the dashboard event stream (real orchestrator, engine and simulator)', () => {
  let sim: GitHubSim;
  let h: Harness;
  let base = '';
  const streams: SseClient[] = [];

  const open = async () => {
    const client = await openSse(`${base}/api/v1/events`);
    streams.push(client);
    return client;
  };

  beforeAll(async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'dashboard-events-')), 'pools.yaml');
    writeFileSync(file, POOL_FILE);
    sim = await startHarnessSim(false);
    sim.control.createRepo({ owner: 'octo', name: 'app' });
    h = await startHarness({ AUTO_CREATE_RUNNERS: 'true', RUNNER_POOLS_FILE: file }, { sim });
    await h.orchestrator.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = h.orchestrator.app.server.address() as AddressInfo;
    base = `http://127.0.0.1:${port}`;
  });

  afterAll(async () => {
    for (const client of streams) client.close();
    await h?.close();
    await sim?.close();
  });

  // First, while no other stream is open: the feed looks at the runners only while someone watches.
  it('stops looking at the runners when the only client leaves while its snapshot is read', async () => {
    const { runners } = h.orchestrator;
    const real = runners.list.bind(runners);
    const list = vi.spyOn(runners, 'list');
    try {
      let clientGone!: () => void;
      const gone = new Promise<void>((resolve) => (clientGone = resolve));
      let snapshotAsked!: () => void;
      const asked = new Promise<void>((resolve) => (snapshotAsked = resolve));
      // The snapshot's look at the runners is held until the orchestrator has seen the client leave.
      list.mockImplementationOnce(async (...args) => {
        snapshotAsked();
        await gone;
        return real(...args);
      });
      h.orchestrator.app.server.once('request', (_request, response: ServerResponse) =>
        response.once('close', clientGone),
      );
      const client = new AbortController();
      const answer = fetch(`${base}/api/v1/events`, { signal: client.signal }).then((response) =>
        response.body?.cancel(),
      );
      await within(asked, 10_000, 'the snapshot');
      client.abort();
      await answer.catch(() => undefined);
      await within(gone, 10_000, 'the orchestrator noticing the client left');

      // The feed looks every second while watched: three seconds show whether it goes on without a watcher.
      await sleep(3_000);
      expect(list).toHaveBeenCalledTimes(1);
    } finally {
      list.mockRestore();
    }
  });

  it('starts with a snapshot, then shows a job queued, its runner started, the job taken and done, and the runner gone', async () => {
    const stream = await open();
    const first = await stream.next();
    expect(first.event).toBe('snapshot');
    const snapshot = data(first);
    if (snapshot.type !== 'snapshot') throw new Error('not a snapshot');
    expect(snapshot.snapshot.pools.map((pool) => [pool.name, pool.max])).toEqual([['small', 1]]);
    expect(snapshot.snapshot.runners).toEqual([]);

    const { jobId } = sim.control.queueJob({
      repo: 'octo/app',
      labels: ['self-hosted', 'small'],
      // Longer than GitHub's runner lists are kept (5 s), so that a pass sees its runner busy: without webhooks,
      // that look is the only way the orchestrator learns the job was taken.
      steps: ['sleep 12'],
    });
    expect((await pass(h)).created).toBe(1);

    const queued = jobOf(await stream.next((event) => jobOf(event, jobId) !== null), jobId)!;
    expect(queued).toMatchObject({
      phase: 'queued',
      repository: 'octo/app',
      labels: ['self-hosted', 'small'],
    });
    const started = jobOf(await stream.next((event) => jobOf(event, jobId)?.runnerStartedAt != null), jobId)!;
    expect(started).toMatchObject({ phase: 'queued', pool: 'small', runner: expect.any(String) });
    const runnerId = started.runner!;
    // The runner appears on the feed's own look, which may come before or after the job's change.
    await seen(stream, (event) => {
      const body = data(event);
      return body.type === 'runner' && body.runner.id === runnerId && body.runner.pool === 'small';
    });

    // Passes go on as the loop's would: they see the runner busy, then gone.
    const ended = (event: SseEvent) => {
      const body = data(event);
      return body.type === 'runner.removed' && body.id === runnerId;
    };
    await waitFor(
      async () => {
        if (stream.received.some(ended)) return true;
        await pass(h);
        await sleep(500);
        return false;
      },
      { timeoutMs: 60_000, message: `the runner ${runnerId} to be removed` },
    );
    const taken = jobOf(await stream.next((event) => jobOf(event, jobId)?.phase === 'taken'), jobId)!;
    expect(taken).toMatchObject({ runner: runnerId, waitReason: null, takenAt: expect.any(String) });
    const completed = jobOf(await stream.next((event) => jobOf(event, jobId)?.phase === 'completed'), jobId)!;
    expect(completed.completedAt).toEqual(expect.any(String));
    expect(Date.parse(completed.completedAt!)).toBeGreaterThanOrEqual(Date.parse(taken.takenAt!));
    const index = (predicate: (body: DashboardEvent) => boolean) =>
      stream.received.findIndex((event) => predicate(data(event)));
    expect(index((body) => body.type === 'runner' && body.runner.id === runnerId)).toBeLessThan(
      index((body) => body.type === 'runner.removed' && body.id === runnerId),
    );
  });

  it('says a job no pool fits waits for that reason, in the stream and in GET /api/v1/jobs', async () => {
    const stream = await open();
    await stream.next((event) => event.event === 'snapshot');
    const { jobId } = sim.control.queueJob({ repo: 'octo/app', labels: ['self-hosted', 'gpu'] });
    expect((await pass(h)).created).toBe(0);

    const reason = 'no pool fits labels [self-hosted, gpu]';
    const shown = jobOf(await stream.next((event) => jobOf(event, jobId)?.waitReason === reason), jobId)!;
    expect(shown).toMatchObject({ phase: 'queued', pool: null, runner: null });

    const response = await fetch(`${base}/api/v1/jobs`);
    expect(response.status).toBe(200);
    const list = (await response.json()) as RecentJobList;
    expect(list.jobs.find((job) => job.id === jobId)).toMatchObject({ phase: 'queued', waitReason: reason });
    expect(list.jobs[0]!.id, 'newest first').toBe(jobId);
  });

  it('says which of two jobs for a pool at its max waits, and why', async () => {
    const stream = await open();
    await stream.next((event) => event.event === 'snapshot');
    const ids = [
      sim.control.queueJob({ repo: 'octo/app', labels: ['self-hosted', 'small'] }).jobId,
      sim.control.queueJob({ repo: 'octo/app', labels: ['self-hosted', 'small'] }).jobId,
    ];
    expect((await pass(h)).created).toBe(1);

    // Queued in the same millisecond, either may get the runner; both changes come from the one pass.
    const served = await seen(stream, (event) => ids.some((id) => jobOf(event, id)?.runnerStartedAt != null));
    const servedId = ids.find((id) => jobOf(served, id) !== null);
    const waitingId = ids.find((id) => id !== servedId)!;
    const waiting = jobOf(
      await seen(stream, (event) => jobOf(event, waitingId)?.waitReason === 'pool small at max 1'),
      waitingId,
    )!;
    expect(waiting).toMatchObject({ phase: 'queued', runner: null, runnerStartedAt: null });
    const listed = (await (await fetch(`${base}/api/v1/jobs`)).json()) as RecentJobList;
    expect(listed.jobs.find((job) => job.id === waitingId)!.waitReason).toBe('pool small at max 1');
  });

  it('ends every stream with bye when the orchestrator closes, and the close completes', async () => {
    const stream = await open();
    await stream.next((event) => event.event === 'snapshot');
    await within(h.orchestrator.app.close(), 15_000, "the orchestrator's close");
    const bye = await stream.next((event) => event.event === 'bye');
    expect(bye.data).toEqual({ type: 'bye', reason: 'shutdown' });
    expect(await stream.end()).toBe('server');
    expect(stream.received.at(-1)).toBe(bye);
  });
});
