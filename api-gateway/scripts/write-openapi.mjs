#!/usr/bin/env node
// Writes docs/openapi.json from the code (run after the build: `pnpm --filter @gha-ephemeral/api-gateway openapi:write`).
// With --check it writes nothing and exits 1 when the committed file differs from what the code produces.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildOpenApiDocument, serializeOpenApiDocument, VERSION } from '../dist/index.js';

const target = fileURLToPath(new URL('../docs/openapi.json', import.meta.url));
const text = serializeOpenApiDocument(buildOpenApiDocument({ version: VERSION }));

if (process.argv.includes('--check')) {
  let committed = '';
  try {
    committed = readFileSync(target, 'utf8');
  } catch {
    // A missing file differs like any other.
  }
  if (committed !== text) {
    console.error(
      `${target} is out of date: run pnpm --filter @gha-ephemeral/api-gateway openapi:write and commit it`,
    );
    process.exit(1);
  }
  console.log(`${target} matches the code`);
} else {
  writeFileSync(target, text);
  console.log(`wrote ${target}`);
}
