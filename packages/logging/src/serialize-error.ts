import { isAppError } from '@gha-ephemeral/contract';

/** An error as logged: only fields known to be safe, with its `cause` chain. */
export interface SerializedError {
  /** The error's `name` (`Error`, `HttpError` from Octokit, `AppError`, ...). */
  type: string;
  message: string;
  stack?: string;
  /** `AppError`'s code, or a Node.js system error code such as `ECONNREFUSED`. */
  code?: string | number;
  statusCode?: number;
  retryable?: boolean;
  details?: Record<string, unknown>;
  /** Octokit `RequestError`: the HTTP status and the request line (never its headers or body). */
  status?: number;
  request?: { method?: string; url?: string };
  /** dockerode (docker-modem): the engine's reason and its JSON message. */
  reason?: string;
  json?: { message: string };
  syscall?: string;
  address?: string;
  port?: number;
  /** The errors of an `AggregateError` (such as a connection refused on both IPv4 and IPv6). */
  errors?: SerializedError[];
  cause?: SerializedError;
}

const MAX_DEPTH = 5;
const MAX_ERRORS = 10;

type Bag = Record<string, unknown>;
/** Fields that may be missing: only the defined ones are copied. */
type MaybeFields = { [K in keyof SerializedError]?: SerializedError[K] | undefined };

const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const num = (value: unknown): number | undefined => (typeof value === 'number' ? value : undefined);

function assignDefined(target: SerializedError, fields: MaybeFields): void {
  for (const [key, value] of Object.entries(fields)) {
    if (value !== undefined) (target as unknown as Bag)[key] = value;
  }
}

function requestLine(request: Bag): SerializedError['request'] {
  const line: NonNullable<SerializedError['request']> = {};
  if (typeof request.method === 'string') line.method = request.method;
  if (typeof request.url === 'string') line.url = request.url;
  return line;
}

function upstreamFields(bag: Bag): MaybeFields {
  const request = bag.request as Bag | undefined;
  const json = bag.json as Bag | undefined;
  const code = bag.code;
  return {
    code: typeof code === 'string' || typeof code === 'number' ? code : undefined,
    statusCode: num(bag.statusCode),
    status: num(bag.status),
    // Octokit's request also has headers (with the token) and body: only the request line is kept.
    request: typeof request === 'object' && request !== null ? requestLine(request) : undefined,
    reason: str(bag.reason),
    json:
      typeof json === 'object' && json !== null && str(json.message)
        ? { message: json.message as string }
        : undefined,
    syscall: str(bag.syscall),
    address: str(bag.address),
    port: num(bag.port),
  };
}

function serialize(error: unknown, depth: number, seen: Set<unknown>): SerializedError {
  if (typeof error !== 'object' || error === null) {
    return { type: typeof error, message: String(error) };
  }
  if (seen.has(error)) return { type: 'Circular', message: '[circular reference]' };
  seen.add(error);
  const bag = error as Bag;
  const result: SerializedError = {
    type: str(bag.name) ?? (error.constructor as { name?: string } | undefined)?.name ?? 'Object',
    message: str(bag.message) ?? '',
  };
  assignDefined(result, { stack: str(bag.stack), ...upstreamFields(bag) });
  if (isAppError(error)) {
    assignDefined(result, {
      code: error.code,
      statusCode: error.statusCode,
      retryable: error.retryable,
      details: error.details,
    });
  }
  if (depth < MAX_DEPTH) {
    if (Array.isArray(bag.errors)) {
      result.errors = bag.errors.slice(0, MAX_ERRORS).map((inner) => serialize(inner, depth + 1, seen));
    }
    if (bag.cause !== undefined) result.cause = serialize(bag.cause, depth + 1, seen);
  }
  return result;
}

/**
 * Serializes anything thrown into a plain, log-safe object: name, message, stack, and only known-safe fields.
 * Octokit's `RequestError` keeps its status and request method and URL but loses the request headers and
 * body and the response; a dockerode error keeps `statusCode`, `reason` and `json.message`; an `AppError` keeps
 * `code`, `statusCode`, `retryable` and `details`. `cause` chains (and `AggregateError.errors`) are followed
 * five levels deep. It is the logger's `err` serializer.
 */
export function serializeError(error: unknown): SerializedError {
  return serialize(error, 0, new Set());
}
