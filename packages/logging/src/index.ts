export type { Logger } from 'pino';
export {
  createLogger,
  type CreateLoggerOptions,
  type CreatedLogger,
  type LogDestination,
} from './create-logger.js';
export {
  LOG_FORMATS,
  LOG_LEVEL_ALIASES,
  LOG_LEVELS,
  parseLogLevel,
  type LogFormat,
  type LogLevel,
} from './levels.js';
export { LOG_CATEGORIES, type LogCategory } from './categories.js';
export {
  DEFAULT_MAX_LEARNT_SECRETS,
  Redactor,
  type AddSecretOptions,
  type ForgetSecret,
  type RedactorOptions,
} from './redactor.js';
export { serializeError, type SerializedError } from './serialize-error.js';
export { formatPrettyLine } from './pretty-line.js';
