import { AppError } from '@gha-ephemeral/contract';
import { runStandInRunner, startGitHubSim, type GitHubSim } from '@gha-ephemeral/github-sim';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { GitHubScope } from '../scope.js';
import { jwtExpiryMs } from './actions-auth.js';
import { ActionsServiceClient, type ActionsServiceClientOptions } from './actions-client.js';

// The Actions service client against the simulator's Actions service over HTTP: no mock of fetch or the service.
const TOKEN = 'ghp_scaleset_client_' + 'k'.repeat(20);
const scope: GitHubScope = { kind: 'repository', owner: 'octo', repo: 'app' };
let sim: GitHubSim;
let names = 0;
const uniqueName = () => `set-${process.pid}-${(names += 1)}`;

beforeAll(async () => {
  sim = await startGitHubSim({ tokens: { [TOKEN]: { login: 'octo' } } });
  sim.control.createRepo({ owner: 'octo', name: 'app' });
  sim.control.setScaleSetOptions({ longPollMs: 300 });
});
afterAll(async () => {
  await sim?.close();
});
afterEach(() => {
  sim.control.clearFaults();
  sim.control.setScaleSetOptions({ longPollMs: 300, mode: 'github' });
});

/** A client of the simulator that remembers every secret it saw: registration, admin and queue tokens. */
function clientFor(over: Partial<ActionsServiceClientOptions> = {}) {
  const minted: string[] = [];
  const bearers = new Set<string>();
  const recordingFetch: typeof fetch = (input, init) => {
    const auth = new Headers(init?.headers).get('authorization') ?? '';
    if (auth.startsWith('Bearer ')) bearers.add(auth.slice('Bearer '.length));
    return fetch(input, init);
  };
  const client = new ActionsServiceClient({
    restBaseUrl: sim.apiUrl,
    webUrl: sim.url,
    scope,
    userAgent: 'gha-ephemeral-tests',
    fetch: recordingFetch,
    registrationToken: async (signal) => {
      const response = await fetch(`${sim.apiUrl}/repos/octo/app/actions/runners/registration-token`, {
        method: 'POST',
        headers: { authorization: `token ${TOKEN}` },
        ...(signal ? { signal } : {}),
      });
      const { token } = (await response.json()) as { token: string };
      minted.push(token);
      return token;
    },
    ...over,
  });
  return { client, minted, secrets: () => [...minted, ...bearers] };
}

