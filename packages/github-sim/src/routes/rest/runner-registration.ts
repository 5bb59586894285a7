import type { FastifyInstance } from 'fastify';
import type { RunnerRegistrationResponse } from '@gha-ephemeral/stand-in-runner';
import type { SimContext } from '../../app-context.js';
import { GitHubApiError, notFound } from '../../http/github-error.js';
import { originOf } from '../../http/urls.js';
import { scopeKey } from '../../state/store.js';
import { parseScopeUrl } from './runner-scope.js';

/**
 * `POST {api}/actions/runner-registration`, what `config.sh` calls first: it trades a registration (or
 * remove) token, sent as `Authorization: RemoteAuth <token>`, for the runner service's URL and a
 * short-lived admin token (a JWT; its `exp` tells clients when to refresh). A token that is unknown, expired
 * or for another scope is a 404, as on GitHub.
 */
export function registerRunnerRegistrationRoute(app: FastifyInstance, ctx: SimContext): void {
  app.post('/actions/runner-registration', { config: { auth: 'none' } }, async (request, reply) => {
    const header = request.headers.authorization ?? '';
    const match = /^RemoteAuth\s+(\S+)\s*$/i.exec(header);
    if (!match?.[1]) throw new GitHubApiError(401, 'Requires authentication');
    const body = (request.body ?? {}) as { url?: unknown; runner_event?: unknown };
    const event = body.runner_event ?? 'register';
    if (typeof body.url !== 'string' || (event !== 'register' && event !== 'remove')) {
      throw new GitHubApiError(400, 'Problems parsing JSON');
    }
    const scope = parseScopeUrl(body.url);
    const issued = ctx.runnerService.validToken(
      match[1],
      event === 'register' ? ['registration'] : ['registration', 'remove'],
    );
    if (!scope || !issued || scopeKey(issued.scope) !== scopeKey(scope)) throw notFound();
    const admin = ctx.runnerService.issueToken('runner-admin', issued.scope);
    const answer: RunnerRegistrationResponse = {
      // The Actions service base URL: where the caller reached us, or the public URL when one is set.
      url: `${originOf(request, ctx.publicUrl)}/_runner`,
      token: admin.token,
      token_schema: 'OAuthAccessToken',
    };
    return reply.code(200).send(answer);
  });
}
