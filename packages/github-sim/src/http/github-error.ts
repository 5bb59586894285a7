/** The documentation root GitHub's error bodies point to. */
export const DOCS = 'https://docs.github.com/rest';

/** An error answered in GitHub's shape: `{message, documentation_url, status}` (status as a string, like GitHub). */
export class GitHubApiError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    readonly options: {
      documentationUrl?: string;
      headers?: Record<string, string>;
      errors?: unknown[];
    } = {},
  ) {
    super(message);
    this.name = 'GitHubApiError';
  }

  /** The JSON body GitHub would send. */
  body(defaultDocs: string): Record<string, unknown> {
    return {
      message: this.message,
      documentation_url: this.options.documentationUrl ?? defaultDocs,
      ...(this.options.errors ? { errors: this.options.errors } : {}),
      status: String(this.statusCode),
    };
  }
}

/** 404 `Not Found`: unknown resources and resources the token may not see. */
export const notFound = (): GitHubApiError => new GitHubApiError(404, 'Not Found');

/** 422 with GitHub's `Invalid request.` validation message. */
export const invalidRequest = (detail: string): GitHubApiError =>
  new GitHubApiError(422, `Invalid request.\n\n${detail}`);

/** 403 with a message. */
export const forbidden = (message: string, headers?: Record<string, string>): GitHubApiError =>
  new GitHubApiError(403, message, headers ? { headers } : {});
