import { runStandInRunner } from '@gha-ephemeral/stand-in-runner';
// A relative import: testkit is not a dependency of the simulator (nothing in src uses it).
import { issueServerCertificate, testCa } from '../../testkit/src/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GitHubSim } from '../src/index.js';
import { TOKENS, octokitFor, startWorld } from './helpers/sim.js';

describe('HTTPS with a test CA, and job steps (in process)', () => {
  let sim: GitHubSim;
  beforeAll(async () => {
    sim = await startWorld({ tls: await issueServerCertificate(testCa()), offlineAfterMs: 2000 });
  });
  afterAll(async () => {
    await sim.close();
  });

  it('serves HTTPS that this process trusts through NODE_EXTRA_CA_CERTS, and no plain HTTP', async () => {
    expect(sim.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const { data } = await octokitFor(sim, TOKENS.alice).actions.createRegistrationTokenForOrg({
      org: 'acme',
    });
    expect(data.token).toEqual(expect.any(String));
    await expect(fetch(`${sim.url.replace('https:', 'http:')}/_sim/health`)).rejects.toThrow();
  });

  it('lets an organization runner register at https://HOST/ORG and run there', async () => {
    const gh = octokitFor(sim, TOKENS.alice);
    const token = (await gh.actions.createRegistrationTokenForOrg({ org: 'acme' })).data.token;
    const controller = new AbortController();
    const running = runStandInRunner({
      mode: 'register',
      url: `${sim.url}/acme`,
      token,
      name: 'tls-org',
      pollWaitMs: 500,
      signal: controller.signal,
    });
    await sim.control.waitFor(
      () => sim.control.getRunnerByName('tls-org', { org: 'acme' })?.status === 'online',
    );
    controller.abort();
    expect((await running).reason).toBe('signal');
  });

  it('takes steps through the control API, writes them into the workflow file, and keeps the log the runner reports', async () => {
    const queued = await fetch(`${sim.url}/_sim/jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        repo: 'acme/app',
        workflowName: 'Steps',
        labels: ['steps-job'],
        steps: [{ name: 'greet', run: 'echo hello-from-step' }, 'exit 7', 'echo not-reached'],
      }),
    });
    expect(queued.status).toBe(201);
    const { jobId } = (await queued.json()) as { jobId: number };
    const file = await octokitFor(sim, TOKENS.alice).repos.getContent({
      owner: 'acme',
      repo: 'app',
      path: '.github/workflows/steps.yml',
    });
    const yaml = Buffer.from((file.data as { content: string }).content, 'base64').toString('utf8');
    expect(yaml).toContain('name: "greet"');
    expect(yaml).toContain('echo hello-from-step');

    const token = (await octokitFor(sim, TOKENS.alice).actions.createRegistrationTokenForOrg({ org: 'acme' }))
      .data.token;
    const result = await runStandInRunner({
      mode: 'register',
      url: `${sim.url}/acme`,
      token,
      name: 'stepper',
      labels: ['steps-job'],
      ephemeral: true,
      workFolder: process.cwd(),
      pollWaitMs: 500,
    });
    expect(result.jobs).toEqual([{ id: jobId, name: 'build', result: 'failed' }]);
    expect(sim.control.getJob(jobId)?.conclusion).toBe('failure');
    const log = await (await fetch(`${sim.url}/_sim/jobs/${jobId}/log`)).text();
    expect(log).toMatch(/^hello-from-step$/m);
    expect(log).toContain('Process completed with exit code 7.');
    expect(log).not.toMatch(/^not-reached$/m);
  });

  it('refuses a step without a script', async () => {
    const res = await fetch(`${sim.url}/_sim/jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ repo: 'acme/app', labels: ['x'], steps: [{ name: 'empty' }] }),
    });
    expect(res.status).toBe(400);
  });
});
