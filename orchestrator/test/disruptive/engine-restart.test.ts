import { spawn, execFile } from 'node:child_process';
import { openSync } from 'node:fs';
import { promisify } from 'node:util';
import type { Runner } from '@gha-ephemeral/contract';
import { waitFor } from '@gha-ephemeral/testkit';
import Dockerode from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../harness.js';

// Restarts the machine's Docker engine: this file runs alone, after every other test (the "disruptive" project).
const run = promisify(execFile);
const docker = new Dockerode();

async function engineAnswers(): Promise<boolean> {
  return docker.ping().then(
    () => true,
    () => false,
  );
}

/** Stops dockerd and starts it again the way scripts/ci-setup.sh does; running containers die with it. */
async function restartEngine(): Promise<void> {
  await run('pkill', ['-x', 'dockerd']);
  await waitFor(async () => !(await engineAnswers()), { timeoutMs: 60_000, message: 'dockerd to stop' });
  await waitFor(
    async () =>
      await run('pgrep', ['-x', 'dockerd']).then(
        () => false,
        () => true,
      ),
    {
      timeoutMs: 60_000,
      message: 'the dockerd process to end',
    },
  );
  const log = openSync('/tmp/dockerd.log', 'a');
  spawn('dockerd', [], { detached: true, stdio: ['ignore', log, log] }).unref();
  await waitFor(engineAnswers, { timeoutMs: 90_000, message: 'dockerd to answer again' });
}

describe('the Docker engine restarts while runners run', () => {
  let h: Harness;

  beforeAll(async () => {
    // Upkeep only every 5 minutes: what the test sees is the event stream's own recovery.
    h = await startHarness({ RUNNER_PURGE_INTERVAL: '300' });
    h.sim.control.createRepo({ owner: 'octo', name: 'hello' });
  });
  afterAll(async () => h?.close());

  const create = async (): Promise<Runner[]> => {
    const response = await h.orchestrator.app.inject({
      method: 'POST',
      url: '/api/v1/runners',
      payload: { repository: 'octo/hello', count: 2 },
    });
    expect(response.statusCode, response.body).toBe(201);
    return response.json<{ runners: Runner[] }>().runners;
  };

  it('reconnects its event stream, reaps the runners that died meanwhile, and serves new jobs', async () => {
    const before = await create();
    for (const runner of before) {
      await waitFor(() => h.sim.control.getRunnerByName(runner.id)?.status === 'online', {
        timeoutMs: 30_000,
        message: `runner ${runner.id} to come online`,
      });
    }
    await restartEngine();

    await waitFor(async () => (await h.orchestrator.runners.list()).length === 0, {
      timeoutMs: 60_000,
      message: 'the runners that died with the engine to be reaped',
    });
    await waitFor(() => before.every((runner) => h.sim.control.getRunnerByName(runner.id) === undefined), {
      timeoutMs: 30_000,
      message: 'the registrations of the runners that died to be removed',
    });

    const [next] = await create();
    const { jobId } = h.sim.control.queueJob({
      repo: 'octo/hello',
      labels: ['self-hosted'],
      durationMs: 200,
    });
    const job = await h.sim.control.waitForJob(jobId, 'completed', { timeoutMs: 60_000 });
    expect(job.conclusion).toBe('success');
    expect([next?.id, ...(await h.orchestrator.runners.list()).map((r) => r.id)]).toContain(job.runnerName);
  }, 300_000);
});
