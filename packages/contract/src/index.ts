export * from './error-codes.js';
export * from './app-error.js';
export * from './runner.js';
export * from './validate.js';
export * from './workflow-job-event.js';
export * from './pool.js';
export * from './dashboard.js';
