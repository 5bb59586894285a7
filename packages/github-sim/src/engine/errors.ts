/** A bad request to the control API (unknown repository, malformed job spec...). Maps to HTTP 400/404 on `/_sim`. */
export class SimInputError extends Error {
  constructor(
    message: string,
    readonly statusCode = 400,
  ) {
    super(message);
    this.name = 'SimInputError';
  }
}
