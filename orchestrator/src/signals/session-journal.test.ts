import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '@gha-ephemeral/logging';
import { afterAll, describe, expect, it } from 'vitest';
import { SessionJournal, sessionJournalFile } from './session-journal.js';

const TEMP = mkdtempSync(join(tmpdir(), 'session-journal-'));
afterAll(() => rmSync(TEMP, { recursive: true, force: true }));
let dirs = 0;
const freshDir = () => join(TEMP, `state-${(dirs += 1)}`);

/** A real logger writing JSON lines into memory. */
function capture() {
  const lines: string[] = [];
  const { logger } = createLogger({
    service: 'test',
    level: 'DEBUG',
    format: 'json',
    destination: { write: (line: string) => lines.push(line) },
  });
  const warnings = () =>
    lines
      .map((line) => JSON.parse(line) as { level: string; msg: string })
      .filter((e) => e.level === 'WARNING');
  return { logger, warnings };
}

describe('SessionJournal', () => {
  it('keeps the sessions for a new instance over the same directory, per orchestrator id', () => {
    const dir = freshDir();
    const { logger, warnings } = capture();
    const first = new SessionJournal(dir, 'orch-a', logger);
    first.opened(7, 'session-7');
    first.opened(8, 'session-8');
    first.closed(8);
    expect(existsSync(join(dir, sessionJournalFile('orch-a')))).toBe(true);
    const after = new SessionJournal(dir, 'orch-a', logger);
    expect(after.get(7)).toBe('session-7');
    expect(after.get(8)).toBeUndefined();
    // Another orchestrator id has a journal of its own.
    expect(new SessionJournal(dir, 'orch-b', logger).get(7)).toBeUndefined();
    after.closed(7);
    expect(new SessionJournal(dir, 'orch-a', logger).get(7)).toBeUndefined();
    expect(warnings()).toEqual([]);
  });

  it('starts fresh from no file, without a word', () => {
    const { logger, warnings } = capture();
    expect(new SessionJournal(freshDir(), 'orch', logger).get(1)).toBeUndefined();
    expect(warnings()).toEqual([]);
  });

  it.each([
    ['not JSON', '{"sessions": {"7": '],
    ['the wrong shape', JSON.stringify({ sessions: { 7: 42 } })],
    ['an empty session id', JSON.stringify({ sessions: { 7: '' } })],
    ['no sessions key', JSON.stringify({ other: true })],
  ])('starts fresh with a warning when the file is unreadable: %s', (_name, text) => {
    const dir = freshDir();
    const { logger, warnings } = capture();
    new SessionJournal(dir, 'orch', logger).opened(1, 'placeholder');
    writeFileSync(join(dir, sessionJournalFile('orch')), text);
    const journal = new SessionJournal(dir, 'orch', logger);
    expect(journal.get(7)).toBeUndefined();
    expect(journal.get(1)).toBeUndefined();
    expect(warnings()).toEqual([
      expect.objectContaining({ msg: expect.stringMatching(/unreadable; starting a new one/) }),
    ]);
    // And it works from there on.
    journal.opened(7, 'session-7');
    expect(new SessionJournal(dir, 'orch', logger).get(7)).toBe('session-7');
  });

  it('keeps the sessions in memory only with no directory', () => {
    const { logger, warnings } = capture();
    const before = readdirSync(TEMP).length;
    const journal = new SessionJournal(null, 'orch', logger);
    journal.opened(3, 'session-3');
    expect(journal.get(3)).toBe('session-3');
    expect(new SessionJournal(null, 'orch', logger).get(3)).toBeUndefined();
    journal.closed(3);
    expect(journal.get(3)).toBeUndefined();
    expect(readdirSync(TEMP).length).toBe(before);
    expect(warnings()).toEqual([]);
  });

  it('goes on in memory when the file cannot be written, warning once', () => {
    const blocker = join(freshDir());
    writeFileSync(blocker, 'a file where the directory should be');
    const { logger, warnings } = capture();
    const journal = new SessionJournal(join(blocker, 'state'), 'orch', logger);
    journal.opened(1, 'session-1');
    journal.opened(2, 'session-2');
    expect(journal.get(1)).toBe('session-1');
    expect(warnings()).toEqual([
      expect.objectContaining({ msg: expect.stringMatching(/cannot keep the scale-set session journal/) }),
    ]);
  });
});
