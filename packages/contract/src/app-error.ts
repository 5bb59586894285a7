import { ErrorCodes, type ErrorCode } from './error-codes.js';

/** Options of {@link AppError}; `statusCode` and `retryable` default to the code's entry in `ErrorCodes`. */
export interface AppErrorOptions {
  statusCode?: number;
  retryable?: boolean;
  cause?: unknown;
  /** Extra, non-secret facts for the client (for example the allowed range of a value). */
  details?: Record<string, unknown>;
}

/**
 * The one base error of the product. Its `message` is written for the person who has to fix the problem and is
 * safe to show to clients: never put a token, a header or an upstream body in it. The upstream error goes into
 * `cause`, which is logged (redacted) but never sent.
 */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly statusCode: number;
  readonly retryable: boolean;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.statusCode = options.statusCode ?? ErrorCodes[code].statusCode;
    this.retryable = options.retryable ?? ErrorCodes[code].retryable;
    this.details = options.details;
  }
}

/** True when `error` is an {@link AppError} (also across copies of this package). */
export function isAppError(error: unknown): error is AppError {
  return (
    error instanceof AppError ||
    (error instanceof Error && error.name === 'AppError' && typeof (error as AppError).code === 'string')
  );
}
