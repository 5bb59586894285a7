import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeJitConfig, runStandInRunner } from '@gha-ephemeral/stand-in-runner';
import { readAdminJwtClaims } from '../src/index.js';
import type { GitHubSim, JobMessage } from '../src/index.js';
import { TOKENS, octokitFor, startWorld } from './helpers/sim.js';
import { ack, connect, jobMessagesOf, poll, pollUntil } from './helpers/actions.js';
import type { ActionsClient, TestSession } from './helpers/actions.js';

// Field names exactly as GITHUB.md ("Runner scale sets") and GitHub's Go client spell them.
const GROUP_KEYS = ['id', 'name', 'size', 'isDefaultGroup'];
const SCALE_SET_KEYS = [
  'id',
  'name',
  'runnerGroupId',
  'runnerGroupName',
  'labels',
  'createdOn',
  'runnerJitConfigUrl',
  'statistics',
];
const SESSION_KEYS = [
  'sessionId',
  'ownerName',
  'runnerScaleSet',
  'messageQueueUrl',
  'messageQueueAccessToken',
  'statistics',
];
const MESSAGE_KEYS = ['messageId', 'messageType', 'body', 'statistics'];
const STATISTICS_KEYS = [
  'totalAvailableJobs',
  'totalAcquiredJobs',
  'totalAssignedJobs',
  'totalRunningJobs',
  'totalRegisteredRunners',
  'totalBusyRunners',
  'totalIdleRunners',
];
const JOB_MESSAGE_KEYS = [
  'messageType',
  'runnerRequestId',
  'repositoryName',
  'ownerName',
  'jobId',
  'jobWorkflowRef',
  'jobDisplayName',
  'workflowRunId',
  'eventName',
  'requestLabels',
  'queueTime',
  'scaleSetAssignTime',
  'runnerAssignTime',
  'finishTime',
];
const ZERO_STATISTICS = Object.fromEntries(STATISTICS_KEYS.map((k) => [k, 0]));

const keysOf = (value: unknown): string[] => Object.keys(value as object).sort();
const sorted = (keys: string[], ...more: string[]): string[] => [...keys, ...more].sort();

