import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runStandInRunner } from '@gha-ephemeral/stand-in-runner';
import type { GitHubSim, JobMessage } from '../src/index.js';
import { startWorld } from './helpers/sim.js';
import { ack, connect, jobMessagesOf, poll, pollUntil, send } from './helpers/actions.js';
import type { ActionsClient, TestSession } from './helpers/actions.js';

const SHORT = {
  longPollMs: 300,
  sessionIdleTimeoutMs: 120_000,
  queueTokenLifetimeMs: 3_600_000,
  adminTokenLifetimeMs: 3_600_000,
  assignTimeoutMs: 300_000,
  maxReassignments: 3,
  mode: 'github',
} as const;

describe('runner scale sets: sessions, queue, assignment rules and errors (in process)', () => {
  let sim: GitHubSim;
  let actions: ActionsClient;
  let serial = 0;
  beforeAll(async () => {
    sim = await startWorld({ offlineAfterMs: 2000 });
    actions = await connect(sim, { repo: 'acme/app' });
  });
  beforeEach(() => {
    sim.control.setScaleSetOptions(SHORT);
    sim.control.clearFaults();
  });
  afterAll(async () => {
    await sim.close();
  });

  /** A fresh scale set (a unique name per test) and a session on it. */
  const setWithSession = async (): Promise<{ id: number; name: string; session: TestSession }> => {
    serial += 1;
    const name = `set-${serial}`;
    const created = await actions.call<{ id: number }>('POST', 'runtime/runnerscalesets', {
      name,
      runnerGroupId: 1,
      labels: [{ name, type: 'System' }],
      RunnerSetting: { disableUpdate: true },
    });
    const session = await actions.call<TestSession>(
      'POST',
      `runtime/runnerscalesets/${created.body.id}/sessions`,
      {
        ownerName: 'listener',
      },
    );
    expect(session.status).toBe(200);
    return { id: created.body.id, name, session: session.body };
  };

  it('refuses a second live session (409), refreshes one, and lets a new one start after expiry', async () => {
    const { id, session } = await setWithSession();
    const second = await actions.call('POST', `runtime/runnerscalesets/${id}/sessions`, {
      ownerName: 'other',
    });
    expect(second.status).toBe(409);
    expect(second.body).toMatchObject({ typeName: 'RunnerScaleSetSessionConflictException' });
    expect(second.body.message).toEqual(expect.any(String));

    const refreshed = await actions.call<TestSession>(
      'PATCH',
      `runtime/runnerscalesets/${id}/sessions/${session.sessionId}`,
    );
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.sessionId).toBe(session.sessionId);
    expect(refreshed.body.messageQueueAccessToken).not.toBe(session.messageQueueAccessToken);
    expect((await poll(session)).status).toBe(401);
    expect((await poll(refreshed.body)).status).toBe(202);

    sim.control.setScaleSetOptions({ sessionIdleTimeoutMs: 200 });
    await sim.control.waitFor(() => sim.control.getScaleSet(id)?.session === null, { timeoutMs: 5000 });
    expect((await poll(refreshed.body)).status).toBe(401);
    const next = await actions.call<TestSession>('POST', `runtime/runnerscalesets/${id}/sessions`, {
      ownerName: 'next',
    });
    expect(next.status).toBe(200);
    const closed = await actions.call(
      'DELETE',
      `runtime/runnerscalesets/${id}/sessions/${next.body.sessionId}`,
    );
    expect(closed.status).toBe(204);
    expect(sim.control.getScaleSet(id)?.session).toBeNull();
  });

  it('answers 401 once the queue token expired, until the session is refreshed', async () => {
    const { id, session } = await setWithSession();
    expect(sim.control.expireQueueTokens(id)).toBe(1);
    const expired = await poll(session);
    expect(expired.status).toBe(401);
    expect(Object.keys(expired.body).sort()).toEqual(['message', 'typeName']);
    sim.control.setScaleSetOptions({ queueTokenLifetimeMs: 150 });
    const refreshed = await actions.call<TestSession>(
      'PATCH',
      `runtime/runnerscalesets/${id}/sessions/${session.sessionId}`,
    );
    expect((await poll(refreshed.body)).status).toBe(202);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await poll(refreshed.body)).status).toBe(401);
  });

  it('delivers an unacknowledged message again, also to a later session; acknowledged, it is gone', async () => {
    const { id, name, session } = await setWithSession();
    const { jobId } = sim.control.queueJob({ repo: 'acme/app', labels: [name] });
    const first = await poll(session);
    const again = await poll(session);
    expect(again.body.messageId).toBe(first.body.messageId);
    expect(jobMessagesOf(again.body)).toEqual(jobMessagesOf(first.body));
    expect(sim.control.getScaleSet(id)?.queue.unacked.map((m) => m.messageId)).toEqual([
      first.body.messageId,
    ]);
    await actions.call('DELETE', `runtime/runnerscalesets/${id}/sessions/${session.sessionId}`);
    const later = await actions.call<TestSession>('POST', `runtime/runnerscalesets/${id}/sessions`, {
      ownerName: 'l2',
    });
    const redelivered = await poll(later.body);
    expect(redelivered.body.messageId).toBe(first.body.messageId);
    expect(jobMessagesOf(redelivered.body)[0]).toMatchObject({
      messageType: 'JobAssigned',
      jobId: String(jobId),
    });
    expect((await ack(later.body, first.body.messageId)).status).toBe(204);
    expect((await poll(later.body)).status).toBe(202);
    sim.control.cancelJob(jobId);
  });

  it('returns a long poll at once when a job arrives, and shows it open meanwhile', async () => {
    sim.control.setScaleSetOptions({ longPollMs: 30_000 });
    const { id, name, session } = await setWithSession();
    const started = Date.now();
    const pending = poll(session);
    await sim.control.waitFor(() => sim.control.requestCounts().openLongPolls[String(id)] === 1);
    expect(sim.control.getScaleSet(id)).toMatchObject({ openPolls: 1 });
    const { jobId } = sim.control.queueJob({ repo: 'acme/app', labels: [name] });
    const answer = await pending;
    expect(answer.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(sim.control.requestCounts().openLongPolls[String(id)]).toBe(0);
    const route = 'GET /_runner/_apis/runtime/runnerscalesets/{scaleSetId}/sessions/{sessionId}/messages';
    expect(sim.control.requestCounts().byRoute[route]?.total).toBeGreaterThanOrEqual(1);
    sim.control.cancelJob(jobId);
  });

  it('cancels and reassigns a job no runner takes in time, 3 times, then ends it cancelled', async () => {
    sim.control.setScaleSetOptions({ assignTimeoutMs: 150 });
    const { name, session } = await setWithSession();
    const { jobId } = sim.control.queueJob({ repo: 'acme/app', labels: [name] });
    await sim.control.waitForJob(jobId, 'completed', { timeoutMs: 10_000 });
    const { seen } = await pollUntil(
      session,
      (m) => m.filter((j) => j.messageType === 'JobCompleted').length === 4,
    );
    const requestIds = [...new Set(seen.map((m) => m.runnerRequestId))];
    expect(requestIds).toHaveLength(4);
    expect(seen.map((m) => `${m.messageType}:${m.result ?? ''}`)).toEqual(
      Array.from({ length: 4 }, () => ['JobAssigned:', 'JobCompleted:canceled']).flat(),
    );
    expect(sim.control.getJob(jobId)).toMatchObject({ status: 'completed', conclusion: 'cancelled' });
  });

  it('offers jobs as JobAvailable in GHES mode and assigns them after acquirejobs', async () => {
    sim.control.setScaleSetOptions({ mode: 'ghes' });
    const { id, name, session } = await setWithSession();
    const { jobId } = sim.control.queueJob({ repo: 'acme/app', labels: [name] });
    const offered = await poll(session);
    const [available] = jobMessagesOf(offered.body);
    expect(available).toMatchObject({
      messageType: 'JobAvailable',
      acquireJobUrl: `${actions.url}/_apis/runtime/runnerscalesets/${id}/acquirejobs`,
    });
    expect(offered.body.statistics).toMatchObject({ totalAvailableJobs: 1, totalAssignedJobs: 0 });
    await ack(session, offered.body.messageId);
    const acquired = await send<{ count: number; value: number[] }>(
      `${available?.acquireJobUrl ?? ''}?api-version=6.0-preview`,
      'POST',
      session.messageQueueAccessToken,
      [available?.runnerRequestId, 999_999_999],
    );
    expect(acquired).toEqual({ status: 200, body: { count: 1, value: [available?.runnerRequestId] } });
    const assigned = await poll(session);
    expect(jobMessagesOf(assigned.body)).toMatchObject([
      { messageType: 'JobAssigned', runnerRequestId: available?.runnerRequestId },
    ]);
    expect(assigned.body.statistics).toMatchObject({ totalAvailableJobs: 0, totalAssignedJobs: 1 });
    await ack(session, assigned.body.messageId);
    sim.control.cancelJob(jobId);
  });

  it('refuses a taken runner name (AgentExistsException) and removing a busy runner (JobStillRunningException)', async () => {
    const { id, name, session } = await setWithSession();
    const jit = (runner: string): Promise<{ status: number; body: Record<string, unknown> }> =>
      actions.call('POST', `runtime/runnerscalesets/${id}/generatejitconfig`, {
        name: runner,
        workFolder: '_work',
      });
    const first = await jit(`${name}-r`);
    expect(first.status).toBe(200);
    const dup = await jit(`${name}-r`);
    expect(dup.status).toBe(409);
    expect(dup.body.typeName).toBe('AgentExistsException');

    const { jobId } = sim.control.queueJob({ repo: 'acme/app', labels: [name], durationMs: 60_000 });
    const running = runStandInRunner({
      mode: 'jit',
      jitConfig: String(first.body.encodedJITConfig),
      pollWaitMs: 300,
      log: () => undefined,
    });
    await sim.control.waitForJob(jobId, 'in_progress');
    const runnerId = (first.body.runner as { id: number }).id;
    const busy = await actions.call<{ busy: boolean }>('GET', `distributedtask/pools/0/agents/${runnerId}`);
    expect(busy.body).toMatchObject({ busy: true, status: 'online', runnerScaleSetId: id });
    const refused = await actions.call('DELETE', `distributedtask/pools/0/agents/${runnerId}`);
    expect(refused.status).toBe(400);
    expect(refused.body.typeName).toBe('JobStillRunningException');
    sim.control.cancelJob(jobId);
    expect((await running).jobs).toEqual([{ id: jobId, name: 'build', result: 'cancelled' }]);
    const { seen } = await pollUntil(session, (m) => m.some((j) => j.messageType === 'JobCompleted'));
    expect(seen.find((m) => m.messageType === 'JobCompleted')).toMatchObject({ result: 'canceled' });
    const gone = await actions.call('DELETE', `distributedtask/pools/0/agents/${runnerId}`);
    expect(gone).toMatchObject({ status: 404, body: { typeName: 'AgentNotFoundException' } });
  });

  it('answers 401 once the admin token expired; a fresh one works; its lifetime is configurable', async () => {
    sim.control.setScaleSetOptions({ adminTokenLifetimeMs: 60_000 });
    const short = await connect(sim, { repo: 'acme/app' });
    expect(
      JSON.parse(Buffer.from(short.token.split('.')[1] ?? '', 'base64url').toString()).exp,
    ).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000) + 60);
    expect(sim.control.expireAdminTokens()).toBeGreaterThanOrEqual(1);
    const refused = await short.call('GET', 'runtime/runnergroups/?groupName=default');
    expect(refused.status).toBe(401);
    expect(Object.keys(refused.body).sort()).toEqual(['message', 'typeName']);
    actions = await connect(sim, { repo: 'acme/app' });
    expect((await actions.call('GET', 'runtime/runnergroups/?groupName=default')).status).toBe(200);
  });

  it("keeps scale sets to the token's scope; an organization set serves the organization's repositories", async () => {
    const org = await connect(sim, { org: 'acme' });
    const { id } = await setWithSession();
    expect((await org.call('GET', `runtime/runnerscalesets/${id}`)).body).toMatchObject({
      typeName: 'RunnerScaleSetNotFoundException',
    });
    const created = await org.call<{ id: number }>('POST', 'runtime/runnerscalesets', {
      name: 'org-set',
      runnerGroupId: 1,
      labels: [{ name: 'org-set', type: 'System' }],
    });
    const dup = await org.call('POST', 'runtime/runnerscalesets', {
      name: 'ORG-SET',
      runnerGroupId: 1,
      labels: [],
    });
    expect(dup).toMatchObject({ status: 409, body: { typeName: 'RunnerScaleSetExistsException' } });
    const { jobId } = sim.control.queueJob({ repo: 'acme/site', labels: ['org-set'] });
    expect(sim.control.getJob(jobId)?.scaleSet).toMatchObject({ scaleSetId: created.body.id });
    const patched = await org.call<{ labels: { name: string }[] }>(
      'PATCH',
      `runtime/runnerscalesets/${created.body.id}`,
      {
        labels: [
          { name: 'org-set', type: 'System' },
          { name: 'extra', type: 'System' },
        ],
      },
    );
    expect(patched.body.labels.map((l) => l.name)).toEqual(['org-set', 'extra']);
    expect((await org.call('DELETE', `runtime/runnerscalesets/${created.body.id}`)).status).toBe(204);
    expect(sim.control.getJob(jobId)?.scaleSet).toBeNull();
    sim.control.cancelJob(jobId);
  });

  it('applies path-matched faults to Actions service calls and counts them per route', async () => {
    const { id, session } = await setWithSession();
    sim.control.resetCounts();
    sim.control.injectFault({ kind: 'error', status: 503 });
    expect((await poll(session)).status).toBe(202);
    sim.control.clearFaults();
    sim.control.injectFault({ kind: 'error', status: 503, match: { path: '*/_apis/runtime/*' } });
    const failed = await actions.call('GET', `runtime/runnerscalesets/${id}`);
    expect(failed).toMatchObject({ status: 503, body: { typeName: expect.any(String) } });
    sim.control.injectFault({ kind: 'reset', match: { method: 'GET', path: '*/messages' } });
    await expect(poll(session)).rejects.toThrow();
    const counts = sim.control.requestCounts().byRoute;
    expect(counts['GET /_runner/_apis/runtime/runnerscalesets/{scaleSetId}']?.total).toBe(1);
    expect(
      counts['GET /_runner/_apis/runtime/runnerscalesets/{scaleSetId}/sessions/{sessionId}/messages']?.total,
    ).toBe(2);
  });

  it('mirrors the scale-set control over HTTP', async () => {
    const { id } = await setWithSession();
    const options = await fetch(`${sim.url}/_sim/scale-set-options`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ assignTimeoutMs: 1234 }),
    });
    expect(await options.json()).toMatchObject({ assignTimeoutMs: 1234, mode: 'github', longPollMs: 300 });
    const bad = await fetch(`${sim.url}/_sim/scale-set-options`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ mode: 'enterprise' }),
    });
    expect(bad.status).toBe(400);
    const list = (await (await fetch(`${sim.url}/_sim/scale-sets`)).json()) as {
      scaleSets: { id: number }[];
    };
    expect(list.scaleSets.map((s) => s.id)).toContain(id);
    const ended = await fetch(`${sim.url}/_sim/scale-sets/${id}/session`, { method: 'DELETE' });
    expect(ended.status).toBe(204);
    const expire = await fetch(`${sim.url}/_sim/scale-sets/expire-admin-tokens`, { method: 'POST' });
    expect(((await expire.json()) as { expired: number }).expired).toBeGreaterThanOrEqual(1);
    actions = await connect(sim, { repo: 'acme/app' });
  });
});

describe('runner scale sets: closing the simulator', () => {
  it('ends an open long poll when the simulator closes', async () => {
    const sim = await startWorld();
    sim.control.setScaleSetOptions({ longPollMs: 45_000 });
    const actions = await connect(sim, { repo: 'acme/app' });
    const created = await actions.call<{ id: number }>('POST', 'runtime/runnerscalesets', {
      name: 'closing',
      runnerGroupId: 1,
      labels: [{ name: 'closing', type: 'System' }],
    });
    const session = await actions.call<TestSession>(
      'POST',
      `runtime/runnerscalesets/${created.body.id}/sessions`,
      {
        ownerName: 'x',
      },
    );
    const pending = poll(session.body).catch(() => ({ status: 0, body: {} as JobMessage }));
    await sim.control.waitFor(() => sim.control.getScaleSet(created.body.id)?.openPolls === 1);
    await sim.close();
    expect([0, 202]).toContain((await pending).status);
  });
});
