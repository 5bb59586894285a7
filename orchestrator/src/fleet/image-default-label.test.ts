import { describe, expect, it } from 'vitest';
import { withImageDefaultLabel } from './labels.js';
import { compileTemplate, MYOUNG34_TEMPLATE } from './template.js';

const DEFAULTS = ['self-hosted', 'Linux', 'X64'];

describe('withImageDefaultLabel', () => {
  const preset = compileTemplate({ ...MYOUNG34_TEMPLATE }).template!;

  it('adds "default" when the myoung34 entrypoint gets an empty LABELS, as GitHub will then list it', () => {
    expect(withImageDefaultLabel({ custom: [], all: DEFAULTS }, preset)).toEqual({
      custom: [],
      all: [...DEFAULTS, 'default'],
    });
  });

  it('leaves the labels alone with custom labels, a just-in-time template or a replaced entrypoint', () => {
    const gpu = { custom: ['gpu'], all: [...DEFAULTS, 'gpu'] };
    expect(withImageDefaultLabel(gpu, preset)).toEqual(gpu);
    const none = { custom: [], all: DEFAULTS };
    const jit = compileTemplate({ ACTIONS_RUNNER_INPUT_JITCONFIG: '{jit_config}' }).template!;
    expect(withImageDefaultLabel(none, jit)).toEqual(none);
    const replaced = compileTemplate({ ...MYOUNG34_TEMPLATE }, [], ['/actions-runner/run.sh']).template!;
    expect(withImageDefaultLabel(none, replaced)).toEqual(none);
    const noLabelsVariable = compileTemplate({ RUNNER_TOKEN: '{registration_token}' }).template!;
    expect(withImageDefaultLabel(none, noLabelsVariable)).toEqual(none);
  });
});
