import { describe, expect, it } from 'vitest';
import {
  compileTemplate,
  fillTemplate,
  fillText,
  JIT_TEMPLATE,
  MYOUNG34_TEMPLATE,
  type PlaceholderValues,
} from './template.js';
import { SAMPLE_VALUES } from './testing/placeholder-values.js';

const values: PlaceholderValues = SAMPLE_VALUES;

describe('compileTemplate', () => {
  it('uses the just-in-time template, run.sh as entry point, when no runnerenv_ variable is set', () => {
    const { template } = compileTemplate({});
    expect(template?.env).toEqual(JIT_TEMPLATE);
    expect(template?.entrypoint).toEqual(['/actions-runner/run.sh']);
    expect(template?.source).toMatch(/built-in/);
    // No registration token ever enters a container of the built-in template.
    expect(template?.uses.has('registration_token')).toBe(false);
    expect(template?.uses.has('jit_config')).toBe(true);
  });

  it("keeps the image's entry point for runnerenv_ templates unless RUNNER_ENTRYPOINT is given", () => {
    expect(compileTemplate({ RUNNER_TOKEN: '{registration_token}' }).template?.entrypoint).toBeNull();
    const given = compileTemplate({}, [], ['/bin/run', '{runner_name}']);
    expect(given.template?.entrypoint).toEqual(['/bin/run', '{runner_name}']);
    expect(given.template?.uses.has('runner_name')).toBe(true);
    expect(compileTemplate({}, [], ['{nope}']).problems[0]?.variable).toBe('RUNNER_ENTRYPOINT');
  });

  it('takes the runnerenv_ variables as the whole template once one is set', () => {
    const { template } = compileTemplate({ ACTIONS_RUNNER_INPUT_JITCONFIG: '{jit_config}' });
    expect(template?.env).toEqual({ ACTIONS_RUNNER_INPUT_JITCONFIG: '{jit_config}' });
    expect([...(template?.uses ?? [])]).toEqual(['jit_config']);
  });

  it('reports every unknown placeholder with the variable it is in and the known ones', () => {
    const { template, problems } = compileTemplate({ A: '{runner_nam}', B: 'x-{repo}-{labels}' });
    expect(template).toBeNull();
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatchObject({
      variable: 'runnerenv_A',
      message: expect.stringContaining('{runner_nam}'),
    });
    expect(problems[0]?.message).toContain('runner_name');
    expect(problems[1]).toMatchObject({
      variable: 'runnerenv_B',
      message: expect.stringContaining('placeholder {repo}'),
    });
  });

  it('checks placeholders in the command words too', () => {
    const { problems } = compileTemplate({}, ['/home/runner/run.sh', '--jitconfig', '{jitconfig}']);
    expect(problems[0]).toMatchObject({
      variable: 'RUNNER_COMMAND',
      message: expect.stringContaining('{jitconfig}'),
    });
  });

  it('refuses a template that asks for both a registration token and a JIT config', () => {
    const { problems } = compileTemplate({ RUNNER_TOKEN: '{registration_token}', JIT: '{jit_config}' });
    expect(problems[0]?.message).toMatch(/both \{registration_token\} and \{jit_config\}/);
  });

  it('refuses variable names a container cannot have', () => {
    const { problems } = compileTemplate({ 'BAD-NAME': 'x' });
    expect(problems[0]?.message).toContain('not a valid environment variable name');
  });

  it('leaves JSON-looking values alone', () => {
    const { template, problems } = compileTemplate({ CONFIG: '{"a": 1}' });
    expect(problems).toEqual([]);
    expect(template?.env.CONFIG).toBe('{"a": 1}');
  });
});

describe('fillTemplate', () => {
  it('fills the registration-token preset into a working myoung34 environment for a repository', () => {
    const { template } = compileTemplate({ ...MYOUNG34_TEMPLATE });
    const env = fillTemplate(template!, values);
    expect(env).toMatchObject({
      RUNNER_SCOPE: 'repo',
      REPO_URL: 'https://github.com/octo/hello',
      ORG_NAME: 'octo',
      GITHUB_HOST: 'github.com',
      RUNNER_NAME: 'gha-octo-hello-abcd1234',
      RUNNER_TOKEN: 'REGTOKEN123',
      LABELS: 'gpu,big',
      EPHEMERAL: 'true',
      DISABLE_AUTO_UPDATE: 'true',
      UNSET_CONFIG_VARS: 'true',
    });
  });

  it('drops variables that fill to nothing so the image default applies', () => {
    const { template } = compileTemplate({ LABELS: '{labels}', NAME: '{runner_name}' });
    expect(fillTemplate(template!, { ...values, labels: '' })).toEqual({ NAME: values.runner_name });
  });

  it('fills several placeholders in one value', () => {
    expect(fillText('{repo_owner}-{repo_name}@{hostname}/{timestamp}', values)).toBe(
      'octo-hello@host-1/1700000000',
    );
  });
});
