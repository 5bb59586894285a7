/** An error of the Actions service, answered as GitHub does: `{typeName, message}` with an HTTP status. */
export class ActionsServiceError extends Error {
  constructor(
    readonly statusCode: number,
    readonly typeName: string,
    message: string,
  ) {
    super(message);
    this.name = 'ActionsServiceError';
  }

  /** The JSON body GitHub's Actions service sends. */
  body(): { typeName: string; message: string } {
    return { typeName: this.typeName, message: this.message };
  }
}

/** 404 for a scale set that does not exist in the token's scope. */
export const scaleSetNotFound = (id: number | string): ActionsServiceError =>
  new ActionsServiceError(404, 'RunnerScaleSetNotFoundException', `Runner scale set ${id} not found.`);

/** 401 for a missing, unknown or expired token. */
export const unauthorized = (what: string): ActionsServiceError =>
  new ActionsServiceError(401, 'VssUnauthorizedException', `${what} is missing, invalid or expired.`);
