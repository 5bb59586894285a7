import { LOG_CATEGORIES } from './categories.js';

/** Where the pretty format learns which fields of an entry are child bindings (set by the logger's mixin). */
export const BINDINGS_FIELD = '@bindings';

const RESERVED = new Set(['level', 'time', 'service', 'category', 'msg', 'pid', 'hostname', BINDINGS_FIELD]);
const ERROR_FIELDS = new Set(['err', 'error']);
const SHORT_VALUE = 120;
const CATEGORY_WIDTH = 8;

type Entry = Record<string, unknown>;

function isObject(value: unknown): value is Entry {
  return typeof value === 'object' && value !== null;
}

function formatValue(value: unknown, verbose: boolean): string {
  let text: string;
  if (typeof value === 'string') text = /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value);
  else if (typeof value === 'object' && value !== null) text = JSON.stringify(value);
  else text = String(value);
  return !verbose && text.length > SHORT_VALUE ? `${text.slice(0, SHORT_VALUE - 1)}…` : text;
}

/** `message (code)`, the code being the error's own, its HTTP status, or the upstream's status code. */
function describeError(error: Entry): string {
  const code = error.code ?? error.status ?? error.statusCode;
  const message = typeof error.message === 'string' ? error.message : JSON.stringify(error);
  return code === undefined ? message : `${message} (${formatValue(code, true)})`;
}

/** The stack (or `type: message`) of the error, then each cause's, indented under the line. */
function errorDetailLines(error: Entry, indent = '    '): string[] {
  const lines: string[] = [];
  const stack =
    typeof error.stack === 'string' ? error.stack : `${String(error.type)}: ${describeError(error)}`;
  lines.push(...stack.split('\n').map((line) => `${indent}${line.trim()}`));
  const facts = ['status', 'statusCode', 'code', 'retryable', 'reason', 'request', 'json']
    .filter((key) => error[key] !== undefined)
    .map((key) => `${key}=${formatValue(error[key], true)}`);
  if (facts.length > 0) lines.push(`${indent}  ${facts.join(' ')}`);
  if (Array.isArray(error.errors)) {
    for (const inner of error.errors)
      if (isObject(inner)) lines.push(...errorDetailLines(inner, `${indent}  `));
  }
  if (isObject(error.cause)) {
    lines.push(`${indent}caused by:`);
    lines.push(...errorDetailLines(error.cause, indent));
  }
  return lines;
}

function formatTime(time: unknown): string {
  // pino's isoTime is UTC (`2026-11-27T18:35:54.123Z`); the pretty format shows the same instant, also in UTC.
  return typeof time === 'string' ? time.replace('T', ' ').replace(/Z$/, '') : String(time);
}

/**
 * One entry (a parsed pino JSON line) as one line for people:
 * `2026-11-27 18:35:54.123 🚀 START    [orchestrator] message key=value`, time in UTC. Without `verbose` child
 * bindings are left out, long values are cut, and errors show as `err="message (code)"`; with `verbose` the
 * bindings are shown (`component` inside the brackets) and each error's stack and causes follow on indented lines.
 */
export function formatPrettyLine(entry: Entry, verbose: boolean): string {
  const category = typeof entry.category === 'string' ? entry.category : 'INFO';
  const emoji = (LOG_CATEGORIES as Record<string, string>)[category] ?? '📋';
  const bindings = new Set(Array.isArray(entry[BINDINGS_FIELD]) ? (entry[BINDINGS_FIELD] as string[]) : []);
  const component = verbose && bindings.has('component') ? `/${String(entry.component)}` : '';
  const head = `${formatTime(entry.time)} ${emoji} ${category.padEnd(CATEGORY_WIDTH)} [${String(entry.service)}${component}]`;

  const fields: string[] = [];
  const level = String(entry.level);
  // The category says INFO, WARNING and ERROR already; any other level (DEBUG, CRITICAL, or an error logged
  // under MONITOR) is worth a field.
  if (level !== 'INFO' && level !== category) fields.push(`level=${level}`);
  const details: string[] = [];
  for (const [key, value] of Object.entries(entry)) {
    if (RESERVED.has(key) || (bindings.has(key) && (!verbose || key === 'component'))) continue;
    if (ERROR_FIELDS.has(key) && isObject(value)) {
      fields.push(`${key}=${JSON.stringify(describeError(value))}`);
      if (verbose) details.push(...errorDetailLines(value));
      continue;
    }
    fields.push(`${key}=${formatValue(value, verbose)}`);
  }
  const message = typeof entry.msg === 'string' ? ` ${entry.msg}` : '';
  const line = [`${head}${message}`, ...fields].join(' ');
  return [line, ...details].join('\n');
}
