export { BoundedMap } from './bounded-map.js';
export { TaskPool } from './task-pool.js';
export { backoffDelayMs, KeyedBackoff, type BackoffOptions } from './backoff.js';
