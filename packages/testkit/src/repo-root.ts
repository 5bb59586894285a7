import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// src/ and dist/ sit at the same depth; a few more levels cover any other layout.
const MAX_LEVELS = 8;

/**
 * The repository root (the directory with `pnpm-workspace.yaml`), found from this module's own location so that
 * tests work from any working directory.
 */
export function findRepoRoot(): string {
  let directory = dirname(fileURLToPath(import.meta.url));
  for (let level = 0; level < MAX_LEVELS; level += 1) {
    if (existsSync(join(directory, 'pnpm-workspace.yaml'))) return directory;
    const parent = dirname(directory);
    if (parent === directory) break;
    directory = parent;
  }
  throw new Error(
    `Cannot find the repository root (pnpm-workspace.yaml) above ${fileURLToPath(import.meta.url)}.`,
  );
}
