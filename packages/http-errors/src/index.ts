export { fromFastifyError } from './from-fastify-error.js';
export {
  frameworkErrorHandler,
  registerErrorHandler,
  sendError,
  toAppError,
  type ErrorHandlerOptions,
  type ErrorMappingOptions,
} from './error-handler.js';
