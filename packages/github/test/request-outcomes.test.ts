import type { GitHubSim } from '@gha-ephemeral/github-sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gitHubFor, startWorld } from './helpers/world.js';

describe('request outcomes (for metrics)', () => {
  let sim: GitHubSim;
  beforeAll(async () => {
    sim = await startWorld();
    sim.control.createRepo({ owner: 'acme', name: 'app' });
  });
  afterAll(async () => sim.close());

  it('counts each attempt as GitHub answered it: 2xx, 304, 4xx, 5xx (and its retry), rate limited, no answer', async () => {
    const { github } = gitHubFor(sim, { retries: 1 });
    const scope = { kind: 'repository', owner: 'acme', repo: 'app' } as const;
    await github.listRunners(scope);
    await github.listRunners(scope);
    await github.listRunners({ kind: 'repository', owner: 'acme', repo: 'missing' }).catch(() => null);
    sim.control.injectFault({ kind: 'error', status: 502, match: { method: 'POST' } });
    await github.createRegistrationToken(scope);
    sim.control.injectFault({ kind: 'reset', match: { method: 'GET' } });
    await github.listWorkflows('acme/app');
    sim.control.injectFault({ kind: 'primary-rate-limit', resetInSeconds: 3600 });
    await github.listWorkflows('acme/app').catch(() => null);
    expect(github.requestStats()).toEqual({
      '2xx': 3,
      '304': 1,
      '4xx': 1,
      '5xx': 1,
      rate_limited: 1,
      network_error: 1,
    });
  });
});
