export type * from './protocol.js';
export { MAX_POLL_WAIT_MS } from './protocol.js';
export { encodeJitConfig, decodeJitConfig } from './jit-config.js';
export { deriveApiUrl, hostToOrigin } from './api-url.js';
export { runStandInRunner } from './run-stand-in-runner.js';
export type {
  JitModeOptions,
  RegisterModeOptions,
  StandInRunnerOptions,
  StandInRunnerResult,
} from './run-stand-in-runner.js';
export type { RegistrationInput } from './register.js';
export type { LogSink } from './log.js';
export { RunnerExit } from './errors.js';
