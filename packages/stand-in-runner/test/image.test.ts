import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// A relative import: github-sim depends on this package, so this package cannot depend back on it.
import { startGitHubSim } from '../../github-sim/src/index.js';
import type { GitHubSim } from '../../github-sim/src/index.js';
import { IMAGE, docker, isRunning, logsOf, removeOurContainers, startContainer, waitExit } from './docker.js';

const ACCESS_TOKEN = 'ghp_image_tests';

async function registrationToken(sim: GitHubSim, path: string): Promise<string> {
  const res = await fetch(`${sim.apiUrl}${path}/actions/runners/registration-token`, {
    method: 'POST',
    headers: { authorization: `token ${ACCESS_TOKEN}` },
  });
  return ((await res.json()) as { token: string }).token;
}

async function jitConfig(sim: GitHubSim, name: string, labels: string[]): Promise<string> {
  const res = await fetch(`${sim.apiUrl}/repos/acme/app/actions/runners/generate-jitconfig`, {
    method: 'POST',
    headers: { authorization: `token ${ACCESS_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name, runner_group_id: 1, labels }),
  });
  return ((await res.json()) as { encoded_jit_config: string }).encoded_jit_config;
}

describe('stand-in runner image', () => {
  let sim: GitHubSim;

  beforeAll(async () => {
    const script = fileURLToPath(new URL('../scripts/build-image.sh', import.meta.url));
    await promisify(execFile)('bash', [script], { timeout: 300_000 });
    expect(await docker(['image', 'inspect', '-f', '{{.Config.Cmd}}', IMAGE])).toBe(
      '[./bin/Runner.Listener run --startuptype service]',
    );
    sim = await startGitHubSim({
      host: '127.0.0.1',
      tokens: { [ACCESS_TOKEN]: { login: 'alice' } },
      offlineAfterMs: 3000,
    });
    sim.control.createOrg({ login: 'acme', members: ['alice'] });
    sim.control.createRepo({ owner: 'acme', name: 'app' });
  }, 300_000);

  afterAll(async () => {
    await removeOurContainers();
    await sim?.close();
  });

  it('registers from myoung34-style variables, runs one job, unregisters and exits 0 (EPHEMERAL=false still means ephemeral)', async () => {
    const token = await registrationToken(sim, '/repos/acme/app');
    const { jobId } = sim.control.queueJob({
      repo: 'acme/app',
      labels: ['self-hosted', 'linux', 'image-a'],
      durationMs: 500,
    });
    const id = await startContainer({
      env: {
        REPO_URL: `${sim.url}/acme/app`,
        RUNNER_TOKEN: token,
        RUNNER_NAME: 'image-repo-runner',
        LABELS: 'image-a,image-b',
        EPHEMERAL: 'false',
        DISABLE_AUTO_UPDATE: '1',
        RUNNER_WORKDIR: '/tmp/work',
      },
    });
    expect(await waitExit(id)).toBe(0);
    expect(sim.control.getJob(jobId)).toMatchObject({
      status: 'completed',
      conclusion: 'success',
      runnerName: 'image-repo-runner',
    });
    expect(sim.control.getRunnerByName('image-repo-runner')).toBeUndefined();
    const logs = await logsOf(id);
    expect(logs).toContain('√ Connected to GitHub');
    expect(logs).toMatch(/Running job: build/);
    expect(logs).toMatch(/Job build completed with result: Succeeded/);
    expect(logs).not.toContain(token);
  });

  it('mints its own token with ACCESS_TOKEN for an org runner found through GITHUB_HOST', async () => {
    const { jobId } = sim.control.queueJob({ repo: 'acme/app', labels: ['org-image'], durationMs: 200 });
    const id = await startContainer({
      env: {
        RUNNER_SCOPE: 'org',
        ORG_NAME: 'acme',
        GITHUB_HOST: sim.url,
        ACCESS_TOKEN,
        RUNNER_NAME_PREFIX: 'orgr',
        LABELS: 'org-image',
        EPHEMERAL: '1',
      },
    });
    expect(await waitExit(id)).toBe(0);
    expect(sim.control.getJob(jobId)?.runnerName).toMatch(/^orgr-/);
    expect(await logsOf(id)).not.toContain(ACCESS_TOKEN);
  });

  it('mints an installation token as a GitHub App (APP_ID, APP_PRIVATE_KEY, APP_LOGIN)', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    sim.control.addApp({
      id: 31337,
      publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      installations: [{ id: 9, account: 'acme' }],
    });
    const { jobId } = sim.control.queueJob({ repo: 'acme/app', labels: ['app-image'], durationMs: 200 });
    const pem = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
    const id = await startContainer({
      env: {
        RUNNER_SCOPE: 'org',
        ORG_NAME: 'acme',
        GITHUB_HOST: sim.url,
        APP_ID: '31337',
        APP_PRIVATE_KEY: pem,
        APP_LOGIN: 'acme',
        RUNNER_NAME: 'app-runner',
        LABELS: 'app-image',
        EPHEMERAL: 'yes',
      },
    });
    expect(await waitExit(id)).toBe(0);
    expect(sim.control.getJob(jobId)).toMatchObject({ conclusion: 'success', runnerName: 'app-runner' });
    expect(await logsOf(id)).not.toContain('PRIVATE KEY');
  });

  it('runs a JIT config given as the replacement CMD (run.sh --jitconfig) while the ENTRYPOINT stays', async () => {
    const config = await jitConfig(sim, 'image-jit', ['jit-image']);
    const { jobId } = sim.control.queueJob({ repo: 'acme/app', labels: ['jit-image'], durationMs: 200 });
    const id = await startContainer({ command: ['/home/runner/run.sh', '--jitconfig', config] });
    expect(await waitExit(id)).toBe(0);
    expect(sim.control.getJob(jobId)).toMatchObject({ conclusion: 'success', runnerName: 'image-jit' });
    expect(sim.control.getRunnerByName('image-jit')).toBeUndefined();
    expect(await logsOf(id)).not.toContain(config);
  });

  it('runs a JIT config from ACTIONS_RUNNER_INPUT_JITCONFIG with run.sh as the entrypoint', async () => {
    const config = await jitConfig(sim, 'image-jit-env', ['jit-env']);
    const { jobId } = sim.control.queueJob({ repo: 'acme/app', labels: ['jit-env'], durationMs: 200 });
    const id = await startContainer({
      entrypoint: '/home/runner/run.sh',
      env: { ACTIONS_RUNNER_INPUT_JITCONFIG: config },
    });
    expect(await waitExit(id)).toBe(0);
    expect(sim.control.getJob(jobId)?.status).toBe('completed');
  });

  it('exits non-zero with a wrong registration token', async () => {
    const id = await startContainer({
      env: { REPO_URL: `${sim.url}/acme/app`, RUNNER_TOKEN: 'AWRONGTOKEN0000', RUNNER_NAME: 'wrong' },
    });
    expect(await waitExit(id)).not.toBe(0);
    const logs = await logsOf(id);
    expect(logs).toContain('Http response code: NotFound');
    expect(logs).not.toContain('AWRONGTOKEN0000');
    expect(sim.control.getRunnerByName('wrong')).toBeUndefined();
  });

  it('closes its session and unregisters on SIGTERM', async () => {
    const token = await registrationToken(sim, '/repos/acme/app');
    const id = await startContainer({
      env: { REPO_URL: `${sim.url}/acme/app`, RUNNER_TOKEN: token, RUNNER_NAME: 'stoppable', LABELS: 'idle' },
    });
    await sim.control.waitFor(() => sim.control.getRunnerByName('stoppable')?.status === 'online', {
      timeoutMs: 30_000,
    });
    await docker(['stop', '-t', '10', id]);
    expect(await isRunning(id)).toBe(false);
    expect(await waitExit(id)).toBe(0);
    expect(sim.control.getRunnerByName('stoppable')).toBeUndefined();
    expect(await logsOf(id)).toContain('Runner removed successfully');
  });
});
