import { inspect } from 'node:util';
import type { RuntimeLogger } from '../src/index.js';

/** One call to a {@link RecordingLogger}. */
export interface LogRecord {
  level: 'debug' | 'info' | 'warn' | 'error';
  fields: object;
  message: string | undefined;
}

/** A logger that keeps what it is given, to assert on (and to check that no secret reached it). */
export interface RecordingLogger extends RuntimeLogger {
  records: LogRecord[];
  /** Everything logged (errors with their messages and stacks), for "never contains" checks. */
  text(): string;
}

/** A {@link RecordingLogger}; `onRecord` runs on every call (a test can act at a precise step). */
export function createRecordingLogger(onRecord?: (record: LogRecord) => void): RecordingLogger {
  const records: LogRecord[] = [];
  const record =
    (level: LogRecord['level']) =>
    (fields: object, message?: string): void => {
      const entry = { level, fields, message };
      records.push(entry);
      onRecord?.(entry);
    };
  return {
    records,
    debug: record('debug'),
    info: record('info'),
    warn: record('warn'),
    error: record('error'),
    text: () => inspect(records, { depth: 20, breakLength: Infinity }),
  };
}
