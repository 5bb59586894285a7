import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  defaultStateDir,
  ensureOrchestratorId,
  newOrchestratorId,
  ORCHESTRATOR_ID_FILE,
  ORCHESTRATOR_ID_PATTERN,
} from './orchestrator-id.js';

const TEMP = mkdtempSync(join(tmpdir(), 'orch-id-'));
afterAll(() => rmSync(TEMP, { recursive: true, force: true }));
let dirs = 0;
const freshDir = () => join(TEMP, `install-${(dirs += 1)}`, 'state');

describe('ensureOrchestratorId', () => {
  it('makes the id on the first call (directories included) and reads it back afterwards', () => {
    const dir = freshDir();
    const first = ensureOrchestratorId(dir);
    expect(first).toEqual({
      id: expect.stringMatching(/^gha-[0-9a-f]{8}$/),
      file: join(dir, ORCHESTRATOR_ID_FILE),
      created: true,
    });
    expect(ensureOrchestratorId(dir)).toEqual({ ...first, created: false });
    // Nothing but the id is left behind.
    expect(readdirSync(dir)).toEqual([ORCHESTRATOR_ID_FILE]);
  });

  it('takes the id of a process that made it first on the same directory', () => {
    const dir = freshDir();
    const file = join(dir, ORCHESTRATOR_ID_FILE);
    const result = ensureOrchestratorId(dir, () => {
      // The other process publishes its id between this one's look and its write.
      ensureOrchestratorId(dir, () => 'gha-0therone');
      return 'gha-m1ne0000';
    });
    expect(result).toEqual({ id: 'gha-0therone', file, created: false });
    expect(readFileSync(file, 'utf8')).toBe('gha-0therone\n');
  });

  it('reads an id written by hand, trimmed', () => {
    const dir = freshDir();
    ensureOrchestratorId(dir);
    writeFileSync(join(dir, ORCHESTRATOR_ID_FILE), '  rack-7.ci_runner  \n');
    expect(ensureOrchestratorId(dir).id).toBe('rack-7.ci_runner');
  });
});

describe('ids and where they are kept', () => {
  it('makes ids fit for labels and runner names', () => {
    for (let i = 0; i < 20; i += 1) expect(newOrchestratorId()).toMatch(ORCHESTRATOR_ID_PATTERN);
    expect(newOrchestratorId(() => Buffer.from([0, 1, 254, 255]))).toBe('gha-0001feff');
  });

  it('follows the XDG base directory rules', () => {
    expect(defaultStateDir({ XDG_STATE_HOME: '/var/state', HOME: '/home/ci' })).toBe(
      '/var/state/gha-ephemeral',
    );
    expect(defaultStateDir({ XDG_STATE_HOME: 'state', HOME: '/home/ci' })).toBe(
      '/home/ci/.local/state/gha-ephemeral',
    );
    expect(defaultStateDir({ HOME: '/home/node' })).toBe('/home/node/.local/state/gha-ephemeral');
  });
});
