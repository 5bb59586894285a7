export { envField, VALUE_ISSUE_PARAM, type EnvField, type FieldResult } from './env-field.js';
export { envBool, envInt, envPort, envSecret, envString, envUrl, type EnvIntOptions } from './fields.js';
export { envCsv, envEnum, type EnvCsvOptions, type EnvEnumOptions } from './list-fields.js';
export { loadConfig, type LoadConfigOptions } from './load-config.js';
export { ConfigError, type ConfigProblem } from './config-error.js';
export { collectPrefixed } from './collect-prefixed.js';
export { redactConfig, redactRecord, type RedactSpec } from './redact-config.js';
export { deepFreeze, type DeepReadonly } from './deep-freeze.js';
export type { ReadFile } from './secret-files.js';
