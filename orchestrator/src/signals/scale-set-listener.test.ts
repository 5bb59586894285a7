import { ActionsServiceClient, type GitHubScope } from '@gha-ephemeral/github';
import { runStandInRunner, startGitHubSim, type GitHubSim } from '@gha-ephemeral/github-sim';
import { createLogger } from '@gha-ephemeral/logging';
import { waitFor } from '@gha-ephemeral/testkit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ScaleSetDemand } from './scale-set-demand.js';
import { ScaleSetListener, type ScaleSetListenerOptions } from './scale-set-listener.js';
import { SessionJournal } from './session-journal.js';

// The listener against the simulator's Actions service through a real client, demand and journal.
const TOKEN = 'ghp_scaleset_listener_' + 'q'.repeat(20);
const OWNER = 'orch-listener-test';
const scope: GitHubScope = { kind: 'repository', owner: 'octo', repo: 'app' };
let sim: GitHubSim;
let names = 0;
const stops: (() => Promise<void>)[] = [];

beforeAll(async () => {
  sim = await startGitHubSim({ tokens: { [TOKEN]: { login: 'octo' } } });
  sim.control.createRepo({ owner: 'octo', name: 'app' });
  sim.control.setScaleSetOptions({ longPollMs: 300 });
});
afterEach(async () => {
  await Promise.all(stops.splice(0).map((stop) => stop()));
  sim.control.clearFaults();
  sim.control.setScaleSetOptions({ longPollMs: 300, mode: 'github' });
  for (const job of sim.control.listJobs({ status: 'queued' })) sim.control.cancelJob(job.id);
});
afterAll(async () => {
  await sim?.close();
});

function newClient(): ActionsServiceClient {
  return new ActionsServiceClient({
    restBaseUrl: sim.apiUrl,
    webUrl: sim.url,
    scope,
    userAgent: 'gha-ephemeral-tests',
    registrationToken: async () => {
      const url = `${sim.apiUrl}/repos/octo/app/actions/runners/registration-token`;
      const response = await fetch(url, { method: 'POST', headers: { authorization: `token ${TOKEN}` } });
      return ((await response.json()) as { token: string }).token;
    },
  });
}

/** A logger from `createLogger` writing JSON lines into memory. */
function captureLogs() {
  const lines: { level: string; msg: string }[] = [];
  const { logger } = createLogger({
    service: 'test',
    level: 'DEBUG',
    format: 'json',
    destination: { write: (line: string) => lines.push(JSON.parse(line) as { level: string; msg: string }) },
  });
  return { logger, lines };
}

type Extra = Partial<Pick<ScaleSetListenerOptions, 'conflictRetryMs' | 'backoff' | 'sessions'>> & {
  name?: string;
  labels?: string[];
};

/** Starts a listener on its own scale set; stopped after the test. */
function startListener(extra: Extra = {}) {
  const name = extra.name ?? `lset-${process.pid}-${(names += 1)}`;
  const pool = `pool-${name}`;
  const { logger, lines } = captureLogs();
  const demand = new ScaleSetDemand([{ pool, name, max: 5, minIdle: 0 }]);
  const sessions = extra.sessions ?? new SessionJournal(null, OWNER, logger);
  const onDemand: { unacked: number; desired: number | null }[] = [];
  const listener = new ScaleSetListener({
    service: newClient(),
    pool: { pool, name, runnerGroup: 'default', labels: extra.labels ?? [name], max: 5 },
    ownerName: OWNER,
    demand,
    sessions,
    logger,
    backoff: extra.backoff ?? { baseMs: 50, maxMs: 200 },
    ...(extra.conflictRetryMs === undefined ? {} : { conflictRetryMs: extra.conflictRetryMs }),
    onDemand: () => {
      const id = demand.scaleSetId(pool);
      const unacked = id === null ? 0 : (sim.control.getScaleSet(id)?.queue.unacked.length ?? 0);
      onDemand.push({ unacked, desired: status().desired });
    },
  });
  const controller = new AbortController();
  const done = listener.run(controller.signal);
  const stop = async () => {
    controller.abort();
    await done;
  };
  stops.push(stop);
  const status = () => demand.statuses()[0]!;
  const view = () => sim.control.listScaleSets().find((set) => set.name === name);
  const listening = () =>
    waitFor(() => status().state === 'listening', { timeoutMs: 10_000, message: 'listening' });
  const warnings = (pattern: RegExp) => lines.filter((l) => l.level === 'WARNING' && pattern.test(l.msg));
  return { name, pool, demand, sessions, lines, onDemand, status, view, listening, warnings, stop, done };
}

