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
  RunnerRuntime,
  RuntimeCallOptions,
  RuntimeEvent,
} from './runtime.js';
export { DockerRuntime, type DockerRuntimeOptions } from './docker-runtime.js';
export type { BackoffOptions } from './docker-events.js';
export { createSilentLogger, type RuntimeLogger } from './logger.js';