/** The `AppError` a call rejects with. */
async function rejection(promise: Promise<unknown>): Promise<AppError> {
  const error: unknown = await promise.then(
    () => new Error('expected a rejection'),
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

/** A scale set made for one test, with the client that made it. */
async function newScaleSet(over: Partial<ActionsServiceClientOptions> = {}) {
  const made = clientFor(over);
  const name = uniqueName();
  const set = await made.client.createScaleSet({ name, runnerGroupId: 1, labels: [name] });
  return { ...made, name, set };
}

describe('the admin token', () => {
  it('is exchanged once and reused, concurrent callers sharing the exchange', async () => {
    const { client, minted } = clientFor();
    await Promise.all([client.runnerGroup('default'), client.runnerGroup('default'), client.findAgent('x')]);
    await client.findScaleSet(1, 'none');
    expect(minted).toHaveLength(1);
  });

  it('is exchanged again shortly before its exp, not earlier', async () => {
    let now = Date.now();
    const { client, minted } = clientFor({ now: () => now });
    await client.runnerGroup('default');
    // The simulator's admin tokens live an hour; the client refreshes five minutes before `exp`.
    now += 54 * 60_000;
    await client.runnerGroup('default');
    expect(minted).toHaveLength(1);
    now += 2 * 60_000;
    await client.runnerGroup('default');
    expect(minted).toHaveLength(2);
  });

  it('is exchanged again once after a 401, and only once', async () => {
    const { client, minted } = clientFor();
    await client.runnerGroup('default');
    expect(sim.control.expireAdminTokens()).toBeGreaterThan(0);
    await expect(client.runnerGroup('default')).resolves.toMatchObject({ id: 1 });
    expect(minted).toHaveLength(2);
    sim.control.injectFault({
      kind: 'error',
      status: 401,
      count: 'always',
      match: { path: '*/runnergroups*' },
    });
    expect(await rejection(client.runnerGroup('default'))).toMatchObject({ code: 'github.unauthorized' });
    expect(minted).toHaveLength(3);
  });

  it.each([
    ['a JWT with exp', `x.${Buffer.from('{"exp":1700000000}').toString('base64url')}.y`, 1_700_000_000_000],
    ['a JWT without exp', `x.${Buffer.from('{"sub":"a"}').toString('base64url')}.y`, null],
    ['not a JWT', 'ghs_opaque', null],
    ['a payload that is not JSON', 'x.bm90IGpzb24.y', null],
  ])('jwtExpiryMs reads %s', (_name, token, expected) => {
    expect(jwtExpiryMs(token)).toBe(expected);
  });
});

describe('runner groups and scale sets', () => {
  it('finds the default runner group, and null for an unknown one', async () => {
    const { client } = clientFor();
    expect(await client.runnerGroup('default')).toMatchObject({
      id: 1,
      name: 'Default',
      isDefaultGroup: true,
    });
    expect(await client.runnerGroup('gpu-group')).toBeNull();
  });

  it('finds, creates and updates a scale set', async () => {
    const { client } = clientFor();
    const name = uniqueName();
    expect(await client.findScaleSet(1, name)).toBeNull();
    const created = await client.createScaleSet({ name, runnerGroupId: 1, labels: [name, 'linux'] });
    expect(created).toMatchObject({ name, runnerGroupId: 1 });
    expect(await client.findScaleSet(1, name)).toMatchObject({ id: created.id, name });
    const updated = await client.updateScaleSet(created, [name, 'linux', 'x64']);
    expect(updated.labels.map((label) => label.name)).toEqual([name, 'linux', 'x64']);
    expect(sim.control.getScaleSet(created.id)?.labels).toEqual([name, 'linux', 'x64']);
    const again = await rejection(client.createScaleSet({ name, runnerGroupId: 1, labels: [name] }));
    expect(again).toMatchObject({ code: 'github.conflict', details: { status: 409 } });
  });
  it('finds a scale set whose name differs only in case (GitHub names are case-insensitive)', async () => {
    const { client } = clientFor();
    const name = uniqueName();
    const created = await client.createScaleSet({ name: name.toUpperCase(), runnerGroupId: 1, labels: [] });
    // Not finding it would make the listener create it again and meet 409 for ever.
    expect(await client.findScaleSet(1, name)).toMatchObject({ id: created.id });
  });
});

describe('sessions and messages', () => {
  it('opens a session, refuses a second with github.session_conflict, refreshes and closes it', async () => {
    const { client, set } = await newScaleSet();
    const session = await client.createSession(set.id, 'orch-1');
    expect(session).toMatchObject({ ownerName: 'orch-1', statistics: { totalAssignedJobs: 0 } });
    const conflict = await rejection(client.createSession(set.id, 'orch-2'));
    expect(conflict).toMatchObject({ code: 'github.session_conflict', retryable: true });
    const refreshed = await client.refreshSession(set.id, session.sessionId);
    expect(refreshed.sessionId).toBe(session.sessionId);
    expect(refreshed.messageQueueAccessToken).not.toBe(session.messageQueueAccessToken);
    // The old queue token stops working; the new one polls.
    expect(await rejection(client.getMessage(session, 0, 5))).toMatchObject({ code: 'github.unauthorized' });
    expect(await client.getMessage(refreshed, 0, 5)).toBeNull();
    await client.deleteSession(set.id, session.sessionId);
    expect(sim.control.getScaleSet(set.id)?.session).toBeNull();
    await expect(client.createSession(set.id, 'orch-2')).resolves.toMatchObject({ ownerName: 'orch-2' });
  });

  it('answers null after a long poll without a message, sending the max capacity', async () => {
    const { client, set } = await newScaleSet();
    const session = await client.createSession(set.id, 'orch');
    expect(await client.getMessage(session, 0, 7)).toBeNull();
    expect(sim.control.getScaleSet(set.id)?.lastMaxCapacity).toBe(7);
  });

  it('hands out a parsed message with statistics, again until it is acknowledged', async () => {
    const { client, set, name } = await newScaleSet();
    const session = await client.createSession(set.id, 'orch');
    const { jobId } = sim.control.queueJob({ repo: 'octo/app', labels: [name] });
    const message = await client.getMessage(session, 0, 5);
    expect(message).toMatchObject({
      messageType: 'RunnerScaleSetJobMessages',
      statistics: { totalAssignedJobs: 1, totalAvailableJobs: 0 },
      jobs: [{ messageType: 'JobAssigned', jobId: String(jobId), requestLabels: [name] }],
    });
    const again = await client.getMessage(session, 0, 5);
    expect(again?.messageId).toBe(message!.messageId);
    await client.deleteMessage(session, message!.messageId);
    expect(await client.getMessage(session, message!.messageId, 5)).toBeNull();
    expect(sim.control.getScaleSet(set.id)?.queue.unacked).toEqual([]);
    sim.control.cancelJob(jobId);
  });

  it('gets github.unauthorized once the queue token expired, and polls again after a refresh', async () => {
    const { client, set } = await newScaleSet();
    const session = await client.createSession(set.id, 'orch');
    sim.control.expireQueueTokens(set.id);
    const error = await rejection(client.getMessage(session, 0, 5));
    expect(error).toMatchObject({ code: 'github.unauthorized', retryable: false });
    const refreshed = await client.refreshSession(set.id, session.sessionId);
    expect(await client.getMessage(refreshed, 0, 5)).toBeNull();
  });

  it('acquires offered jobs in ghes mode, which GitHub then assigns', async () => {
    sim.control.setScaleSetOptions({ mode: 'ghes' });
    const { client, set, name } = await newScaleSet();
    const session = await client.createSession(set.id, 'orch');
    const { jobId } = sim.control.queueJob({ repo: 'octo/app', labels: [name] });
    const offer = await client.getMessage(session, 0, 5);
    const available = offer?.jobs[0];
    expect(available).toMatchObject({ messageType: 'JobAvailable', acquireJobUrl: expect.any(String) });
    await client.deleteMessage(session, offer!.messageId);
    expect(await client.acquireJobs(set.id, [available!.runnerRequestId])).toEqual([
      available!.runnerRequestId,
    ]);
    const next = await client.getMessage(session, offer!.messageId, 5);
    expect(next?.jobs).toMatchObject([
      { messageType: 'JobAssigned', runnerRequestId: available!.runnerRequestId },
    ]);
    expect(sim.control.getJob(jobId)?.scaleSet?.state).toBe('assigned');
    sim.control.cancelJob(jobId);
  });
});

describe('runners of a scale set', () => {
  it('registers a runner just in time, and refuses a taken name with github.runner_exists', async () => {
    const { client, set, name } = await newScaleSet();
    const jit = await client.generateJitConfig(set.id, `${name}-r1`, '_work');
    expect(jit.runner).toMatchObject({ name: `${name}-r1`, runnerScaleSetId: set.id });
    expect(jit.encodedJITConfig).toEqual(expect.any(String));
    const taken = await rejection(client.generateJitConfig(set.id, `${name}-r1`, '_work'));
    expect(taken).toMatchObject({ code: 'github.runner_exists', retryable: false });
    expect(taken.message).not.toContain(jit.encodedJITConfig);
  });

  it('finds and deletes a runner: deleted, then not_found; null for an unknown name', async () => {
    const { client, set, name } = await newScaleSet();
    const { runner } = await client.generateJitConfig(set.id, `${name}-r1`, '_work');
    expect(await client.findAgent(`${name}-r1`)).toMatchObject({
      id: runner.id,
      name: `${name}-r1`,
      busy: false,
    });
    expect(await client.findAgent(`${name}-nobody`)).toBeNull();
    expect(await client.deleteAgent(runner.id)).toBe('deleted');
    expect(await client.deleteAgent(runner.id)).toBe('not_found');
    expect(await client.findAgent(`${name}-r1`)).toBeNull();
  });

  it('does not delete a runner running a job: busy', async () => {
    const { client, set, name } = await newScaleSet();
    const jit = await client.generateJitConfig(set.id, `${name}-r1`, '_work');
    const { jobId } = sim.control.queueJob({ repo: 'octo/app', labels: [name], durationMs: 60_000 });
    const stop = new AbortController();
    const running = runStandInRunner({ mode: 'jit', jitConfig: jit.encodedJITConfig, signal: stop.signal });
    try {
      await sim.control.waitForJob(jobId, 'in_progress', { timeoutMs: 10_000 });
      expect(await client.deleteAgent(jit.runner.id)).toBe('busy');
      expect(await client.findAgent(`${name}-r1`)).toMatchObject({ busy: true });
    } finally {
      sim.control.cancelJob(jobId);
      stop.abort();
      await running;
    }
  });
});

describe('failures', () => {
  it('maps a 5xx of the service to a retryable github.unavailable, exchanging no new token', async () => {
    const { client, minted } = clientFor();
    await client.runnerGroup('default');
    sim.control.injectFault({ kind: 'error', status: 503, match: { path: '*/runnerscalesets' } });
    const error = await rejection(client.findScaleSet(1, 'x'));
    expect(error).toMatchObject({ code: 'github.unavailable', retryable: true, details: { status: 503 } });
    expect(error.message).toMatch(/find scale set x.*503/);
    expect(minted).toHaveLength(1);
  });

  it('gives every call a deadline: a slow answer fails with github.unavailable', async () => {
    const { client } = clientFor({ requestTimeoutMs: 300 });
    await client.runnerGroup('default');
    sim.control.injectFault({ kind: 'delay', ms: 3_000, match: { path: '*/runnergroups*' } });
    const started = Date.now();
    const error = await rejection(client.runnerGroup('default'));
    expect(error).toMatchObject({ code: 'github.unavailable', retryable: true });
    expect(error.message).toMatch(/no answer within 0.3 s/);
    // Well before the simulator would have answered.
    expect(Date.now() - started).toBeLessThan(2_500);
  });

  it('gives the long poll its own deadline', async () => {
    sim.control.setScaleSetOptions({ longPollMs: 3_000 });
    const { client, set } = await newScaleSet({ pollTimeoutMs: 300 });
    const session = await client.createSession(set.id, 'orch');
    const error = await rejection(client.getMessage(session, 0, 5));
    expect(error).toMatchObject({ code: 'github.unavailable', retryable: true });
    expect(error.message).toMatch(/get a message: no answer within 0.3 s/);
  });

  it('never puts the registration, admin or queue token in an error', async () => {
    const { client, set, name, secrets } = await newScaleSet({ requestTimeoutMs: 300 });
    const session = await client.createSession(set.id, 'orch');
    await client.generateJitConfig(set.id, `${name}-r1`, '_work');
    sim.control.expireQueueTokens(set.id);
    const errors = [
      await rejection(client.createSession(set.id, 'other')),
      await rejection(client.getMessage(session, 0, 5)),
      await rejection(client.deleteMessage(session, 1)),
      await rejection(client.generateJitConfig(set.id, `${name}-r1`, '_work')),
      await rejection(client.refreshSession(set.id, 'no-such-session')),
    ];
    sim.control.injectFault({ kind: 'error', status: 500, match: { path: '*/runnergroups*' } });
    errors.push(await rejection(client.runnerGroup('default')));
    sim.control.injectFault({ kind: 'delay', ms: 1_000, match: { path: '*/runnergroups*' } });
    errors.push(await rejection(client.runnerGroup('default')));
    sim.control.expireAdminTokens();
    sim.control.injectFault({ kind: 'error', status: 401, count: 2, match: { path: '*/runnergroups*' } });
    errors.push(await rejection(client.runnerGroup('default')));
    const known = secrets();
    expect(known.length).toBeGreaterThanOrEqual(4);
    expect(known).toContain(session.messageQueueAccessToken);
    for (const error of errors) {
      const shown = `${error.message} ${JSON.stringify(error.details ?? {})} ${String(error.stack)}`;
      for (const secret of known) expect(shown).not.toContain(secret);
    }
  });
});
