/** Ends the runner with an exit code and a message for the log (never a secret). */
export class RunnerExit extends Error {
  constructor(
    readonly exitCode: number,
    message: string,
  ) {
    super(message);
    this.name = 'RunnerExit';
  }
}

/** GitHub's name for an HTTP status, as the runner prints it (`Http response code: NotFound`). */
export function statusName(status: number): string {
  const names: Record<number, string> = {
    400: 'BadRequest',
    401: 'Unauthorized',
    403: 'Forbidden',
    404: 'NotFound',
    409: 'Conflict',
    422: 'UnprocessableEntity',
    429: 'TooManyRequests',
    500: 'InternalServerError',
    502: 'BadGateway',
    503: 'ServiceUnavailable',
  };
  return names[status] ?? String(status);
}
