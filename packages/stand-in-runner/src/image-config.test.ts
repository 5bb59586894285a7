import { describe, expect, it } from 'vitest';
import { planFromImageInput } from './image-config.js';

const CMD = ['./bin/Runner.Listener', 'run', '--startuptype', 'service'];

describe('planFromImageInput', () => {
  it('configures a repo runner from the myoung34 variables under the default CMD', () => {
    const plan = planFromImageInput(CMD, {
      REPO_URL: 'http://127.0.0.1:3000/acme/app',
      RUNNER_TOKEN: 'T',
      RUNNER_NAME: 'r1',
      LABELS: 'a, b,,c',
      RUNNER_WORKDIR: '/tmp/w',
    });
    expect(plan).toMatchObject({
      kind: 'register',
      url: 'http://127.0.0.1:3000/acme/app',
      tokenApiUrl: 'http://127.0.0.1:3000/api/v3',
      scope: { kind: 'repo', owner: 'acme', repo: 'app' },
      name: 'r1',
      labels: ['a', 'b', 'c'],
      ephemeral: false,
      noDefaultLabels: false,
      workFolder: '/tmp/w',
      runnerGroup: 'Default',
      exitTrap: true,
      unsetConfigVars: false,
    });
  });

  it('treats ANY non-empty EPHEMERAL or NO_DEFAULT_LABELS as on, like the real image', () => {
    const env = {
      REPO_URL: 'https://github.com/o/r',
      RUNNER_TOKEN: 'T',
      EPHEMERAL: 'false',
      NO_DEFAULT_LABELS: '0',
    };
    expect(planFromImageInput(CMD, env)).toMatchObject({
      ephemeral: true,
      noDefaultLabels: true,
      tokenApiUrl: 'https://api.github.com',
    });
    expect(planFromImageInput(CMD, { ...env, EPHEMERAL: '', NO_DEFAULT_LABELS: '' })).toMatchObject({
      ephemeral: false,
      noDefaultLabels: false,
    });
  });

  it('defaults the name from RUNNER_NAME_PREFIX, the labels to "default", the work folder from the name', () => {
    const plan = planFromImageInput([], {
      REPO_URL: 'https://github.com/o/r',
      ACCESS_TOKEN: 'A',
      RUNNER_NAME_PREFIX: 'ci',
    });
    expect(plan.kind).toBe('register');
    if (plan.kind !== 'register') return;
    expect(plan.name).toMatch(/^ci-[A-Za-z0-9]{13}$/);
    expect(plan.labels).toEqual(['default']);
    expect(plan.workFolder).toBe(`/_work/${plan.name}`);
    expect(plan.accessToken).toBe('A');
  });

  it('builds an org URL from GITHUB_HOST with https always, as the entrypoint strips any scheme', () => {
    expect(
      planFromImageInput(CMD, {
        RUNNER_SCOPE: 'org',
        ORG_NAME: 'acme',
        RUNNER_TOKEN: 'T',
        GITHUB_HOST: 'http://127.0.0.1:3000/',
      }),
    ).toMatchObject({
      url: 'https://127.0.0.1:3000/acme',
      tokenApiUrl: 'https://127.0.0.1:3000/api/v3',
      scope: { kind: 'org', org: 'acme' },
    });
    expect(
      planFromImageInput(CMD, {
        RUNNER_SCOPE: 'ORG',
        ORG_NAME: 'acme',
        RUNNER_TOKEN: 'T',
        GITHUB_HOST: 'ghe.example.com',
      }),
    ).toMatchObject({
      url: 'https://ghe.example.com/acme',
      tokenApiUrl: 'https://ghe.example.com/api/v3',
    });
    expect(
      planFromImageInput(CMD, { RUNNER_SCOPE: 'org', ORG_NAME: 'acme', RUNNER_TOKEN: 'T' }),
    ).toMatchObject({ url: 'https://github.com/acme' });
  });

  it('takes RUNNER_LABELS before LABELS, and honours DISABLE_AUTOMATIC_DEREGISTRATION and UNSET_CONFIG_VARS as the entrypoint does', () => {
    const env = { REPO_URL: 'https://github.com/o/r', RUNNER_TOKEN: 'T' };
    expect(planFromImageInput(CMD, { ...env, RUNNER_LABELS: 'x', LABELS: 'y' })).toMatchObject({
      labels: ['x'],
    });
    expect(planFromImageInput(CMD, { ...env, DISABLE_AUTOMATIC_DEREGISTRATION: 'true' })).toMatchObject({
      exitTrap: false,
    });
    // The trap is set only when the value is exactly "false" (or empty, the default).
    expect(planFromImageInput(CMD, { ...env, DISABLE_AUTOMATIC_DEREGISTRATION: '' })).toMatchObject({
      exitTrap: true,
    });
    expect(planFromImageInput(CMD, { ...env, UNSET_CONFIG_VARS: 'true' })).toMatchObject({
      unsetConfigVars: true,
    });
  });

  it('runs a JIT runner from run.sh --jitconfig (as the CMD or run directly) or from the environment', () => {
    expect(planFromImageInput(['/home/runner/run.sh', '--jitconfig', 'J'], {})).toEqual({
      kind: 'jit',
      jitConfig: 'J',
    });
    expect(planFromImageInput(['run.sh', '--jitconfig=J2'], {})).toEqual({ kind: 'jit', jitConfig: 'J2' });
    expect(planFromImageInput(CMD, { ACTIONS_RUNNER_INPUT_JITCONFIG: 'J3', REPO_URL: 'x' })).toEqual({
      kind: 'jit',
      jitConfig: 'J3',
    });
    expect(planFromImageInput(['/home/runner/run.sh', '--jitconfig'], {})).toMatchObject({ kind: 'error' });
    expect(planFromImageInput(['/actions-runner/run.sh'], { ACTIONS_RUNNER_INPUT_JITCONFIG: 'J4' })).toEqual({
      kind: 'jit',
      jitConfig: 'J4',
    });
  });

  it('reports missing configuration and runs other commands as they are', () => {
    expect(planFromImageInput(CMD, {})).toEqual({
      kind: 'error',
      message: 'REPO_URL required for repo runners',
    });
    expect(planFromImageInput(CMD, { REPO_URL: 'https://github.com/o/r' })).toMatchObject({
      kind: 'error',
      message: 'RUNNER_TOKEN, ACCESS_TOKEN or APP_ID required',
    });
    expect(planFromImageInput(CMD, { REPO_URL: 'https://github.com/o/r', APP_ID: '1' })).toMatchObject({
      kind: 'error',
    });
    const withApp = {
      REPO_URL: 'https://github.com/o/r',
      APP_ID: '1',
      APP_PRIVATE_KEY: 'a\\nb',
      APP_LOGIN: 'o',
    };
    expect(planFromImageInput(CMD, withApp)).toMatchObject({
      kind: 'register',
      app: { appId: '1', privateKey: 'a\nb', login: 'o' },
    });
    expect(planFromImageInput(CMD, { RUNNER_SCOPE: 'org', RUNNER_TOKEN: 'T' })).toMatchObject({
      kind: 'error',
    });
    expect(planFromImageInput(CMD, { RUNNER_SCOPE: 'bogus', RUNNER_TOKEN: 'T' })).toMatchObject({
      kind: 'error',
    });
    expect(planFromImageInput(['sh', '-c', 'echo hi'], {})).toEqual({
      kind: 'exec',
      command: ['sh', '-c', 'echo hi'],
    });
  });
});
