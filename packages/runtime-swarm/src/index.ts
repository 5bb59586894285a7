export { SwarmRuntime, type SwarmRuntimeOptions } from './swarm-runtime.js';
export type { WatchIntervals } from './swarm-events.js';
export { NOT_RUN_EXIT_CODE } from './runner-mapping.js';
export { SECRET_SERVICE_LABEL } from './env-secret.js';
