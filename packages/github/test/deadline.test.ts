import type { GitHubSim } from '@gha-ephemeral/github-sim';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { gitHubFor, rejection, startWorld } from './helpers/world.js';

const repo = { owner: 'acme', name: 'app' };
const scope = { kind: 'repository', owner: 'acme', repo: 'app' } as const;

describe('every GitHub request has a deadline of its own', () => {
  let sim: GitHubSim;

  beforeAll(async () => {
    sim = await startWorld();
    sim.control.createRepo({ owner: 'acme', name: 'app' });
  });
  afterAll(async () => sim.close());
  beforeEach(() => {
    sim.control.clearFaults();
    sim.control.resetCounts();
  });

  it('gives up on an answer slower than the deadline, after its retries, with a retryable error that says so', async () => {
    const { github } = gitHubFor(sim, { requestTimeoutMs: 300, retries: 1 });
    sim.control.injectFault({ kind: 'delay', ms: 20_000, count: 2, match: { method: 'GET' } });
    const error = await rejection(github.listWorkflows(repo));
    expect(error.code).toBe('github.unavailable');
    expect(error.retryable).toBe(true);
    expect(error.message).toContain('no answer within 0.3 s');
    // The first attempt and one retry reached GitHub; no third.
    expect(sim.control.requestCounts().total).toBe(2);
  });

  it('bounds writes too, and a call after the slow ones goes through', async () => {
    const { github } = gitHubFor(sim, { requestTimeoutMs: 300, retries: 0 });
    sim.control.injectFault({ kind: 'delay', ms: 20_000, match: { method: 'POST' } });
    const error = await rejection(github.createRegistrationToken(scope));
    expect(error.code).toBe('github.unavailable');
    const token = await github.createRegistrationToken(scope);
    expect(token.token.length).toBeGreaterThan(10);
  });

  it('keeps a cancellation by the caller a cancellation, not a deadline', async () => {
    const { github } = gitHubFor(sim, { requestTimeoutMs: 10_000, retries: 0 });
    sim.control.injectFault({ kind: 'delay', ms: 20_000, match: { method: 'GET' } });
    const controller = new AbortController();
    const call = rejection(github.listWorkflows(repo, { signal: controller.signal }));
    setTimeout(() => controller.abort(), 100);
    const error = await call;
    expect(error.message).not.toContain('no answer within');
  });
});
