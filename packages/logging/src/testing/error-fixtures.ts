import { RequestError } from '@octokit/request-error';

/** A real Octokit `RequestError` as a failed JIT-config call throws it, token and response included. */
export function octokitError(token: string): RequestError {
  return new RequestError('Bad credentials - https://docs.github.com/rest', 401, {
    request: {
      method: 'POST',
      url: 'https://api.github.com/repos/octo/repo/actions/runners/generate-jitconfig',
      headers: { authorization: `token ${token}`, 'user-agent': 'test' },
      body: { name: 'runner-1', labels: ['self-hosted'] },
    },
    response: {
      status: 401,
      url: 'https://api.github.com/repos/octo/repo/actions/runners/generate-jitconfig',
      headers: { 'x-github-request-id': 'ABC' },
      data: { message: 'Bad credentials', encoded_jit_config: 'eyJsZWFrZWQiOnRydWV9' },
    },
  });
}

/** What docker-modem throws for an engine error, with a few extra fields a careless serializer would keep. */
export function dockerError(): Error {
  return Object.assign(
    new Error('(HTTP code 409) unexpected - Conflict. The container name is already in use '),
    {
      reason: 'unexpected',
      statusCode: 409,
      json: { message: 'Conflict. The container name is already in use', Env: ['ACCESS_TOKEN=leak'] },
      options: { body: { Env: ['ACCESS_TOKEN=leak'] } },
    },
  );
}