describe('runner scale sets: shapes and the whole flow (in process)', () => {
  let sim: GitHubSim;
  let actions: ActionsClient;
  beforeAll(async () => {
    sim = await startWorld({ offlineAfterMs: 2000 });
    sim.control.setScaleSetOptions({ longPollMs: 300 });
    actions = await connect(sim, { repo: 'acme/app' });
  });
  afterAll(async () => {
    await sim.close();
  });

  const createScaleSet = async (name: string, extra: string[] = []): Promise<{ id: number }> => {
    const labels = [name, ...extra].map((l) => ({ name: l, type: 'System' }));
    const created = await actions.call<{ id: number }>('POST', 'runtime/runnerscalesets', {
      name,
      runnerGroupId: 1,
      labels,
      RunnerSetting: { disableUpdate: true },
    });
    expect(created.status).toBe(200);
    return created.body;
  };
  const openSession = async (id: number): Promise<TestSession> => {
    const answer = await actions.call<TestSession>('POST', `runtime/runnerscalesets/${id}/sessions`, {
      ownerName: 'test-listener',
    });
    expect(answer.status).toBe(200);
    return answer.body;
  };

  it('hands out the Actions service URL and a JWT admin token with exp', async () => {
    expect(actions.url).toBe(`${sim.url}/_runner`);
    const claims = readAdminJwtClaims(actions.token);
    expect(actions.token.split('.')).toHaveLength(3);
    expect(claims).toMatchObject({ sub: 'repo:acme/app' });
    const left = (claims?.exp ?? 0) - Date.now() / 1000;
    expect(left).toBeGreaterThan(3500);
    expect(left).toBeLessThanOrEqual(3600);
  });

  it('answers the runner group, scale set, session and message shapes with GitHub field names', async () => {
    const groups = await actions.call<{ count: number; value: unknown[] }>(
      'GET',
      'runtime/runnergroups/?groupName=default',
    );
    expect(groups.status).toBe(200);
    expect(keysOf(groups.body)).toEqual(['count', 'value']);
    expect(groups.body.count).toBe(1);
    expect(keysOf(groups.body.value[0])).toEqual(sorted(GROUP_KEYS));
    expect(groups.body.value[0]).toMatchObject({ id: 1, isDefaultGroup: true });
    const none = await actions.call<{ count: number }>('GET', 'runtime/runnergroups/?groupName=gpu');
    expect(none.body.count).toBe(0);

    const { id } = await createScaleSet('shape-set');
    const got = await actions.call<Record<string, unknown>>('GET', `runtime/runnerscalesets/${id}`);
    expect(keysOf(got.body)).toEqual(sorted(SCALE_SET_KEYS, 'RunnerSetting'));
    expect(got.body).toMatchObject({
      name: 'shape-set',
      runnerGroupId: 1,
      labels: [{ name: 'shape-set', type: 'System' }],
      RunnerSetting: { disableUpdate: true },
      runnerJitConfigUrl: `${actions.url}/_apis/runtime/runnerscalesets/${id}/generatejitconfig`,
    });
    expect(keysOf(got.body.statistics)).toEqual(sorted(STATISTICS_KEYS));
    const listed = await actions.call<{ count: number; value: { id: number }[] }>(
      'GET',
      'runtime/runnerscalesets?runnerGroupId=1&name=shape-set',
    );
    expect(listed.body).toMatchObject({ count: 1, value: [{ id }] });
    const missing = await actions.call('GET', 'runtime/runnerscalesets?runnerGroupId=1&name=nope');
    expect(missing.body).toEqual({ count: 0, value: [] });

    const session = await openSession(id);
    expect(keysOf(session)).toEqual(sorted(SESSION_KEYS));
    expect(session.sessionId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(session.statistics).toEqual(ZERO_STATISTICS);
    const idle = await poll(session);
    expect(idle).toEqual({ status: 202, body: {} });

    sim.control.queueJob({ repo: 'acme/app', labels: ['shape-set'], durationMs: 100 });
    const message = await poll(session);
    expect(message.status).toBe(200);
    expect(keysOf(message.body)).toEqual(sorted(MESSAGE_KEYS));
    expect(message.body.messageType).toBe('RunnerScaleSetJobMessages');
    const [assigned] = jobMessagesOf(message.body);
    expect(keysOf(assigned)).toEqual(sorted(JOB_MESSAGE_KEYS));
    expect(assigned).toMatchObject({ messageType: 'JobAssigned', runnerAssignTime: '0001-01-01T00:00:00Z' });
    expect(await ack(session, message.body.messageId)).toEqual({ status: 204, body: {} });

    const jit = await actions.call<Record<string, unknown>>(
      'POST',
      `runtime/runnerscalesets/${id}/generatejitconfig`,
      { name: 'shape-runner', workFolder: '_work' },
    );
    expect(jit.status).toBe(200);
    expect(keysOf(jit.body)).toEqual(['encodedJITConfig', 'runner']);
    expect(keysOf(jit.body.runner)).toEqual(['id', 'name', 'runnerScaleSetId']);
    const agents = await actions.call<{ count: number; value: unknown[] }>(
      'GET',
      'distributedtask/pools/0/agents?agentName=shape-runner',
    );
    expect(agents.body.count).toBe(1);
    expect(Object.keys(agents.body.value[0] as object)).toEqual(
      expect.arrayContaining(['id', 'name', 'status', 'busy']),
    );
    const bad = await actions.call('GET', 'distributedtask/pools/0/agents/999999');
    expect(bad.status).toBe(404);
    expect(keysOf(bad.body)).toEqual(['message', 'typeName']);
    expect(bad.body.typeName).toBe('AgentNotFoundException');
    expect((await actions.call('DELETE', `runtime/runnerscalesets/${id}`)).status).toBe(204);
    expect(sim.control.getRunnerByName('shape-runner')).toBeUndefined();
  });

  it('runs the whole flow: assigned, JIT runner takes it, started, completed, statistics back to 0', async () => {
    const { id } = await createScaleSet('flow-set');
    const session = await openSession(id);
    expect((await poll(session)).status).toBe(202);

    const { jobId, runId } = sim.control.queueJob({
      repo: 'acme/app',
      labels: ['flow-set'],
      durationMs: 300,
    });
    const first = await poll(session, 7);
    expect(first.status).toBe(200);
    expect(first.body.statistics).toMatchObject({ totalAssignedJobs: 1, totalRegisteredRunners: 0 });
    const [assigned] = jobMessagesOf(first.body);
    expect(assigned).toMatchObject({
      messageType: 'JobAssigned',
      jobId: String(jobId),
      workflowRunId: runId,
      repositoryName: 'app',
      ownerName: 'acme',
      requestLabels: ['flow-set'],
      jobDisplayName: 'build',
      eventName: 'push',
    });
    expect(sim.control.getScaleSet(id)?.lastMaxCapacity).toBe(7);
    await ack(session, first.body.messageId);

    const jit = await actions.call<{ encodedJITConfig: string; runner: { id: number } }>(
      'POST',
      `runtime/runnerscalesets/${id}/generatejitconfig`,
      { name: 'flow-runner-1', workFolder: '_work' },
    );
    expect(decodeJitConfig(jit.body.encodedJITConfig).serverUrl).toBe(`${sim.url}/_runner`);
    expect(sim.control.getRunnerByName('flow-runner-1')).toMatchObject({
      scaleSetId: id,
      labels: ['flow-set'],
      ephemeral: true,
    });
    const running = runStandInRunner({
      mode: 'jit',
      jitConfig: jit.body.encodedJITConfig,
      pollWaitMs: 1000,
      retryDelayMs: 100,
      log: () => undefined,
    });
    const { seen, last } = await pollUntil(session, (m) => m.some((j) => j.messageType === 'JobCompleted'));
    expect(await running).toMatchObject({ exitCode: 0, reason: 'job-done' });
    const started = seen.find((m) => m.messageType === 'JobStarted');
    const completed = seen.find((m) => m.messageType === 'JobCompleted');
    expect(started).toMatchObject({
      runnerRequestId: assigned?.runnerRequestId,
      runnerId: jit.body.runner.id,
      runnerName: 'flow-runner-1',
    });
    expect(completed).toMatchObject({ result: 'succeeded', runnerName: 'flow-runner-1' });
    expect(completed?.finishTime).not.toBe('0001-01-01T00:00:00Z');
    expect(last?.statistics).toEqual(ZERO_STATISTICS);
    const rest = await octokitFor(sim, TOKENS.alice).actions.getJobForWorkflowRun({
      owner: 'acme',
      repo: 'app',
      job_id: jobId,
    });
    expect(rest.data).toMatchObject({
      status: 'completed',
      conclusion: 'success',
      runner_name: 'flow-runner-1',
    });
    expect(sim.control.getRunnerByName('flow-runner-1')).toBeUndefined();
  });

  it("leaves a job no scale set matches to ordinary runners; a set's runner takes only its own set's jobs", async () => {
    const setA = await createScaleSet('set-a', ['shared']);
    const setB = await createScaleSet('set-b', ['shared']);
    const jitOf = async (id: number, name: string): Promise<string> =>
      (
        await actions.call<{ encodedJITConfig: string }>(
          'POST',
          `runtime/runnerscalesets/${id}/generatejitconfig`,
          {
            name,
            workFolder: '_work',
          },
        )
      ).body.encodedJITConfig;
    const stop = new AbortController();
    const runnerB = runStandInRunner({
      mode: 'jit',
      jitConfig: await jitOf(setB.id, 'runner-b'),
      pollWaitMs: 300,
      signal: stop.signal,
      log: () => undefined,
    });
    await sim.control.waitFor(() => sim.control.getRunnerByName('runner-b')?.status === 'online');
    // runner-b has the label `shared`, but the job is set-a's (the older matching set).
    const toA = sim.control.queueJob({ repo: 'acme/app', labels: ['shared'], durationMs: 50 });
    const plainJob = sim.control.queueJob({ repo: 'acme/app', labels: ['shared', 'gpu'], durationMs: 50 });
    expect(sim.control.getJob(toA.jobId)?.scaleSet).toMatchObject({ scaleSetId: setA.id });
    expect(sim.control.getJob(plainJob.jobId)?.scaleSet).toBeNull();
    const plain = (
      await octokitFor(sim, TOKENS.alice).actions.generateRunnerJitconfigForRepo({
        owner: 'acme',
        repo: 'app',
        name: 'plain-runner',
        runner_group_id: 1,
        labels: ['shared', 'gpu'],
      })
    ).data.encoded_jit_config;
    const plainResult = await runStandInRunner({
      mode: 'jit',
      jitConfig: plain,
      pollWaitMs: 300,
      log: () => undefined,
    });
    expect(plainResult.jobs.map((j) => j.id)).toEqual([plainJob.jobId]);
    const resultA = await runStandInRunner({
      mode: 'jit',
      jitConfig: await jitOf(setA.id, 'runner-a'),
      pollWaitMs: 300,
      log: () => undefined,
    });
    expect(resultA.jobs.map((j) => j.id)).toEqual([toA.jobId]);
    expect(sim.control.getRunnerByName('runner-b')).toMatchObject({ busy: false });
    stop.abort();
    expect((await runnerB).jobs).toEqual([]);
  });

  it('assigns a job only to a matching scale set; ordinary runners never take it', async () => {
    const { id } = await createScaleSet('owned-set', ['linux']);
    const plain = (
      await octokitFor(sim, TOKENS.alice).actions.generateRunnerJitconfigForRepo({
        owner: 'acme',
        repo: 'app',
        name: 'plain-2',
        runner_group_id: 1,
        labels: ['owned-set', 'linux'],
      })
    ).data.encoded_jit_config;
    const stop = new AbortController();
    const plainRunner = runStandInRunner({
      mode: 'jit',
      jitConfig: plain,
      pollWaitMs: 300,
      signal: stop.signal,
      log: () => undefined,
    });
    await sim.control.waitFor(() => sim.control.getRunnerByName('plain-2')?.status === 'online');
    const { jobId } = sim.control.queueJob({
      repo: 'acme/app',
      labels: ['OWNED-SET', 'Linux'],
      durationMs: 50,
    });
    expect(sim.control.getJob(jobId)?.scaleSet).toMatchObject({ scaleSetId: id, state: 'assigned' });
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(sim.control.getJob(jobId)?.status).toBe('queued');
    stop.abort();
    expect((await plainRunner).jobs).toEqual([]);
    const messages: JobMessage[] = sim.control.getScaleSet(id)?.queue.pending ?? [];
    expect(messages.map((m) => m.messageType)).toEqual(['JobAssigned']);
    sim.control.cancelJob(jobId);
  });
});
