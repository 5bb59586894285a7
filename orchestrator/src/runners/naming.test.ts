import { RUNNER_ID } from '@gha-ephemeral/contract';
import { describe, expect, it } from 'vitest';
import { makeRunnerName, randomSuffix, slugifyTarget } from './naming.js';

describe('runner naming', () => {
  it.each([
    ['octo/hello', 'octo-hello'],
    ['Octo-Org/My.Repo_Name', 'octo-org-my-repo-name'],
    ['--weird--/..x..', 'weird-x'],
    ['a'.repeat(39) + '/' + 'b'.repeat(100), 'a'.repeat(39)],
  ])('slugifies %s', (target, slug) => {
    expect(slugifyTarget(target)).toBe(slug);
  });

  it('makes names that are valid runner ids, container names and unique', () => {
    const names = new Set<string>();
    for (let i = 0; i < 500; i++) {
      const name = makeRunnerName('Some-Org/' + 'x'.repeat(100));
      expect(name).toMatch(RUNNER_ID);
      expect(name.length).toBeLessThanOrEqual(63);
      names.add(name);
    }
    expect(names.size).toBe(500);
  });

  it('builds the suffix from the random bytes it is given', () => {
    expect(randomSuffix(4, () => Uint8Array.from([0, 1, 35, 36]))).toBe('ab9a');
    expect(makeRunnerName('octo/hello', 'zz')).toBe('gha-octo-hello-zz');
  });
});
