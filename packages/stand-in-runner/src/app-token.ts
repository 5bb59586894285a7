import { createSign } from 'node:crypto';
import { RunnerExit, statusName } from './errors.js';
import { requestJson } from './http.js';

/** GitHub App credentials, as the myoung34 image takes them (APP_ID, APP_PRIVATE_KEY, APP_LOGIN). */
export interface AppCredentials {
  appId: string;
  /** PEM. Never logged. */
  privateKey: string;
  /** The account the App is installed on. */
  login: string;
}

/** An RS256 JWT for the App: issued 60 s ago, valid 9 minutes (GitHub allows at most 10). */
export function appJwt(app: AppCredentials, now = Date.now()): string {
  const part = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
  const iat = Math.floor(now / 1000) - 60;
  const unsigned = `${part({ alg: 'RS256', typ: 'JWT' })}.${part({ iat, exp: iat + 600, iss: app.appId })}`;
  return `${unsigned}.${createSign('RSA-SHA256').update(unsigned).sign(app.privateKey).toString('base64url')}`;
}

/**
 * Gets an installation access token for the App's installation on `login`, as the myoung34 image's
 * app_token.sh does: list the App's installations, pick the one on that account, create a token.
 */
export async function mintInstallationToken(apiUrl: string, app: AppCredentials): Promise<string> {
  const headers = {
    authorization: `Bearer ${appJwt(app)}`,
    accept: 'application/vnd.github+json',
    'x-github-api-version': '2022-11-28',
  };
  const list = await requestJson(`${apiUrl}/app/installations?per_page=100`, { headers });
  if (list.status !== 200 || !Array.isArray(list.body)) {
    throw new RunnerExit(1, `Could not list the App's installations: ${statusName(list.status)}`);
  }
  const match = (list.body as { id?: number; account?: { login?: string } }[]).find(
    (i) => i.account?.login?.toLowerCase() === app.login.toLowerCase(),
  );
  if (typeof match?.id !== 'number') throw new RunnerExit(1, `The App is not installed on ${app.login}`);
  const res = await requestJson(`${apiUrl}/app/installations/${match.id}/access_tokens`, {
    method: 'POST',
    headers,
  });
  const token = (res.body as { token?: unknown } | undefined)?.token;
  if (res.status !== 201 || typeof token !== 'string') {
    throw new RunnerExit(1, `Could not create an installation token: ${statusName(res.status)}`);
  }
  return token;
}
