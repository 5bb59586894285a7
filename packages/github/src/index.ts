export * from './scope.js';
export * from './port.js';
export * from './logger.js';
export * from './errors.js';
export * from './octokit-client.js';
export * from './octokit-github.js';
