export { BoundedMap } from './bounded-map.js';
export { TaskPool } from './task-pool.js';
export { mapWithConcurrency } from './map-with-concurrency.js';
export { backoffDelayMs, KeyedBackoff, type BackoffOptions } from './backoff.js';
export { readJsonFile, StateFile, writeFileDurably } from './durable-file.js';
export { sleep } from './sleep.js';
export { SseStream, SseStreams, type SseSink, type SseStreamsOptions } from './sse.js';
