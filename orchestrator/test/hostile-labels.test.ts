import { isAppError, type ErrorBody } from '@gha-ephemeral/contract';
import Dockerode from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOrchestratorConfig } from '../src/config.js';
import { startHarness, TOKEN, type Harness } from './harness.js';

const docker = new Dockerode();

/** Labels that would run code, add a variable or change a word in `sh -c '… --labels {labels}'`. */
const HOSTILE = ['gpu;curl x|sh', '$(id)', '`id`', 'gpu\nEVIL=1', 'a=b', '--help', 'x'.repeat(300)];
const RULE = /1-256 ASCII letters, digits, "\.", "_" or "-", starting with a letter or digit/;

async function containersOf(orchestratorId: string): Promise<number> {
  const list = await docker.listContainers({
    all: true,
    filters: { label: [`gha-ephemeral.orchestrator=${orchestratorId}`] },
  });
  return list.length;
}

describe('hostile labels start nothing', () => {
  let h: Harness;

  beforeAll(async () => {
    // The shell form the README suggests for images that need a wrapper: the labels land inside a script.
    h = await startHarness({ RUNNER_COMMAND: `sh -c 'echo labels={labels}; exec /entrypoint.sh'` });
    h.sim.control.createRepo({ owner: 'octo', name: 'hello', private: true });
  });
  afterAll(async () => h?.close());

  it.each(HOSTILE.map((label) => [JSON.stringify(label).slice(0, 24), label]))(
    'POST /api/v1/runners with the label %s: 400 saying what a label may hold',
    async (_name, label) => {
      const response = await h.orchestrator.app.inject({
        method: 'POST',
        url: '/api/v1/runners',
        payload: { repository: 'octo/hello', labels: ['gpu', label] },
      });
      expect(response.statusCode).toBe(400);
      expect(response.json<ErrorBody>()).toMatchObject({
        code: 'request.invalid',
        message: expect.stringMatching(RULE),
      });
      expect(await containersOf(h.orchestratorId)).toBe(0);
    },
  );

  it('refuses them in the service too, whatever path they come by, before GitHub or Docker is asked', async () => {
    for (const label of HOSTILE) {
      const attempt = h.orchestrator.runners.create({
        scope: { kind: 'repository', owner: 'octo', repo: 'hello' },
        labels: [label],
        count: 1,
      });
      await expect(attempt).rejects.toSatisfy((error) => isAppError(error) && error.statusCode === 400);
    }
    expect(await containersOf(h.orchestratorId)).toBe(0);
    expect(h.sim.control.listRunners({ repo: 'octo/hello' })).toEqual([]);
  });

  it('refuses them in RUNNER_LABELS at start, saying what a label may hold', () => {
    for (const label of ['gpu;curl x|sh', '$(id)', '`id`', 'a=b']) {
      expect(() =>
        loadOrchestratorConfig({
          GITHUB_RUNNER_TOKEN: TOKEN,
          ORCHESTRATOR_ID: 'hostile',
          RUNNER_LABELS: `gpu,${label}`,
        }),
      ).toThrow(RULE);
    }
  });
});
