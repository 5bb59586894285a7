import { RUNNER_ID } from '@gha-ephemeral/contract';
import { describe, expect, it } from 'vitest';
import { isOwnRunnerName, makeRunnerName, orchestratorTag, randomSuffix, slugifyTarget } from './naming.js';

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
      const name = makeRunnerName('Some-Org/' + 'x'.repeat(100), 'orchestrator-1');
      expect(name).toMatch(RUNNER_ID);
      expect(name.length).toBeLessThanOrEqual(63);
      names.add(name);
    }
    expect(names.size).toBe(500);
  });

  it('builds the suffix from the random bytes it is given', () => {
    expect(randomSuffix(4, () => Uint8Array.from([0, 1, 35, 36]))).toBe('ab9a');
    expect(makeRunnerName('octo/hello', 'orch', 'zzzzzz')).toBe(
      `gha-octo-hello-${orchestratorTag('orch')}zzzzzz`,
    );
  });

  it('tells its own runner names from those of other orchestrators', () => {
    const mine = makeRunnerName('octo/hello', 'orch-a');
    expect(isOwnRunnerName(mine, 'orch-a')).toBe(true);
    expect(isOwnRunnerName(mine, 'orch-b')).toBe(false);
    expect(isOwnRunnerName('my-hand-made-runner', 'orch-a')).toBe(false);
    expect(orchestratorTag('orch-a')).toMatch(/^[a-z0-9]{4}$/);
    expect(orchestratorTag('orch-a')).toBe(orchestratorTag('orch-a'));
  });
});
