import { isAppError } from '@gha-ephemeral/contract';
import { describe, expect, it } from 'vitest';
import { ensureSafeValues, fillCommand, splitCommand } from './command.js';
import type { Placeholder, PlaceholderValues } from './template.js';
import { SAMPLE_VALUES } from './testing/placeholder-values.js';

describe('splitCommand', () => {
  it.each([
    ['./run.sh', ['./run.sh']],
    [
      '  /home/runner/run.sh   --jitconfig {jit_config} ',
      ['/home/runner/run.sh', '--jitconfig', '{jit_config}'],
    ],
    [`sh -c 'echo "hi there"; exit 3'`, ['sh', '-c', 'echo "hi there"; exit 3']],
    [`a "b c" d\\ e`, ['a', 'b c', 'd e']],
    ['echo $HOME ${USER}', ['echo', '$HOME', '$USER']],
    ['ls *.txt', ['ls', '*.txt']],
    ['', []],
  ])('splits %j like a POSIX shell', (text, words) => {
    expect(splitCommand(text)).toEqual(words);
  });

  it.each([
    ['run.sh; rm -rf /', ';'],
    ['run.sh | tee log', '|'],
    ['run.sh && echo ok', '&&'],
    ['run.sh > out', '>'],
  ])('refuses the shell operator in %j and says how to fix it', (text, op) => {
    expect(() => splitCommand(text)).toThrow(`shell operator "${op}"`);
    expect(() => splitCommand(text)).toThrow(/sh -c/);
  });

  it('refuses a comment that would silently drop words', () => {
    expect(() => splitCommand('run.sh # --jitconfig x')).toThrow(/comment/);
  });
});

describe('filling the command and the environment', () => {
  const values: PlaceholderValues = {
    ...SAMPLE_VALUES,
    registration_token: 'AABBCC123',
    jit_config: 'eyJhIjoxfQ==',
  };
  const all = new Set(Object.keys(values) as Placeholder[]);

  it('fills each word on its own: one word in, one word out', () => {
    const words = splitCommand(`sh -c 'exec ./run.sh --labels {labels}' --jitconfig {jit_config}`);
    const spaced = { ...values, labels: 'a b c' };
    expect(fillCommand(words, spaced)).toEqual([
      'sh',
      '-c',
      'exec ./run.sh --labels a b c',
      '--jitconfig',
      'eyJhIjoxfQ==',
    ]);
  });

  it('takes the values GitHub and this product make', () => {
    expect(() => ensureSafeValues(values, all)).not.toThrow();
  });

  it.each([
    ['labels', 'gpu;curl x|sh'],
    ['labels', '$(id)'],
    ['labels', '`id`'],
    ['labels', 'gpu\nEVIL=1'],
    ['labels', 'a=b'],
    ['labels', 'gpu\u0000'],
    ['repo_name', "x' ; reboot ; '"],
    ['registration_token', 'abc\r\nX=1'],
  ] as const)('refuses to start a runner whose {%s} is %j, naming only the placeholder', (name, value) => {
    let thrown: unknown;
    try {
      ensureSafeValues({ ...values, [name]: value }, all);
    } catch (error) {
      thrown = error;
    }
    expect(isAppError(thrown) && thrown.code).toBe('runner.template_invalid');
    expect((thrown as Error).message).toContain(`{${name}}`);
    expect((thrown as Error).message).not.toContain(value);
  });

  it('checks only the placeholders the template and command use', () => {
    expect(() => ensureSafeValues({ ...values, hostname: 'a;b' }, new Set(['labels']))).not.toThrow();
  });
});
