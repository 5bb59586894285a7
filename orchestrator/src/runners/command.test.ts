import { describe, expect, it } from 'vitest';
import { splitCommand } from './command.js';

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
