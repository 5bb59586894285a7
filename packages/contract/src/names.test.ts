import { describe, expect, it } from 'vitest';
import { CreateRunnersRequest } from './runner.js';
import { Label, LABEL_MAX_LENGTH } from './names.js';

describe('runner labels as GitHub allows them', () => {
  it.each(['gpu', 'self-hosted', 'X64', 'ubuntu-22.04', 'gpu_a100', '7zip', 'x'.repeat(LABEL_MAX_LENGTH)])(
    'takes %s',
    (label) => {
      expect(Label.safeParse(label).success).toBe(true);
    },
  );

  it.each([
    ['a shell command list', 'gpu;curl x|sh'],
    ['a command substitution', '$(id)'],
    ['backquotes', '`id`'],
    ['a newline', 'gpu\nEVIL=1'],
    ['an assignment', 'a=b'],
    ['a variable', '$HOME'],
    ['a quote', "it's"],
    ['a redirection', 'a>b'],
    ['a glob', 'gpu*'],
    ['a leading hyphen (an option)', '--help'],
    ['a comma (the list separator)', 'gpu,arm'],
    ['a space', 'my gpu'],
    ['a NUL', 'gpu\u0000'],
    ['a non-ASCII letter', 'gpü'],
    ['257 characters', 'x'.repeat(LABEL_MAX_LENGTH + 1)],
    ['nothing', ''],
  ])('refuses %s, saying what a label may hold', (_name, label) => {
    const parsed = CreateRunnersRequest.safeParse({ organization: 'octo', labels: [label] });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.message).toMatch(
      /1-256 ASCII letters, digits, "\.", "_" or "-", starting with a letter or digit/,
    );
  });
});
