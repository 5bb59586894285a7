import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Writes `text` to `file` through a temporary file that is flushed, then renamed over it: after a crash or a power
 * cut the file is the old one or the new one, never half of either. Readable by the owner only.
 */
export function writeFileDurably(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  const fd = openSync(temporary, 'w', 0o600);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, file);
}

/**
 * A JSON state file as written by {@link writeFileDurably}: its value, `undefined` when there is no such file (or it
 * cannot be read), `null` when it holds no JSON (the caller starts afresh and says so).
 */
export function readJsonFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

/**
 * A JSON state file kept across restarts: read once, written whole and durably. A write that fails is reported to
 * `onFailure` once per streak of failures (a full disk must not flood the log), and the process goes on without it.
 * `file` null keeps nothing (memory only).
 */
export class StateFile {
  readonly #file: string | null;
  readonly #onFailure: (error: unknown, file: string) => void;
  #failing = false;

  constructor(file: string | null, onFailure: (error: unknown, file: string) => void) {
    this.#file = file;
    this.#onFailure = onFailure;
  }

  /** The file's value; `undefined` when there is none (or no file is kept), `null` when it holds no JSON. */
  read(): unknown {
    return this.#file === null ? undefined : readJsonFile(this.#file);
  }

  /** Writes `value` as JSON through {@link writeFileDurably}. Never throws. */
  write(value: unknown): void {
    if (this.#file === null) return;
    try {
      writeFileDurably(this.#file, JSON.stringify(value));
      this.#failing = false;
    } catch (error) {
      if (!this.#failing) this.#onFailure(error, this.#file);
      this.#failing = true;
    }
  }
}
