import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '@gha-ephemeral/logging';
import { describe, expect, it } from 'vitest';
import { ScopeJournal, scopeJournalFile } from './scope-journal.js';

const { logger } = createLogger({ service: 'test', level: 'ERROR', format: 'json' });
const repo = { kind: 'repository', owner: 'octo', repo: 'app' } as const;
const org = { kind: 'organization', org: 'acme' } as const;

describe('ScopeJournal', () => {
  it('keeps the scopes across a restart, per orchestrator id', () => {
    const dir = mkdtempSync(join(tmpdir(), 'journal-'));
    new ScopeJournal(dir, 'one', logger).remember(repo);
    new ScopeJournal(dir, 'two', logger).remember(org);
    expect(new ScopeJournal(dir, 'one', logger).scopes()).toEqual([repo]);
    expect(new ScopeJournal(dir, 'two', logger).scopes()).toEqual([org]);
  });

  it('forgets a scope two days after its last runner, and writes a used scope at most hourly', () => {
    const dir = mkdtempSync(join(tmpdir(), 'journal-'));
    let now = 0;
    const journal = new ScopeJournal(dir, 'id', logger, () => now);
    journal.remember(repo);
    const file = join(dir, scopeJournalFile('id'));
    const first = readFileSync(file, 'utf8');
    now = 60_000;
    journal.remember(repo);
    expect(readFileSync(file, 'utf8')).toBe(first);
    now = 2 * 86_400_000 + 60_001;
    expect(journal.scopes()).toEqual([]);
    expect(new ScopeJournal(dir, 'id', logger, () => now).scopes()).toEqual([]);
  });

  it("hands out the scopes read back once, then only this process's own", () => {
    const dir = mkdtempSync(join(tmpdir(), 'journal-'));
    new ScopeJournal(dir, 'id', logger).remember(repo);
    const restarted = new ScopeJournal(dir, 'id', logger);
    expect(restarted.scopes()).toEqual([repo]);
    expect(restarted.scopes()).toEqual([]);
    restarted.remember(org);
    expect(restarted.scopes()).toEqual([org]);
  });

  it('starts afresh from an unreadable file, and works in memory without a directory', () => {
    const dir = mkdtempSync(join(tmpdir(), 'journal-'));
    writeFileSync(join(dir, scopeJournalFile('id')), '{"scopes": [{"kind": "planet"');
    expect(new ScopeJournal(dir, 'id', logger).scopes()).toEqual([]);
    const memory = new ScopeJournal(null, 'id', logger);
    memory.remember(org);
    expect(memory.scopes()).toEqual([org]);
  });
});
