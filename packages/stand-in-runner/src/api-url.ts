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
 * Turns a `GITHUB_HOST` value into a web origin. The real image takes a bare host (`github.example.com`)
 * and assumes https; a value with a scheme (`http://127.0.0.1:3000`) is kept as it is.
 */
export function hostToOrigin(githubHost: string | undefined): string {
  const host = (githubHost ?? '').trim() || 'github.com';
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(host) ? host : `https://${host}`;
  return new URL(withScheme).origin;
}
