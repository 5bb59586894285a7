import type { Runner } from '@gha-ephemeral/contract';
import { waitFor } from '@gha-ephemeral/testkit';
import Dockerode from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, TOKEN, type Harness } from './harness.js';

const docker = new Dockerode();

describe('just-in-time runners (official image preset, stand-in runner)', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({
      RUNNER_COMMAND: '/home/runner/run.sh',
      runnerenv_ACTIONS_RUNNER_INPUT_JITCONFIG: '{jit_config}',
      RUNNER_LABELS: 'jit',
    });
    h.sim.control.createRepo({ owner: 'octo', name: 'jit' });
  });
  afterAll(async () => h?.close());

  it('registers the runner before its container starts, gives the container only the encoded config, and cleans up after the job', async () => {
    const response = await h.orchestrator.app.inject({
      method: 'POST',
      url: '/api/v1/runners',
      payload: { repository: 'octo/jit' },
    });
    expect(response.statusCode).toBe(201);
    const [runner] = response.json<{ runners: Runner[] }>().runners;
    // Registered at once: GitHub already knows the runner's id.
    expect(runner!.githubRunnerId).toEqual(expect.any(Number));
    expect(h.sim.control.getRunnerByName(runner!.id)).toMatchObject({
      id: runner!.githubRunnerId,
      configuredBy: 'jit',
      labels: expect.arrayContaining(['self-hosted', 'jit']),
    });

    const info = await docker.getContainer(runner!.containerId).inspect();
    const env = info.Config.Env ?? [];
    expect(env.filter((entry) => entry.startsWith('ACTIONS_RUNNER_INPUT_JITCONFIG='))).toHaveLength(1);
    // No token of any kind in the container: neither the GitHub token nor a registration token.
    expect(env.some((entry) => /^(RUNNER_TOKEN|ACCESS_TOKEN|GITHUB_TOKEN)=/.test(entry))).toBe(false);
    expect(env.join('\n')).not.toContain(TOKEN);
    expect(info.Config.Cmd).toEqual(['/home/runner/run.sh']);
    const jitConfig = env
      .find((entry) => entry.startsWith('ACTIONS_RUNNER_INPUT_JITCONFIG='))!
      .slice('ACTIONS_RUNNER_INPUT_JITCONFIG='.length);
    // Hidden from the logs while the runner lives.
    expect(h.redactor.redact(`config ${jitConfig}`)).toBe('config [REDACTED]');

    const { jobId } = h.sim.control.queueJob({
      repo: 'octo/jit',
      labels: ['self-hosted', 'jit'],
      durationMs: 300,
    });
    const job = await h.sim.control.waitForJob(jobId, 'completed', { timeoutMs: 30_000 });
    expect(job.runnerName).toBe(runner!.id);
    await waitFor(
      () =>
        docker
          .getContainer(runner!.containerId)
          .inspect()
          .then(
            () => false,
            // Only "no such container" means gone; waitFor keeps any other error as the cause of its timeout.
            (error: { statusCode?: unknown }) => {
              if (error.statusCode === 404) return true;
              throw error;
            },
          ),
      { timeoutMs: 20_000, message: 'the JIT runner container to be removed' },
    );
    expect(h.sim.control.getRunnerByName(runner!.id)).toBeUndefined();
    expect(h.log.text).not.toContain(jitConfig);
    // Forgotten once its runner is gone: it can no longer appear, and the redactor must not grow with every runner.
    await waitFor(() => h.redactor.redact(jitConfig) === jitConfig, {
      timeoutMs: 5_000,
      message: 'the redactor still holds the configuration of a removed runner',
    });
  });

  it('deletes the registration when the container cannot start', async () => {
    const broken = await startHarness(
      {
        RUNNER_IMAGE: 'gha-ephemeral/no-such-image:never',
        RUNNER_COMMAND: '/home/runner/run.sh',
        runnerenv_ACTIONS_RUNNER_INPUT_JITCONFIG: '{jit_config}',
      },
      { sim: h.sim },
    );
    try {
      const response = await broken.orchestrator.app.inject({
        method: 'POST',
        url: '/api/v1/runners',
        payload: { repository: 'octo/jit' },
      });
      expect(response.statusCode).toBe(502);
      expect(h.sim.control.listRunners({ repo: 'octo/jit' })).toEqual([]);
    } finally {
      await broken.close();
    }
  });
});
