import { createOctokit, OctokitGitHub, type GitHubPort } from '@gha-ephemeral/github';
import type { Logger } from '@gha-ephemeral/logging';
import type { OrchestratorConfig } from './config.js';

/** Writes of the removal client let through at once: with the main client's 50, a worst minute stays ≤ 180 writes. */
const REMOVAL_WRITE_BURST = 10;

/** What the GitHub clients need besides the configuration. */
export interface GitHubClientDeps {
  logger: Logger;
  version: string;
  appTokenRefreshMarginMs?: number;
}

/**
 * The GitHub ports over Octokit, authenticated with the token or as the GitHub App installation: `github` for
 * everything, and `removals`, which removes runners through a throttling bucket of its own (Octokit lets 10
 * requests of a bucket run at once), so that a removal never queues behind creations that hang or fail. Both use
 * the same credentials, and one cache of installation tokens.
 */
export function createGitHubClients(
  config: OrchestratorConfig,
  deps: GitHubClientDeps,
): { github: GitHubPort; removals: GitHubPort } {
  const app = config.githubApp;
  const common = {
    baseUrl: config.GITHUB_API_URL,
    auth:
      app === null
        ? (config.GITHUB_RUNNER_TOKEN ?? '')
        : {
            appId: app.appId,
            privateKey: app.privateKey,
            installationId: app.installationId,
            organizations: config.GITHUB_ORGANIZATION,
            ...(deps.appTokenRefreshMarginMs === undefined
              ? {}
              : { refreshMarginMs: deps.appTokenRefreshMarginMs }),
          },
    userAgent: `gha-ephemeral-runners/${deps.version}`,
    logger: deps.logger.child({ component: 'github' }),
    requestTimeoutMs: config.GITHUB_REQUEST_TIMEOUT * 1000,
  };
  const main = createOctokit({
    ...common,
    writeBurst: config.GITHUB_WRITE_BURST,
    throttleId: 'gha-ephemeral-main',
  });
  const removals = createOctokit({
    ...common,
    writeBurst: REMOVAL_WRITE_BURST,
    throttleId: 'gha-ephemeral-removals',
    authFrom: main,
  });
  const port = (octokit: typeof main) =>
    app === null
      ? new OctokitGitHub(octokit)
      : new OctokitGitHub(octokit, 'GITHUB_APP_ID and GITHUB_APP_PRIVATE_KEY', {
          authKind: 'app-installation',
        });
  return { github: port(main), removals: port(removals) };
}
