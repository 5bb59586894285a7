import { envField, envInt, envSecret } from '@gha-ephemeral/config';
import { normalizePrivateKey } from '@gha-ephemeral/github';
import type { z } from 'zod';

/** GitHub App credentials from the configuration: the orchestrator then acts as one installation of the App. */
export interface GitHubAppSettings {
  /** The App id, or its client id (`Iv…`), both accepted by GitHub as the JWT issuer. */
  readonly appId: string;
  /** The private key as a PEM (one-line `\n`-escaped values are turned back into lines). */
  readonly privateKey: string;
  /** `GITHUB_APP_INSTALLATION_ID`; when unset, found from `GITHUB_ORGANIZATION` or the App's only installation. */
  readonly installationId: number | undefined;
}

/** The variables of GitHub App authentication, merged into the orchestrator's schema. */
export const githubAppFields = {
  GITHUB_APP_ID: envField((raw) => {
    if (raw === undefined) return { value: undefined };
    const id = raw.trim();
    return /^\d+$/.test(id) || /^Iv[\w.-]+$/.test(id)
      ? { value: id }
      : { expected: "expected the App's numeric id (App settings → About → App ID) or its client id (Iv…)" };
  }),
  GITHUB_APP_PRIVATE_KEY: envSecret(),
  GITHUB_APP_INSTALLATION_ID: envInt({ min: 1 }),
};

interface AuthFields {
  GITHUB_RUNNER_TOKEN?: string | undefined;
  GITHUB_APP_ID?: string | undefined;
  GITHUB_APP_PRIVATE_KEY?: string | undefined;
  GITHUB_APP_INSTALLATION_ID?: number | undefined;
}

const TOKEN_HELP =
  'a GitHub token with the "repo" scope (repository runners) or "admin:org" (organization runners); set it or GITHUB_RUNNER_TOKEN_FILE, or authenticate as a GitHub App with GITHUB_APP_ID and GITHUB_APP_PRIVATE_KEY';

/**
 * The cross-field rule of GitHub credentials: exactly one of a token (`GITHUB_RUNNER_TOKEN`) or an App
 * (`GITHUB_APP_ID` with `GITHUB_APP_PRIVATE_KEY`). Adds an issue for each problem; returns the App settings
 * when the App is configured and sound, else null.
 */
export function checkGitHubAuth(config: AuthFields, ctx: z.RefinementCtx): GitHubAppSettings | null {
  const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
  const token = config.GITHUB_RUNNER_TOKEN !== undefined;
  const anyApp =
    config.GITHUB_APP_ID !== undefined ||
    config.GITHUB_APP_PRIVATE_KEY !== undefined ||
    config.GITHUB_APP_INSTALLATION_ID !== undefined;
  if (!token && !anyApp) {
    issue('GITHUB_RUNNER_TOKEN', `is required: ${TOKEN_HELP}`);
    return null;
  }
  if (token && anyApp) {
    issue(
      'GITHUB_RUNNER_TOKEN',
      'set either GITHUB_RUNNER_TOKEN or the GitHub App variables (GITHUB_APP_ID, GITHUB_APP_PRIVATE_KEY, GITHUB_APP_INSTALLATION_ID), not both',
    );
    return null;
  }
  if (token) return null;
  if (config.GITHUB_APP_ID === undefined) {
    issue('GITHUB_APP_ID', 'is required with GITHUB_APP_PRIVATE_KEY: the App id (App settings → About)');
  }
  let privateKey: string | null = null;
  if (config.GITHUB_APP_PRIVATE_KEY === undefined) {
    issue(
      'GITHUB_APP_PRIVATE_KEY',
      'is required with GITHUB_APP_ID: the App private key (PEM), or GITHUB_APP_PRIVATE_KEY_FILE with its path',
    );
  } else {
    const key = normalizePrivateKey(config.GITHUB_APP_PRIVATE_KEY);
    if ('problem' in key) issue('GITHUB_APP_PRIVATE_KEY', key.problem);
    else privateKey = key.pem;
  }
  if (config.GITHUB_APP_ID === undefined || privateKey === null) return null;
  return Object.freeze({
    appId: config.GITHUB_APP_ID,
    privateKey,
    installationId: config.GITHUB_APP_INSTALLATION_ID,
  });
}
