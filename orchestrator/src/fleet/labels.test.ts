import { isAppError } from '@gha-ephemeral/contract';
import { describe, expect, it } from 'vitest';
import { deriveRunnerLabels, ensureValidLabels, mergeLabels } from './labels.js';

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

describe('hostile labels', () => {
  const HOSTILE = [
    'gpu;curl x|sh',
    '$(id)',
    '`id`',
    'gpu\nEVIL=1',
    'a=b',
    'x'.repeat(257),
    '-rf',
    "it's",
    'a b',
  ];

  it.each(HOSTILE.map((label) => [JSON.stringify(label).slice(0, 30), label]))(
    'refuses %s with a 400 that says what a label may hold',
    (_name, label) => {
      let thrown: unknown;
      try {
        deriveRunnerLabels({ configured: [], requested: ['gpu', label], noDefaultLabels: false });
      } catch (error) {
        thrown = error;
      }
      expect(isAppError(thrown) && { code: thrown.code, status: thrown.statusCode }).toEqual({
        code: 'request.invalid',
        status: 400,
      });
      expect((thrown as Error).message).toMatch(/ASCII letters, digits, "\.", "_" or "-"/);
    },
  );

  it("takes labels at GitHub's 256-character limit and the usual shapes", () => {
    const labels = ['x'.repeat(256), 'ubuntu-22.04', 'gpu_a100', 'X64', '7zip'];
    expect(() => ensureValidLabels(labels)).not.toThrow();
  });
});
