import { AppError } from '@gha-ephemeral/contract';
import type { Octokit } from '@octokit/core';
import { statusOf } from '../errors.js';

type RequestInterface = Octokit['request'];

interface Installation {
  id: number;
  account: { login?: string } | null;
}

/** What {@link findInstallation} needs: the App's JWT, a request function, and where to look. */
export interface FindInstallationOptions {
  appId: string | number;
  /** A fresh App JWT (RS256, at most 10 minutes). */
  jwt: string;
  /** A request function that does not add credentials of its own (the JWT is sent by this function). */
  request: RequestInterface;
  /** Organizations the orchestrator serves: the first one's installation is used. */
  organizations?: readonly string[] | undefined;
}

const PICK = 'set GITHUB_APP_INSTALLATION_ID to the installation to use';

/**
 * Finds the installation of a GitHub App to act as, when none was configured: the installation on the first
 * organization (`GET /orgs/{org}/installation`), else the App's only installation (`GET /app/installations`). An
 * App installed nowhere, or in several places with no organization to choose by, is an `AppError` whose message
 * says what to set.
 */
export async function findInstallation(options: FindInstallationOptions): Promise<number> {
  const { appId, request } = options;
  const headers = { authorization: `bearer ${options.jwt}` };
  const org = options.organizations?.[0];
  if (org !== undefined) {
    try {
      const { data } = await request('GET /orgs/{org}/installation', { org, headers });
      return (data as Installation).id;
    } catch (error) {
      if (statusOf(error) !== 404) throw error;
      throw new AppError(
        'github.app_not_installed',
        `The GitHub App ${appId} is not installed on the organization ${org}: install it there, or ${PICK}`,
        { cause: error },
      );
    }
  }
  const { data } = await request('GET /app/installations', { per_page: 100, headers });
  const installations = data as Installation[];
  const [only] = installations;
  if (installations.length === 1 && only) return only.id;
  if (installations.length === 0) {
    throw new AppError(
      'github.app_not_installed',
      `The GitHub App ${appId} is not installed anywhere: install it on the organization or repositories whose runners it manages`,
    );
  }
  const listed = installations
    .slice(0, 10)
    .map((i) => `${i.id} (${i.account?.login ?? 'unknown account'})`)
    .join(', ');
  throw new AppError(
    'github.app_installation_ambiguous',
    `The GitHub App ${appId} has ${installations.length} installations (${listed}): ${PICK}, or set GITHUB_ORGANIZATION`,
    { details: { installations: installations.map((i) => i.id) } },
  );
}
