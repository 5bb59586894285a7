/** The category of each entry and its emoji in the pretty format. Callers pass `{ category: 'START' }`. */
export const LOG_CATEGORIES = {
  START: '🚀',
  CONFIG: '⚙️',
  MONITOR: '🔄',
  SUCCESS: '✅',
  ERROR: '❌',
  WARNING: '⚠️',
  INFO: '📋',
  REQUEST: '🌐',
  RESPONSE: '📤',
  HEALTH: '💚',
  SHUTDOWN: '🛑',
} as const;

/** A log category, e.g. `logger.info({ category: 'START' satisfies LogCategory }, 'orchestrator starting')`. */
export type LogCategory = keyof typeof LOG_CATEGORIES;

/** The category of an entry that names none: ERROR from `error` up, WARNING for `warn`, else INFO. */
export function defaultCategory(pinoLevel: number): LogCategory {
  if (pinoLevel >= 50) return 'ERROR';
  if (pinoLevel >= 40) return 'WARNING';
  return 'INFO';
}
