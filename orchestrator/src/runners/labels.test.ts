import { describe, expect, it } from 'vitest';
import { deriveRunnerLabels, mergeLabels } from './labels.js';

describe('runner labels', () => {
  it('merges case-insensitively, keeping the first spelling', () => {
    expect(mergeLabels(['GPU', 'linux'], ['gpu', ' big ', ''])).toEqual(['GPU', 'linux', 'big']);
  });

  it('adds GitHub defaults to the configured and requested labels', () => {
    expect(
      deriveRunnerLabels({ configured: ['docker'], requested: ['gpu'], noDefaultLabels: false }),
    ).toEqual({
      custom: ['docker', 'gpu'],
      all: ['self-hosted', 'Linux', 'X64', 'docker', 'gpu'],
    });
  });

  it('does not pass default labels as custom ones', () => {
    expect(
      deriveRunnerLabels({ configured: [], requested: ['self-hosted', 'linux', 'x'], noDefaultLabels: false })
        .custom,
    ).toEqual(['x']);
  });

  it('has only the custom labels when defaults are off', () => {
    expect(
      deriveRunnerLabels({ configured: ['self-hosted'], requested: ['a'], noDefaultLabels: true }),
    ).toEqual({
      custom: ['self-hosted', 'a'],
      all: ['self-hosted', 'a'],
    });
  });
});
