/**
 * Derives the REST API base from a web URL the way the real runner does: `https://github.com` (and
 * `www.github.com`) map to `https://api.github.com`, any other origin (GitHub Enterprise Server, the
 * simulator) to `ORIGIN/api/v3`.
 */
export function deriveApiUrl(webUrl: string): string {
  const url = new URL(webUrl);
  const host = url.hostname.toLowerCase();
  if (host === 'github.com' || host === 'www.github.com') return 'https://api.github.com';
  if (host.endsWith('.ghe.com')) return `${url.protocol}//api.${host}`;
  return `${url.origin}/api/v3`;
}

/**
 * Turns a `GITHUB_HOST` value into a web origin as the myoung34 image's entrypoint does: it strips an `http://`
 * or `https://` prefix and one trailing `/`, then always uses https (`https://${_GITHUB_HOST}/${ORG_NAME}`), so a
 * plain-http server cannot serve organization runners.
 */
export function hostToOrigin(githubHost: string | undefined): string {
  const host = (githubHost ?? '').trim() || 'github.com';
  const bare = host
    .replace(/^http:\/\//, '')
    .replace(/^https:\/\//, '')
    .replace(/\/$/, '');
  return new URL(`https://${bare}`).origin;
}
