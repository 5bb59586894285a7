import type { Runner } from '@gha-ephemeral/contract';
import { waitFor } from '@gha-ephemeral/testkit';
import Dockerode from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MYOUNG34_PRESET, startHarness, type Harness } from './harness.js';

const docker = new Dockerode();

async function envOf(containerId: string): Promise<Record<string, string>> {
  const info = await docker.getContainer(containerId).inspect();
  return Object.fromEntries(
    (info.Config.Env ?? []).map((entry) => entry.split(/=(.*)/s, 2) as [string, string]),
  );
}

/**
 * The registration-token preset for myoung34/github-runner, at organization scope over HTTPS (the image always
 * registers organization runners at https://GITHUB_HOST/ORG), against a stand-in that behaves as the image does.
 */
describe('the myoung34 preset, organization scope over HTTPS (real engine, simulator)', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness(MYOUNG34_PRESET, { tls: true });
    h.sim.control.createOrg({ login: 'acme', members: ['octo'] });
    h.sim.control.createRepo({ owner: 'acme', name: 'widgets' });
  });
  afterAll(async () => h?.close());

  it('shows the labels GitHub shows (the image adds "default"), and removes the registration itself', async () => {
    expect(h.sim.url).toMatch(/^https:/);
    const created = await h.orchestrator.app.inject({
      method: 'POST',
      url: '/api/v1/runners',
      payload: { organization: 'acme' },
    });
    expect(created.statusCode).toBe(201);
    const [runner] = created.json<{ runners: Runner[] }>().runners;
    const expected = ['self-hosted', 'Linux', 'X64', 'default'];
    expect(runner!.labels).toEqual(expected);
    // The image's SIGTERM trap never deregisters (the token was unset): the orchestrator does it.
    expect(await envOf(runner!.containerId)).toMatchObject({
      RUNNER_SCOPE: 'org',
      ORG_NAME: 'acme',
      GITHUB_HOST: h.sim.url.replace(/^https:\/\//, ''),
      DISABLE_AUTOMATIC_DEREGISTRATION: 'true',
      UNSET_CONFIG_VARS: 'true',
    });

    await waitFor(() => h.sim.control.getRunnerByName(runner!.id)?.status === 'online', {
      timeoutMs: 30_000,
      message: 'the organization runner never came online over HTTPS',
    });
    expect(h.sim.control.getRunnerByName(runner!.id)?.labels).toEqual(expected);
    const listed = await h.orchestrator.app.inject({ method: 'GET', url: `/api/v1/runners/${runner!.id}` });
    expect(listed.json<Runner>()).toMatchObject({ status: 'idle', labels: expected });

    const { jobId } = h.sim.control.queueJob({
      repo: 'acme/widgets',
      labels: ['self-hosted', 'default'],
      steps: ['test "$(id -u)" = 0'],
    });
    const job = await h.sim.control.waitForJob(jobId, 'completed', { timeoutMs: 30_000 });
    expect(job).toMatchObject({ conclusion: 'success', runnerName: runner!.id });
    await waitFor(() => h.sim.control.getRunnerByName(runner!.id) === undefined, {
      timeoutMs: 20_000,
      message: 'the registration of a finished runner was not removed',
    });
  });

  it('deletes the registration of a runner it removes', async () => {
    const created = await h.orchestrator.app.inject({
      method: 'POST',
      url: '/api/v1/runners',
      payload: { organization: 'acme', labels: ['gpu'] },
    });
    const [runner] = created.json<{ runners: Runner[] }>().runners;
    expect(runner!.labels).toEqual(['self-hosted', 'Linux', 'X64', 'gpu']);
    await waitFor(() => h.sim.control.getRunnerByName(runner!.id)?.status === 'online', {
      timeoutMs: 30_000,
      message: 'the organization runner never came online over HTTPS',
    });
    const deleted = await h.orchestrator.app.inject({
      method: 'DELETE',
      url: `/api/v1/runners/${runner!.id}`,
    });
    expect(deleted.statusCode).toBe(204);
    expect(h.sim.control.getRunnerByName(runner!.id)).toBeUndefined();
  });
});
