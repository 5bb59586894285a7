import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findRepoRoot } from './repo-root.js';

describe('findRepoRoot', () => {
  it('finds the workspace root whatever the working directory', () => {
    const root = findRepoRoot();
    expect(existsSync(join(root, 'pnpm-workspace.yaml'))).toBe(true);
    expect(existsSync(join(root, 'scripts', 'offline-base-images.sh'))).toBe(true);
  });
});