/** Waits until the scale set's queue holds nothing: every message handed out was acknowledged. */
const drained = (view: () => { queue: { pending: unknown[]; unacked: unknown[] } } | undefined) =>
  waitFor(() => view()?.queue.pending.length === 0 && view()?.queue.unacked.length === 0, {
    timeoutMs: 10_000,
    message: 'every message acknowledged',
  });

describe('ScaleSetListener', () => {
  it('creates the scale set when missing, listens, and on abort closes its session but keeps the set', async () => {
    sim.control.setScaleSetOptions({ longPollMs: 5_000 });
    const l = startListener();
    await l.listening();
    const set = l.view();
    expect(set).toMatchObject({ labels: [l.name], session: { ownerName: OWNER } });
    expect(l.demand.scaleSetId(l.pool)).toBe(set?.id);
    expect(l.sessions.get(set!.id)).toBe(set?.session?.sessionId);
    await waitFor(() => l.view()?.openPolls === 1, { timeoutMs: 5_000, message: 'a long poll' });
    // Abort ends the open long poll at once, not after the simulator's 5 s.
    const ended = await Promise.race([
      l.stop().then(() => 'stopped'),
      sleep(4_000).then(() => 'still polling'),
    ]);
    expect(ended).toBe('stopped');
    expect(l.status().state).toBe('stopped');
    expect(l.view()).toMatchObject({ id: set?.id, session: null });
    expect(l.sessions.get(set!.id)).toBeUndefined();
  });

  // A stop while it backs off must not leave the session open: another listener would meet 409 for minutes.
  it('closes its session on abort even while it backs off after a failure', async () => {
    const l = startListener({ backoff: { baseMs: 5_000, maxMs: 5_000 } });
    await l.listening();
    sim.control.injectFault({
      kind: 'error',
      status: 500,
      count: 'always',
      match: { method: 'GET', path: '*/messages' },
    });
    await waitFor(() => l.status().state === 'failing', { timeoutMs: 5_000, message: 'failing' });
    await l.stop();
    expect(l.status().state).toBe('stopped');
    expect(l.view()?.session).toBeNull();
    expect(l.sessions.get(l.demand.scaleSetId(l.pool)!)).toBeUndefined();
  });

  it('updates the labels of an existing scale set instead of creating another', async () => {
    const name = `lset-${process.pid}-${(names += 1)}`;
    const existing = await newClient().createScaleSet({ name, runnerGroupId: 1, labels: [name] });
    const l = startListener({ name, labels: [name, 'linux', 'gpu'] });
    await l.listening();
    expect(sim.control.listScaleSets().filter((set) => set.name === name)).toMatchObject([
      { id: existing.id, labels: [name, 'linux', 'gpu'] },
    ]);
    expect(l.lines.some((line) => line.msg === 'scale set labels updated')).toBe(true);
  });

  it('records the statistics of the session at once, and of each message before acknowledging it', async () => {
    const name = `lset-${process.pid}-${(names += 1)}`;
    const set = await newClient().createScaleSet({ name, runnerGroupId: 1, labels: [name] });
    const first = sim.control.queueJob({ repo: 'octo/app', labels: [name] });
    const l = startListener({ name });
    await l.listening();
    await drained(l.view);
    // First GitHub's word from the session (no message yet), then from the message, still unacknowledged.
    expect(l.onDemand.slice(0, 2)).toEqual([
      { unacked: 0, desired: 1 },
      { unacked: 1, desired: 1 },
    ]);
    expect(l.status().lastMessageAt).not.toBeNull();
    sim.control.queueJob({ repo: 'octo/app', labels: [name] });
    await waitFor(() => l.status().desired === 2, { timeoutMs: 5_000, message: 'two jobs assigned' });
    sim.control.cancelJob(first.jobId);
    await waitFor(() => l.status().desired === 1, { timeoutMs: 5_000, message: 'one job left' });
    await drained(l.view);
    expect(l.status().statistics).toMatchObject({ totalAssignedJobs: 1 });
    expect(sim.control.getScaleSet(set.id)?.session?.ownerName).toBe(OWNER);
  });

  it('marks a runner busy on JobStarted and done on JobCompleted', async () => {
    const l = startListener();
    await l.listening();
    const id = l.demand.scaleSetId(l.pool)!;
    const jit = await newClient().generateJitConfig(id, `${l.name}-r1`, '_work');
    const { jobId } = sim.control.queueJob({ repo: 'octo/app', labels: [l.name], durationMs: 60_000 });
    const stopRunner = new AbortController();
    const runner = runStandInRunner({
      mode: 'jit',
      jitConfig: jit.encodedJITConfig,
      signal: stopRunner.signal,
    });
    try {
      const plan = () => l.demand.plans().get(l.pool);
      await waitFor(() => plan()?.busy.has(`${l.name}-r1`), { timeoutMs: 10_000, message: 'busy' });
      expect(plan()?.done.has(`${l.name}-r1`)).toBe(false);
      sim.control.cancelJob(jobId);
      await waitFor(() => plan()?.done.has(`${l.name}-r1`), { timeoutMs: 10_000, message: 'done' });
      expect(plan()?.busy.has(`${l.name}-r1`)).toBe(false);
    } finally {
      stopRunner.abort();
      await runner;
    }
  });

  it('waits while another listener holds the session, saying so, and takes over when it ends', async () => {
    const name = `lset-${process.pid}-${(names += 1)}`;
    const client = newClient();
    const set = await client.createScaleSet({ name, runnerGroupId: 1, labels: [name] });
    const other = await client.createSession(set.id, 'another-orchestrator');
    sim.control.resetCounts();
    const l = startListener({ name, conflictRetryMs: 100 });
    await waitFor(() => l.status().state === 'conflict', { timeoutMs: 5_000, message: 'conflict' });
    expect(l.status().detail).toMatch(
      new RegExp(`another listener holds the session of scale set "${name}"`),
    );
    const opens = () =>
      Object.entries(sim.control.requestCounts().byRoute)
        .filter(([route]) => /^POST .*\/sessions$/.test(route))
        .reduce((sum, [, counts]) => sum + counts.total, 0);
    await waitFor(() => opens() >= 3, { timeoutMs: 5_000, message: 'retries' });
    expect(l.warnings(/another listener holds the session/)).toHaveLength(1);
    expect(l.view()?.session?.ownerName).toBe('another-orchestrator');
    await client.deleteSession(set.id, other.sessionId);
    await l.listening();
    expect(l.view()?.session?.ownerName).toBe(OWNER);
  });

  it('closes the session it left open before a crash first, so it meets no 409', async () => {
    const name = `lset-${process.pid}-${(names += 1)}`;
    const client = newClient();
    const set = await client.createScaleSet({ name, runnerGroupId: 1, labels: [name] });
    const stale = await client.createSession(set.id, OWNER);
    const { logger } = captureLogs();
    const sessions = new SessionJournal(null, OWNER, logger);
    sessions.opened(set.id, stale.sessionId);
    // A 409 would wait a minute: far beyond the wait below.
    const l = startListener({ name, sessions, conflictRetryMs: 60_000 });
    await l.listening();
    expect(l.warnings(/another listener/)).toEqual([]);
    expect(l.lines.some((line) => line.msg === 'closed the session this orchestrator left open')).toBe(true);
    const now = l.view()?.session?.sessionId;
    expect(now).not.toBe(stale.sessionId);
    expect(sessions.get(set.id)).toBe(now);
  });

  it('refreshes an expired queue token and loses no message', async () => {
    const l = startListener();
    await l.listening();
    const sessionId = l.view()?.session?.sessionId;
    await waitFor(() => l.view()?.openPolls === 1, { timeoutMs: 5_000, message: 'a long poll' });
    sim.control.expireQueueTokens(l.demand.scaleSetId(l.pool)!);
    await waitFor(() => Date.parse(l.view()?.session?.queueTokenExpiresAt ?? '') > Date.now(), {
      timeoutMs: 5_000,
      message: 'a new queue token',
    });
    sim.control.queueJob({ repo: 'octo/app', labels: [l.name] });
    await waitFor(() => l.status().desired === 1, { timeoutMs: 5_000, message: 'the job' });
    await drained(l.view);
    expect(l.view()?.session?.sessionId).toBe(sessionId);
    expect(l.warnings(/failed/)).toEqual([]);
    expect(l.status().state).toBe('listening');
  });

  // A queue token that expires while a poll is open: the acknowledgement refreshes it, with no failure in between.
  it('acknowledges a message whose queue token expired during the poll after refreshing the session', async () => {
    sim.control.setScaleSetOptions({ longPollMs: 5_000 });
    const l = startListener();
    await l.listening();
    const sessionId = l.view()?.session?.sessionId;
    await waitFor(() => l.view()?.openPolls === 1, { timeoutMs: 5_000, message: 'a long poll' });
    sim.control.expireQueueTokens(l.demand.scaleSetId(l.pool)!);
    sim.control.queueJob({ repo: 'octo/app', labels: [l.name] });
    await drained(l.view);
    expect(l.status().desired).toBe(1);
    expect(l.warnings(/failed/)).toEqual([]);
    expect(l.view()?.session?.sessionId).toBe(sessionId);
  });

  it('goes failing on Actions service 5xx and recovers by itself', async () => {
    sim.control.injectFault({
      kind: 'error',
      status: 503,
      count: 'always',
      match: { path: '*/runnergroups*' },
    });
    const l = startListener();
    await waitFor(() => l.status().state === 'failing', { timeoutMs: 5_000, message: 'failing' });
    expect(l.status().detail).toMatch(/find runner group default: the Actions service answered 503/);
    sim.control.clearFaults();
    await l.listening();
    sim.control.injectFault({
      kind: 'error',
      status: 500,
      count: 'always',
      match: { method: 'GET', path: '*/messages' },
    });
    await waitFor(() => l.status().state === 'failing', { timeoutMs: 5_000, message: 'failing polls' });
    sim.control.clearFaults();
    await l.listening();
    sim.control.queueJob({ repo: 'octo/app', labels: [l.name] });
    await waitFor(() => l.status().desired === 1, { timeoutMs: 5_000, message: 'the job' });
    await drained(l.view);
  });

  it('acquires offered jobs in ghes mode, which GitHub then assigns', async () => {
    sim.control.setScaleSetOptions({ mode: 'ghes' });
    const l = startListener();
    await l.listening();
    const { jobId } = sim.control.queueJob({ repo: 'octo/app', labels: [l.name] });
    await waitFor(() => sim.control.getJob(jobId)?.scaleSet?.state === 'assigned', {
      timeoutMs: 5_000,
      message: 'the job acquired',
    });
    await waitFor(() => l.status().desired === 1, { timeoutMs: 5_000, message: 'the assignment counted' });
    await drained(l.view);
  });
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('ScaleSetListener under failures that last', () => {
  /** The delays it logged between failed attempts, in order. */
  const retries = (lines: { msg: string }[]) =>
    lines
      .filter((l) => l.msg === 'scale-set listener failed; trying again')
      .map((l) => (l as unknown as { failures: number }).failures);

  it('backs off further while polls keep failing, though a new session opens each time', async () => {
    const l = startListener({ backoff: { baseMs: 20, maxMs: 10_000 } });
    await l.listening();
    sim.control.injectFault({
      kind: 'error',
      status: 500,
      count: 'always',
      match: { method: 'GET', path: '*/messages' },
    });
    await waitFor(() => retries(l.lines).length >= 4, { timeoutMs: 10_000, message: 'four failures' });
    expect(retries(l.lines).slice(0, 4)).toEqual([1, 2, 3, 4]);
  });

  it('refreshes once on a refused queue token, then backs off instead of looping', async () => {
    const l = startListener({ backoff: { baseMs: 200, maxMs: 200 } });
    await l.listening();
    sim.control.injectFault({
      kind: 'error',
      status: 401,
      count: 'always',
      match: { method: 'GET', path: '*/messages' },
    });
    await waitFor(() => l.status().state === 'failing', { timeoutMs: 10_000, message: 'failing on 401' });
    const before = pollCount();
    await sleep(1_000);
    // At most one poll and one refresh per attempt, an attempt every 200 ms: a handful, not thousands.
    expect(pollCount() - before).toBeLessThan(20);
  });

  it("drops GitHub's last count when another listener takes the session, so nothing starts on it", async () => {
    const l = startListener({ conflictRetryMs: 100 });
    await l.listening();
    sim.control.queueJob({ repo: 'octo/app', labels: [l.name] });
    await waitFor(() => l.status().desired === 1, { timeoutMs: 5_000, message: 'the job counted' });
    const id = l.demand.scaleSetId(l.pool)!;
    // Another orchestrator takes over: this one's session ends, and the next is refused while the other holds it.
    sim.control.endScaleSetSession(id);
    await newClient().createSession(id, 'another-orchestrator');
    await waitFor(() => l.status().state === 'conflict', { timeoutMs: 10_000, message: 'conflict' });
    expect(l.status().desired).toBeNull();
    expect(l.demand.plans().has(l.pool)).toBe(false);
  });
});

/** Message polls the simulator has answered (every scale set's: one route). */
function pollCount(): number {
  return Object.entries(sim.control.requestCounts().byRoute)
    .filter(([route]) => route.startsWith('GET') && route.endsWith('/messages'))
    .reduce((sum, [, counts]) => sum + counts.total, 0);
}
