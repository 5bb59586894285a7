import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Runner } from '@gha-ephemeral/contract';
import type { GitHubSim } from '@gha-ephemeral/github-sim';
import { removeContainersByLabel, waitFor } from '@gha-ephemeral/testkit';
import Dockerode from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, startHarnessSim, type Harness } from './harness.js';

const docker = new Dockerode();

/**
 * Two installs serving one organization, each set up as the documentation says: no ORCHESTRATOR_ID, a state
 * directory of its own (the compose volume of each host). They share one simulator and, here, one Docker engine.
 */
describe('two installs on one organization, with default ids (real engine, one simulator)', () => {
  let sim: GitHubSim;
  const states = mkdtempSync(join(tmpdir(), 'two-installs-'));
  const stateOf = { a: join(states, 'a'), b: join(states, 'b') };
  const harnesses: Harness[] = [];
  const started: string[] = [];

  /** An install whose id comes from its state directory (the harness's own ORCHESTRATOR_ID is blanked out). */
  async function install(stateDir: string): Promise<Harness> {
    const h = await startHarness(
      {
        ORCHESTRATOR_ID: '',
        ORCHESTRATOR_STATE_DIR: stateDir,
        AUTO_CREATE_RUNNERS: 'true',
        RUNNER_CHECK_INTERVAL: '3600',
        RUNNER_PURGE_INTERVAL: '3600',
        // Short, so that an install's purge removes the idle runners it takes for its own within the test.
        RUNNER_IDLE_TIMEOUT: '5',
      },
      { sim, autoCheck: false, tls: true },
    );
    harnesses.push(h);
    return h;
  }

  async function createRunner(h: Harness): Promise<string> {
    const response = await h.orchestrator.app.inject({
      method: 'POST',
      url: '/api/v1/runners',
      payload: { organization: 'acme' },
    });
    expect(response.statusCode).toBe(201);
    const id = response.json<{ runners: Runner[] }>().runners[0]!.id;
    started.push(id);
    await waitFor(() => sim.control.getRunnerByName(id)?.status === 'online', {
      timeoutMs: 30_000,
      message: `runner ${id} never came online`,
    });
    return id;
  }

  async function listed(h: Harness): Promise<string[]> {
    const response = await h.orchestrator.app.inject({ method: 'GET', url: '/api/v1/runners' });
    return response.json<{ runners: Runner[] }>().runners.map((runner) => runner.id);
  }

  async function containerState(runnerId: string): Promise<string | undefined> {
    const [container] = await docker.listContainers({
      all: true,
      filters: { label: [`gha-ephemeral.runner=${runnerId}`] },
    });
    return container?.State;
  }

  /** One purge pass, as the purge loop runs it: inactive runners, then orphan registrations. */
  async function purge(h: Harness): Promise<void> {
    const auto = h.orchestrator.auto!;
    await auto.reconciler.reconcile(() => auto.book.demand(), { purgeOrphans: true, removalsOnly: true });
  }

  /**
   * Purges `h` until its own idle runner `own` is gone (container and registration), then twice more: a
   * registration without a container is deleted at its second sighting. Its purge has then had every chance.
   */
  async function purgeUntilGone(h: Harness, own: string): Promise<void> {
    await waitFor(
      async () => {
        await purge(h);
        return sim.control.getRunnerByName(own) === undefined && (await containerState(own)) === undefined;
      },
      { timeoutMs: 30_000, intervalMs: 1000, message: `the purge never removed its own idle runner ${own}` },
    );
    await purge(h);
    await purge(h);
  }

  beforeAll(async () => {
    // Organization scope, so HTTPS as on GitHub (the myoung34 entrypoint registers only at https://).
    sim = await startHarnessSim(true);
    sim.control.createOrg({ login: 'acme', members: ['octo'] });
    sim.control.createRepo({ owner: 'acme', name: 'app' });
  });
  afterAll(async () => {
    for (const h of harnesses) await h.close();
    for (const id of started) await removeContainersByLabel('gha-ephemeral.runner', id);
    await sim?.close();
    rmSync(states, { recursive: true, force: true });
  });

  it("never touch each other's runners, and each finds its own again after a restart", async () => {
    const a = await install(stateOf.a);
    const b = await install(stateOf.b);

    const fromB = await createRunner(b);
    const fromA = await createRunner(a);
    expect(await listed(a)).toEqual([fromA]);
    expect(await listed(b)).toEqual([fromB]);

    // A's purge removes its own idle runner; B's, older still, is neither removed nor taken for an orphan.
    await purgeUntilGone(a, fromA);
    expect(sim.control.getRunnerByName(fromB)?.status).toBe('online');
    expect(await containerState(fromB)).toBe('running');
    expect(await listed(b)).toEqual([fromB]);

    // And the other way round.
    const keptByA = await createRunner(a);
    await purgeUntilGone(b, fromB);
    expect(sim.control.getRunnerByName(keptByA)?.status).toBe('online');
    expect(await containerState(keptByA)).toBe('running');

    // A restarted (same state directory): it keeps its id, so it finds its runner and manages it.
    await a.stop();
    harnesses.splice(harnesses.indexOf(a), 1);
    const restarted = await install(stateOf.a);
    expect(await listed(restarted)).toEqual([keptByA]);
    const removed = await restarted.orchestrator.app.inject({
      method: 'DELETE',
      url: `/api/v1/runners/${keptByA}`,
    });
    expect([202, 204]).toContain(removed.statusCode);
    await waitFor(() => sim.control.getRunnerByName(keptByA) === undefined, {
      timeoutMs: 20_000,
      message: 'the restarted install did not remove its runner',
    });
    expect(sim.control.listRunners({ org: 'acme' })).toEqual([]);
  }, 120_000);
});
