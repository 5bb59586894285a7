import { randomBytes } from 'node:crypto';
import {
  closeSync,
  fsyncSync,
  linkSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';

/** The file, in the state directory, that holds this install's id. */
export const ORCHESTRATOR_ID_FILE = 'orchestrator-id';

/**
 * What an orchestrator id may be. It is the value of the `gha-ephemeral.orchestrator` label and of Docker label
 * filters, the `{orchestrator_id}` placeholder (which a template may put into a runner's name: GitHub takes at most
 * 64 characters there), and it is hashed into the tag that ends every runner name (naming.ts), so any id gives a
 * valid runner name. Host names fit.
 */
export const ORCHESTRATOR_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

/** What {@link ORCHESTRATOR_ID_PATTERN} wants, in words. */
export const ORCHESTRATOR_ID_RULE = "1-63 letters, digits, '.', '_' or '-', starting with a letter or digit";

/** Where this install's state is kept by default: `$XDG_STATE_HOME/gha-ephemeral`, else `~/.local/state/gha-ephemeral`. */
export function defaultStateDir(env: Readonly<Record<string, string | undefined>>): string {
  // The XDG base directory rules: a relative XDG_STATE_HOME is ignored.
  const xdg = env.XDG_STATE_HOME?.trim();
  if (xdg && isAbsolute(xdg)) return join(xdg, 'gha-ephemeral');
  const home = env.HOME?.trim() || homedir();
  return join(home, '.local', 'state', 'gha-ephemeral');
}

/** A fresh id: `gha-` and 8 random hex digits. */
export function newOrchestratorId(bytes: (size: number) => Buffer = randomBytes): string {
  return `gha-${bytes(4).toString('hex')}`;
}

/** This install's id, and whether this start made it. */
export interface StoredOrchestratorId {
  id: string;
  /** The file it is kept in. */
  file: string;
  created: boolean;
}

function errorCode(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code ?? (error as Error).message;
}

function unusable(file: string, error: unknown): Error {
  return new Error(
    `cannot keep this orchestrator's id in ${file} (${errorCode(error)}): make ORCHESTRATOR_STATE_DIR a ` +
      'directory this user can write that outlives the container or process (in compose: the orchestrator-state ' +
      'volume), or set ORCHESTRATOR_ID',
  );
}

/** The id in `file`; null when there is no file yet. */
function readStoredId(file: string): string | null {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw unusable(file, error);
  }
  const id = text.trim();
  if (!ORCHESTRATOR_ID_PATTERN.test(id)) {
    // Never replaced silently: runners labelled with the old id would no longer be found.
    throw new Error(
      `${file} does not hold an orchestrator id (${ORCHESTRATOR_ID_RULE}): set ORCHESTRATOR_ID, or remove the ` +
        'file to make a new id (runners started under the old one are then no longer managed)',
    );
  }
  return id;
}

/**
 * Puts `text` into `file` only if the file does not exist yet, all at once: written and flushed under another name,
 * then linked into place, which fails if another process got there first. False when the file exists.
 */
function publishOnce(file: string, text: string): boolean {
  const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    const fd = openSync(temporary, 'wx', 0o644);
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    try {
      linkSync(temporary, file);
      return true;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') return false;
      if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'ENOSYS') throw error;
    }
    // A file system without hard links: an exclusive create is the next best thing.
    try {
      writeFileSync(file, text, { flag: 'wx', mode: 0o644 });
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw error;
    }
  } finally {
    rmSync(temporary, { force: true });
  }
}

/**
 * This install's orchestrator id, kept in `dir` ({@link ORCHESTRATOR_ID_FILE}): read when it is there, made and
 * written on the first start. Two processes starting together on one directory end up with the same id. Throws an
 * `Error` whose message says what to do when the directory cannot be written or the file holds no valid id.
 */
export function ensureOrchestratorId(
  dir: string,
  makeId: () => string = newOrchestratorId,
): StoredOrchestratorId {
  const file = join(dir, ORCHESTRATOR_ID_FILE);
  const stored = readStoredId(file);
  if (stored !== null) return { id: stored, file, created: false };
  const id = makeId();
  try {
    mkdirSync(dir, { recursive: true });
    if (publishOnce(file, `${id}\n`)) return { id, file, created: true };
  } catch (error) {
    throw unusable(file, error);
  }
  // Another process sharing the directory made it first: its id is this install's.
  const theirs = readStoredId(file);
  if (theirs === null) throw unusable(file, new Error('it vanished as it was made'));
  return { id: theirs, file, created: false };
}
