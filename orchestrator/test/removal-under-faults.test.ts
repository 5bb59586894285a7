import type { Runner } from '@gha-ephemeral/contract';
import { waitFor } from '@gha-ephemeral/testkit';
import Dockerode from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness.js';

const docker = new Dockerode();
const REPOS = Array.from({ length: 10 }, (_, i) => `r${i}`);

async function containerGone(containerId: string): Promise<boolean> {
  return docker
    .getContainer(containerId)
    .inspect()
    .then(
      () => false,
      () => true,
    );
}

/** True once the orchestrator logged that the runner's container and registration are both gone. */
function removedLogged(this: void, id: string): boolean {
  return logLines().some((line) => line.msg === 'runner removed' && line.runner === id);
}
let logLines: () => { msg?: string; runner?: string }[] = () => [];

describe('removal never waits behind creation', () => {
  let h: Harness;

  beforeAll(async () => {
    // A deadline longer than GitHub's delay below: the hung calls hold their places the whole time.
    h = await startHarness({ MAX_RUNNERS: '30', GITHUB_REQUEST_TIMEOUT: '60' });
    h.sim.control.createRepo({ owner: 'octo', name: 'hello' });
    for (const name of REPOS) h.sim.control.createRepo({ owner: 'octo', name });
  });
  afterAll(async () => h?.close());
  beforeAll(() => {
    logLines = () =>
      h.log.text
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as { msg?: string; runner?: string });
  });

  const create = async (repository: string, count = 1): Promise<Runner[]> => {
    const response = await h.orchestrator.app.inject({
      method: 'POST',
      url: '/api/v1/runners',
      payload: { repository, count },
    });
    return response.statusCode === 201 ? response.json<{ runners: Runner[] }>().runners : [];
  };

  it('reaps runners that end while ten creations hang on GitHub', async () => {
    const runners = await create('octo/hello', 2);
    expect(runners).toHaveLength(2);
    for (const runner of runners) {
      await waitFor(() => h.sim.control.getRunnerByName(runner.id)?.status === 'online', {
        timeoutMs: 30_000,
        message: `runner ${runner.id} never came online`,
      });
    }
    // Ten creations whose just-in-time registrations GitHub does not answer: more than Octokit lets run at once.
    h.sim.control.injectFault({
      kind: 'delay',
      ms: 30_000,
      count: 'always',
      match: { method: 'POST', path: '/repos/octo/r*/actions/runners/generate-jitconfig' },
    });
    let creationsSettled = false;
    const creations = Promise.allSettled(REPOS.map((name) => create(`octo/${name}`))).then((results) => {
      creationsSettled = true;
      return results;
    });
    // The simulator counts a request when it answers: give the ten a moment to be sent.
    await new Promise((resolve) => setTimeout(resolve, 1000));

    for (const _ of runners)
      h.sim.control.queueJob({ repo: 'octo/hello', labels: ['self-hosted'], durationMs: 200 });
    for (const runner of runners) {
      await waitFor(() => containerGone(runner.containerId), {
        timeoutMs: 20_000,
        message: `the container of ${runner.id} was not removed`,
      });
    }
    await waitFor(() => runners.every((runner) => removedLogged(runner.id)), {
      timeoutMs: 10_000,
      message: 'the registrations of the ended runners were not removed',
    });
    // Both ended runners are gone while the creations are still waiting for GitHub.
    expect(creationsSettled).toBe(false);

    const results = await creations;
    expect(results.every((result) => result.status === 'fulfilled')).toBe(true);
  }, 120_000);
});
