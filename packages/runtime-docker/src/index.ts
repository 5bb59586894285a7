export type {
  ContainerEvent,
  ContainerLimits,
  ContainerPrivileges,
  ContainerState,
  CreateOptions,
  EnsureNetworkOptions,
  LabelFilter,
  RunnerContainer,
  RunnerContainerSpec,
  RunnerNetwork,
  RunnerPlacement,
  RunnerRuntime,
  RuntimeCallOptions,
  RuntimeEvent,
} from './runtime.js';
export { DockerRuntime, type DockerRuntimeOptions } from './docker-runtime.js';
export { backoffDelay, readEngineClock, type BackoffOptions } from './docker-events.js';
export { createSilentLogger, type RuntimeLogger } from './logger.js';

// Building blocks for other adapters of the port on Docker's API (the Swarm adapter): one implementation each.
export { toContainerState, toLabelFilters } from './container-mapping.js';
export {
  engineMessage,
  engineStatusCode,
  engineUnavailableError,
  isEngineUnreachable,
  runtimeFailedError,
} from './docker-errors.js';
export { DockerNetworks } from './docker-networks.js';
export { describeEngineAddress } from './engine-address.js';
export { callEngine, type EngineCallContext } from './engine-call.js';
export { pullImage, type PullImageOptions } from './image-pull.js';
export { readJsonLines, type JsonLine } from './json-lines.js';
export {
  createSecretRedactor,
  noSecrets,
  redactErrorInPlace,
  REDACTED,
  type SecretRedactor,
} from './secret-redactor.js';
export { assertValidEnv } from './validate-env.js';
