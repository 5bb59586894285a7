import { pino, type Logger } from 'pino';
import { defaultCategory } from './categories.js';
import { LEVEL_WORDS, PINO_LEVELS, parseLogLevel, type LogFormat, type LogLevel } from './levels.js';
import { BINDINGS_FIELD, formatPrettyLine } from './pretty-line.js';
import { censor, REDACT_PATHS } from './redact-paths.js';
import { Redactor } from './redactor.js';
import { serializeError } from './serialize-error.js';

/** Where log lines go: anything with a synchronous-enough `write`, such as `process.stdout`. */
export interface LogDestination {
  write(chunk: string): unknown;
  /** True for a terminal; `format: 'auto'` then writes the pretty format. */
  readonly isTTY?: boolean;
}

/** Options of {@link createLogger}; the defaults match the environment's defaults. */
export interface CreateLoggerOptions {
  /** The service name, on every entry (`orchestrator`, `api-gateway`). */
  service: string;
  /** `LOG_LEVEL` (default INFO); any case, WARN and FATAL also accepted. */
  level?: LogLevel | (string & {});
  /** `LOG_VERBOSE`: in the pretty format, also child bindings, error stacks and causes (default false). */
  verbose?: boolean;
  /** `LOG_FORMAT` (default auto: pretty on a TTY, JSON lines otherwise). */
  format?: LogFormat;
  /** Default `process.stdout`. */
  destination?: LogDestination;
  /** Secret values to hide in every line; `undefined` entries (unset optional secrets) are skipped. */
  secrets?: Iterable<string | undefined>;
}

/**
 * Where JSON lines go: the given destination, else standard output written asynchronously. A synchronous write
 * per line cost the gateway a tenth of its time under load; lines that arrive while one write is under way are
 * written together with the next, and what is still buffered is written synchronously when the process exits.
 */
function jsonDestination(given: LogDestination | undefined): LogDestination {
  return given ?? pino.destination({ dest: 1, sync: false });
}

/** The root logger of a process and the redactor behind it (to `add()` secrets learnt at run time). */
export interface CreatedLogger {
  logger: Logger;
  redactor: Redactor;
}

interface BindingInfo {
  keys: string[];
  hasCategory: boolean;
}

/** The child bindings of a logger, from pino's own record of them; cached since they never change. */
function bindingInfo(cache: WeakMap<object, BindingInfo>, logger: Logger): BindingInfo {
  let info = cache.get(logger);
  if (info === undefined) {
    const keys = Object.keys(logger.bindings()).filter((key) => key !== 'service');
    info = { keys, hasCategory: keys.includes('category') };
    cache.set(logger, info);
  }
  return info;
}

function prettyStream(destination: LogDestination, verbose: boolean): LogDestination {
  return {
    write(line: string) {
      let entry: unknown;
      try {
        entry = JSON.parse(line);
      } catch {
        return destination.write(line);
      }
      return destination.write(`${formatPrettyLine(entry as Record<string, unknown>, verbose)}\n`);
    },
  };
}

/**
 * Creates the one root pino logger of a process; components take `logger.child({ component: 'reconciler' })`.
 * Entries carry `service`, a `category` (given, or INFO/WARNING/ERROR by level) and `level` as a `LOG_LEVEL`
 * word. Secrets are hidden twice: pino `redact` paths censor known secret fields, and the returned
 * {@link Redactor} scrubs every final line (both formats) of known secret values and secret-shaped tokens.
 */
export function createLogger(options: CreateLoggerOptions): CreatedLogger {
  const level = parseLogLevel(options.level ?? 'INFO');
  if (level === undefined) throw new TypeError(`Unknown log level "${options.level}"`);
  const destination = options.destination ?? process.stdout;
  const format = options.format ?? 'auto';
  const pretty = format === 'pretty' || (format === 'auto' && destination.isTTY === true);
  const redactor = new Redactor(options.secrets ?? []);
  const bindingCache = new WeakMap<object, BindingInfo>();

  const logger = pino(
    {
      level: PINO_LEVELS[level],
      base: { service: options.service },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: LEVEL_WORDS[label] ?? label.toUpperCase() }) },
      mixin(mergeObject, pinoLevel, current) {
        const info = bindingInfo(bindingCache, current);
        const extra: Record<string, unknown> = {};
        if (!('category' in mergeObject) && !info.hasCategory) extra.category = defaultCategory(pinoLevel);
        // Only the pretty format needs to tell child bindings from the entry's own fields.
        if (pretty && info.keys.length > 0) extra[BINDINGS_FIELD] = info.keys;
        return extra;
      },
      serializers: { err: serializeError, error: serializeError },
      redact: { paths: [...REDACT_PATHS], censor },
      hooks: { streamWrite: (line) => redactor.redact(line) },
    },
    pretty ? prettyStream(destination, options.verbose ?? false) : jsonDestination(options.destination),
  );
  return { logger, redactor };
}
