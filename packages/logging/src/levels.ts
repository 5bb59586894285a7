import type { Level } from 'pino';

/** The `LOG_LEVEL` words, least to most severe. */
export const LOG_LEVELS = ['DEBUG', 'INFO', 'WARNING', 'ERROR', 'CRITICAL'] as const;

/** A `LOG_LEVEL` word. */
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Other words `LOG_LEVEL` accepts (any case), and the level each stands for. */
export const LOG_LEVEL_ALIASES = { WARN: 'WARNING', FATAL: 'CRITICAL' } as const satisfies Record<
  string,
  LogLevel
>;

/** The pino level behind each word. */
export const PINO_LEVELS = {
  DEBUG: 'debug',
  INFO: 'info',
  WARNING: 'warn',
  ERROR: 'error',
  CRITICAL: 'fatal',
} as const satisfies Record<LogLevel, Level>;

/** The word written for each pino level (`trace` cannot be enabled through `LOG_LEVEL`, but a child may). */
export const LEVEL_WORDS: Readonly<Record<string, string>> = {
  trace: 'TRACE',
  debug: 'DEBUG',
  info: 'INFO',
  warn: 'WARNING',
  error: 'ERROR',
  fatal: 'CRITICAL',
};

/** Reads a `LOG_LEVEL` value in any case, aliases included; `undefined` when it is not one. */
export function parseLogLevel(text: string): LogLevel | undefined {
  const word = text.trim().toUpperCase();
  if ((LOG_LEVELS as readonly string[]).includes(word)) return word as LogLevel;
  return (LOG_LEVEL_ALIASES as Readonly<Record<string, LogLevel>>)[word];
}

/**
 * The `LOG_FORMAT` values: `pretty` is one emoji line per entry for people, `json` is one JSON object a line for
 * machines, and `auto` picks `pretty` when the destination is a terminal (TTY) and `json` otherwise (a pipe, a
 * file, `docker logs` of a container started without `-t`).
 */
export const LOG_FORMATS = ['auto', 'pretty', 'json'] as const;

/** A `LOG_FORMAT` value. */
export type LogFormat = (typeof LOG_FORMATS)[number];
