import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// Relative imports: github-sim depends on this package, so this package cannot depend back on it.
import { startGitHubSim } from '../../github-sim/src/index.js';
import type { GitHubSim } from '../../github-sim/src/index.js';
import { ensureTrustingRunnerImage, issueServerCertificate, testCa } from '../../testkit/src/index.js';
import { IMAGE, docker, logsOf, removeOurContainers, startContainer, waitExit } from './docker.js';
import { ACCESS_TOKEN, jitConfig, registrationToken, waitOnline } from './sim-helpers.js';

describe('stand-in runner image', () => {
  let sim: GitHubSim;
  /** Organization runners need HTTPS: the image always registers them at https://GITHUB_HOST/ORG. */
  let tlsSim: GitHubSim;
  /** The image with the run's test CA in its trust store. */
  let trusting: string;

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
    tlsSim = await startGitHubSim({
      host: '127.0.0.1',
      tokens: { [ACCESS_TOKEN]: { login: 'alice' } },
      tls: await issueServerCertificate(testCa()),
    });
    for (const s of [sim, tlsSim]) {
      s.control.createOrg({ login: 'acme', members: ['alice'] });
      s.control.createRepo({ owner: 'acme', name: 'app' });
    }
    trusting = await ensureTrustingRunnerImage();
  }, 300_000);

  afterAll(async () => {
    await removeOurContainers();
    await sim?.close();
    await tlsSim?.close();
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

  it('mints its own token with ACCESS_TOKEN for an org runner found through GITHUB_HOST, over HTTPS', async () => {
    const { jobId } = tlsSim.control.queueJob({ repo: 'acme/app', labels: ['org-image'], durationMs: 200 });
    const id = await startContainer({
      image: trusting,
      env: {
        RUNNER_SCOPE: 'org',
        ORG_NAME: 'acme',
        GITHUB_HOST: tlsSim.url.replace(/^https:\/\//, ''),
        ACCESS_TOKEN,
        RUNNER_NAME_PREFIX: 'orgr',
        LABELS: 'org-image',
        EPHEMERAL: '1',
      },
    });
    expect(await waitExit(id)).toBe(0);
    expect(tlsSim.control.getJob(jobId)?.runnerName).toMatch(/^orgr-/);
    expect(await logsOf(id)).not.toContain(ACCESS_TOKEN);
  });

  it('registers an org runner at https:// even when GITHUB_HOST says http://, so a plain-http server fails it', async () => {
    const token = await registrationToken(sim, '/orgs/acme');
    const id = await startContainer({
      env: {
        RUNNER_SCOPE: 'org',
        ORG_NAME: 'acme',
        GITHUB_HOST: sim.url,
        RUNNER_TOKEN: token,
        RUNNER_NAME: 'plain',
      },
    });
    expect(await waitExit(id)).toBe(1);
    expect(await logsOf(id)).toContain(
      `POST ${sim.url.replace('http:', 'https:')}/api/v3/actions/runner-registration`,
    );
    expect(sim.control.getRunnerByName('plain')).toBeUndefined();
  }, 60_000);

  it('mints an installation token as a GitHub App (APP_ID, APP_PRIVATE_KEY, APP_LOGIN)', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    tlsSim.control.addApp({
      id: 31337,
      publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      installations: [{ id: 9, account: 'acme' }],
    });
    const { jobId } = tlsSim.control.queueJob({ repo: 'acme/app', labels: ['app-image'], durationMs: 200 });
    const pem = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
    const id = await startContainer({
      image: trusting,
      env: {
        RUNNER_SCOPE: 'org',
        ORG_NAME: 'acme',
        GITHUB_HOST: tlsSim.url,
        APP_ID: '31337',
        APP_PRIVATE_KEY: pem,
        APP_LOGIN: 'acme',
        RUNNER_NAME: 'app-runner',
        LABELS: 'app-image',
        EPHEMERAL: 'yes',
      },
    });
    expect(await waitExit(id)).toBe(0);
    expect(tlsSim.control.getJob(jobId)).toMatchObject({ conclusion: 'success', runnerName: 'app-runner' });
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

  it('on SIGTERM runs the entrypoint trap: exit 1, deregistered only while the token is still set; no trap with DISABLE_AUTOMATIC_DEREGISTRATION', async () => {
    const cases = {
      'trap-token': { env: {}, exit: 1, registered: false },
      'trap-unset': { env: { UNSET_CONFIG_VARS: 'true' }, exit: 1, registered: true },
      'no-trap': {
        env: { UNSET_CONFIG_VARS: 'true', DISABLE_AUTOMATIC_DEREGISTRATION: 'true' },
        exit: 143,
        registered: true,
      },
    };
    await Promise.all(
      Object.entries(cases).map(async ([name, expected]) => {
        const env = { REPO_URL: `${sim.url}/acme/app`, RUNNER_NAME: name, LABELS: 'idle', ...expected.env };
        const id = await startContainer({
          env: { ...env, RUNNER_TOKEN: await registrationToken(sim, '/repos/acme/app') },
        });
        await waitOnline(sim, name);
        await docker(['stop', '-t', '10', id]);
        expect(await waitExit(id), name).toBe(expected.exit);
        expect(sim.control.getRunnerByName(name) !== undefined, name).toBe(expected.registered);
        const logs = await logsOf(id);
        expect(logs.includes('Caught SIGTERM - Deregistering runner'), name).toBe(expected.exit === 1);
        expect(logs.includes('Runner removed successfully'), name).toBe(!expected.registered);
      }),
    );
  });

  it('runs run: steps with sh as root and concludes from their exit status; registers "default" without LABELS', async () => {
    const id = await startContainer({
      env: {
        REPO_URL: `${sim.url}/acme/app`,
        RUNNER_TOKEN: await registrationToken(sim, '/repos/acme/app'),
        RUNNER_NAME: 'stepper',
        EPHEMERAL: 'true',
        UNSET_CONFIG_VARS: 'true',
      },
    });
    await waitOnline(sim, 'stepper');
    expect(sim.control.getRunnerByName('stepper')?.labels).toEqual([
      'self-hosted',
      'Linux',
      'X64',
      'default',
    ]);
    const { jobId } = sim.control.queueJob({
      repo: 'acme/app',
      labels: ['self-hosted', 'default'],
      steps: [
        'echo "uid=$(id -u)"',
        'env | grep -q "^RUNNER_TOKEN=" || echo no-token-in-env',
        'exit 3',
        'echo never',
      ],
    });
    expect(await waitExit(id)).toBe(0);
    expect(sim.control.getJob(jobId)).toMatchObject({ conclusion: 'failure', runnerName: 'stepper' });
    const log = sim.control.getJobLog(jobId) ?? '';
    expect(log).toContain('uid=0');
    expect(log).toMatch(/^no-token-in-env$/m);
    expect(log).toContain('Process completed with exit code 3.');
    expect(log).not.toMatch(/^never$/m);
  });

  it('runs a JIT config with /actions-runner/run.sh as the entrypoint; only the runner process holds it', async () => {
    const config = await jitConfig(sim, 'layout-jit', ['layout-jit']);
    const scan = [
      'env | grep -q "^ACTIONS_RUNNER_INPUT" || echo "step env: clean"',
      'for e in /proc/[0-9]*/environ; do',
      '  if tr "\\0" "\\n" < "$e" 2>/dev/null | grep -q "^ACTIONS_RUNNER_INPUT_JITCONFIG="; then',
      '    echo "holder: $(tr "\\0" " " < "${e%/environ}/cmdline")"',
      '  fi',
      'done',
    ].join('\n');
    const { jobId } = sim.control.queueJob({ repo: 'acme/app', labels: ['layout-jit'], steps: [scan] });
    const id = await startContainer({
      entrypoint: '/actions-runner/run.sh',
      env: { ACTIONS_RUNNER_INPUT_JITCONFIG: config },
    });
    expect(await waitExit(id)).toBe(0);
    expect(sim.control.getJob(jobId)).toMatchObject({ conclusion: 'success', runnerName: 'layout-jit' });
    const log = sim.control.getJobLog(jobId) ?? '';
    expect(log).toMatch(/^step env: clean$/m);
    expect(log.match(/^holder: .*$/gm)).toEqual([expect.stringContaining('main.js /actions-runner/run.sh')]);
    expect(await logsOf(id)).not.toContain(config);
  });
});
