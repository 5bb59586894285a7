import type { Runner } from '@gha-ephemeral/contract';
import { waitFor } from '@gha-ephemeral/testkit';
import Dockerode from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MYOUNG34_PRESET, startHarness, TOKEN, type Harness } from './harness.js';

const docker = new Dockerode();

async function envOf(containerId: string): Promise<Record<string, string>> {
  const info = await docker.getContainer(containerId).inspect();
  return Object.fromEntries(
    (info.Config.Env ?? []).map((entry) => entry.split(/=(.*)/s, 2) as [string, string]),
  );
}

/** Whether the engine no longer knows the container; any other failure of the engine fails the test. */
async function containerGone(containerId: string): Promise<boolean> {
  try {
    await docker.getContainer(containerId).inspect();
    return false;
  } catch (error) {
    if ((error as { statusCode?: unknown }).statusCode === 404) return true;
    throw error;
  }
}

describe('a runner through its whole life (real engine, GitHub simulator)', () => {
  let h: Harness;

  beforeAll(async () => {
    // The registration-token preset for the image's own entrypoint: its environment is what this file checks.
    h = await startHarness({ ...MYOUNG34_PRESET, RUNNER_LABELS: 'stand-in' });
    h.sim.control.createOrg({ login: 'acme', members: ['octo'] });
    h.sim.control.createRepo({ owner: 'octo', name: 'hello' });
    h.sim.control.createRepo({ owner: 'acme', name: 'widgets' });
  });
  afterAll(async () => h?.close());

  it('starts a labelled container for a repository, which registers, takes one job and is gone afterwards', async () => {
    const created = await h.orchestrator.app.inject({
      method: 'POST',
      url: '/api/v1/runners',
      payload: { repository: 'octo/hello', labels: ['gpu'] },
    });
    expect(created.statusCode).toBe(201);
    const [runner] = created.json<{ runners: Runner[] }>().runners;
    expect(runner).toMatchObject({
      scope: 'repository',
      target: 'octo/hello',
      status: 'starting',
      image: 'gha-ephemeral/stand-in-runner:local',
      githubRunnerId: null,
    });
    expect(runner!.labels).toEqual(['self-hosted', 'Linux', 'X64', 'stand-in', 'gpu']);

    const info = await docker.getContainer(runner!.containerId).inspect();
    expect(info.Config.Labels).toMatchObject({
      'gha-ephemeral.managed': 'true',
      'gha-ephemeral.runner': runner!.id,
      'gha-ephemeral.orchestrator': h.orchestratorId,
      'gha-ephemeral.scope': 'repository',
      'gha-ephemeral.target': 'octo/hello',
    });
    const env = await envOf(runner!.containerId);
    expect(env).toMatchObject({
      RUNNER_SCOPE: 'repo',
      REPO_URL: `${h.sim.url}/octo/hello`,
      RUNNER_NAME: runner!.id,
      LABELS: 'stand-in,gpu',
      EPHEMERAL: 'true',
    });
    // The registration token is in the runner's environment (the image needs it), and nowhere else.
    const registrationToken = env.RUNNER_TOKEN!;
    expect(registrationToken.length).toBeGreaterThan(10);
    expect(JSON.stringify(info.Config.Labels)).not.toContain(registrationToken);
    expect(Object.values(env).join()).not.toContain(TOKEN);

    const registration = await waitFor(
      () => {
        const registered = h.sim.control.getRunnerByName(runner!.id);
        return registered?.status === 'online' ? registered : undefined;
      },
      { timeoutMs: 30_000, message: 'the runner never came online on the simulator' },
    );
    // What GitHub shows: an idle, one-job runner of the repository, with the labels asked for.
    expect(registration).toMatchObject({ scope: { repo: 'octo/hello' }, busy: false, ephemeral: true });
    expect(registration.labels).toEqual(expect.arrayContaining(['stand-in', 'gpu']));
    const listed = await h.orchestrator.app.inject({ method: 'GET', url: '/api/v1/runners' });
    const view = listed.json<{ runners: Runner[] }>().runners.find((r) => r.id === runner!.id);
    expect(view?.status).toBe('idle');
    expect(view?.githubRunnerId).toEqual(expect.any(Number));

    const { jobId } = h.sim.control.queueJob({
      repo: 'octo/hello',
      labels: ['self-hosted', 'GPU'],
      durationMs: 500,
    });
    const job = await h.sim.control.waitForJob(jobId, 'completed', { timeoutMs: 30_000 });
    expect(job.runnerName).toBe(runner!.id);
    expect(job.conclusion).toBe('success');

    await waitFor(() => containerGone(runner!.containerId), {
      timeoutMs: 20_000,
      message: 'the container of a finished runner was not removed',
    });
    expect(h.sim.control.getRunnerByName(runner!.id)).toBeUndefined();
    const after = await h.orchestrator.app.inject({ method: 'GET', url: `/api/v1/runners/${runner!.id}` });
    expect(after.statusCode).toBe(404);
    expect(after.json()).toMatchObject({ code: 'runner.not_found' });

    // Nothing secret was logged or answered.
    expect(h.log.text).not.toContain(TOKEN);
    expect(h.log.text).not.toContain(registrationToken);
    expect(created.body + listed.body).not.toContain(registrationToken);
  });

  it('creates, lists, gets and deletes organization runners, over HTTPS as on GitHub', async () => {
    // The myoung34 entrypoint registers organization runners at https://GITHUB_HOST/ORG only.
    const o = await startHarness({ RUNNER_LABELS: 'stand-in', ...MYOUNG34_PRESET }, { tls: true });
    o.sim.control.createOrg({ login: 'acme', members: ['octo'] });
    try {
      await orgRunnersLifecycle(o);
    } finally {
      await o.close();
    }
  });

  async function orgRunnersLifecycle(h: Harness): Promise<void> {
    const created = await h.orchestrator.app.inject({
      method: 'POST',
      url: '/api/v1/runners',
      payload: { organization: 'acme', count: 2 },
    });
    expect(created.statusCode).toBe(201);
    const runners = created.json<{ runners: Runner[] }>().runners;
    expect(runners).toHaveLength(2);
    expect(new Set(runners.map((r) => r.id)).size).toBe(2);
    for (const runner of runners) {
      expect(runner).toMatchObject({ scope: 'organization', target: 'acme' });
      expect(await envOf(runner.containerId)).toMatchObject({ RUNNER_SCOPE: 'org', ORG_NAME: 'acme' });
    }
    await waitFor(() => runners.every((r) => h.sim.control.getRunnerByName(r.id)?.status === 'online'), {
      timeoutMs: 30_000,
      message: 'organization runners never came online',
    });

    for (const url of ['/runners', '/api/v1/runners']) {
      const list = await h.orchestrator.app.inject({ method: 'GET', url });
      expect(list.statusCode).toBe(200);
      const body = list.json<{ runners: Runner[]; total: number }>();
      expect(body.total).toBe(body.runners.length);
      expect(body.runners.map((r) => r.id)).toEqual(expect.arrayContaining(runners.map((r) => r.id)));
    }
    const one = await h.orchestrator.app.inject({ method: 'GET', url: `/runners/${runners[0]!.id}` });
    expect(one.json<Runner>()).toMatchObject({ id: runners[0]!.id, status: 'idle', scope: 'organization' });

    for (const runner of runners) {
      const deleted = await h.orchestrator.app.inject({
        method: 'DELETE',
        url: `/api/v1/runners/${runner.id}`,
      });
      expect(deleted.statusCode).toBe(204);
      expect(await containerGone(runner.containerId)).toBe(true);
      expect(h.sim.control.getRunnerByName(runner.id)).toBeUndefined();
    }
    const again = await h.orchestrator.app.inject({
      method: 'DELETE',
      url: `/api/v1/runners/${runners[0]!.id}`,
    });
    expect(again.statusCode).toBe(404);
  }

  it('removes a runner whose container crashed, promptly, without waiting for a sweep', async () => {
    const crash = await startHarness({ RUNNER_ENTRYPOINT: 'node -e "process.exit(3)"' }, { sim: h.sim });
    try {
      const created = await crash.orchestrator.app.inject({
        method: 'POST',
        url: '/api/v1/runners',
        payload: { repository: 'octo/hello' },
      });
      expect(created.statusCode).toBe(201);
      const [runner] = created.json<{ runners: Runner[] }>().runners;
      // The purge interval is 30 s; the event stream must be much faster.
      await waitFor(() => containerGone(runner!.containerId), {
        timeoutMs: 10_000,
        message: 'a crashed runner container stayed behind',
      });
      expect(crash.log.text).toMatch(/runner container exited/);
    } finally {
      await crash.close();
    }
  });
});
