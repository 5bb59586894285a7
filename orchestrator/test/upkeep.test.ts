import { createOctokit, OctokitGitHub, type GitHubScope } from '@gha-ephemeral/github';
import { startGitHubSim, type GitHubSim } from '@gha-ephemeral/github-sim';
import { createSilentLogger } from '@gha-ephemeral/runtime-docker';
import { removeContainersByLabel, STAND_IN_RUNNER_IMAGE, uniqueId, waitFor } from '@gha-ephemeral/testkit';
import Dockerode from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeRunnerLabels } from '../src/fleet/container-labels.js';
import { makeRunnerName } from '../src/fleet/naming.js';
import { startHarness, TOKEN, type Harness } from './harness.js';

const docker = new Dockerode();
const scope: GitHubScope = { kind: 'repository', owner: 'octo', repo: 'hello' };

async function containerGone(id: string): Promise<boolean> {
  return docker
    .getContainer(id)
    .inspect()
    .then(
      () => false,
      () => true,
    );
}

describe('upkeep runs in every mode: what a crash left is cleaned at the next start', () => {
  let sim: GitHubSim;
  let h: Harness | undefined;
  const orchestratorId = uniqueId('upkeep');
  const otherId = uniqueId('other');

  beforeAll(async () => {
    sim = await startGitHubSim({ tokens: { [TOKEN]: { login: 'octo' } } });
    sim.control.createRepo({ owner: 'octo', name: 'hello' });
  });
  afterAll(async () => {
    await h?.close();
    await removeContainersByLabel('gha-ephemeral.orchestrator', orchestratorId);
    await sim?.close();
  });

  it('removes a container left unstarted and registrations left without a container, and nothing of another install', async () => {
    const github = new OctokitGitHub(
      createOctokit({
        baseUrl: sim.apiUrl,
        auth: TOKEN,
        userAgent: 'gha-ephemeral-tests',
        logger: createSilentLogger(),
      }),
    );
    const register = async (id: string) => {
      const name = makeRunnerName('octo/hello', id);
      const jit = await github.generateJitConfig(scope, {
        name,
        labels: ['self-hosted'],
        runnerGroupId: 1,
      });
      return { name, githubRunnerId: jit.runner.id };
    };
    // A crash after the container was created, before it was started.
    const unstarted = await register(orchestratorId);
    const container = await docker.createContainer({
      Image: STAND_IN_RUNNER_IMAGE,
      name: unstarted.name,
      Labels: encodeRunnerLabels(
        {
          id: unstarted.name,
          scope: 'repository',
          target: 'octo/hello',
          labels: ['self-hosted'],
          jobId: null,
          pool: 'default',
          githubRunnerId: unstarted.githubRunnerId,
        },
        orchestratorId,
      ),
    });
    // A crash after the just-in-time registration, before the container was created.
    const orphan = await register(orchestratorId);
    // Another install's registration, whose container runs elsewhere.
    const foreign = await register(otherId);

    // Automatic mode off (the default): the upkeep runs anyway, at once on start.
    h = await startHarness({ ORCHESTRATOR_ID: orchestratorId }, { sim });
    await waitFor(() => containerGone(container.id), {
      timeoutMs: 20_000,
      message: 'the container left in "created" was not removed',
    });
    await waitFor(
      () =>
        sim.control.getRunnerByName(unstarted.name) === undefined &&
        sim.control.getRunnerByName(orphan.name) === undefined,
      { timeoutMs: 20_000, message: 'registrations without a running container were left behind' },
    );
    expect(sim.control.getRunnerByName(foreign.name)?.name).toBe(foreign.name);
    expect(await h.orchestrator.runners.list()).toEqual([]);
  });
});
