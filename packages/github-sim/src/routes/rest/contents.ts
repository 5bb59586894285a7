import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { SimContext } from '../../app-context.js';
import { requireRepo } from '../../http/access.js';
import { GitHubApiError, notFound } from '../../http/github-error.js';
import { urlsFor } from '../../http/urls.js';
import type { Urls } from '../../http/urls.js';
import type { SimRepo } from '../../state/types.js';

const DOCS = 'https://docs.github.com/rest/repos/contents#get-repository-content';

/** Base64 in lines of 60 characters, each ending in a newline, as the contents API sends it. */
export function wrapBase64(text: string): string {
  const b64 = Buffer.from(text, 'utf8').toString('base64');
  return (b64.match(/.{1,60}/g) ?? []).map((line) => `${line}\n`).join('');
}

function entry(
  repo: SimRepo,
  urls: Urls,
  path: string,
  type: 'file' | 'dir',
  sha: string,
  size: number,
): Record<string, unknown> {
  const full = `${repo.owner}/${repo.name}`;
  const url = `${urls.api}/repos/${full}/contents/${path}?ref=${repo.defaultBranch}`;
  const gitUrl = `${urls.api}/repos/${full}/git/${type === 'file' ? 'blobs' : 'trees'}/${sha}`;
  const htmlUrl = `${urls.web}/${full}/${type === 'file' ? 'blob' : 'tree'}/${repo.defaultBranch}/${path}`;
  return {
    type,
    size,
    name: path.split('/').pop() ?? path,
    path,
    sha,
    url,
    git_url: gitUrl,
    html_url: htmlUrl,
    download_url: type === 'file' ? `${urls.web}/${full}/raw/${repo.defaultBranch}/${path}` : null,
    _links: { self: url, git: gitUrl, html: htmlUrl },
  };
}

function listDirectory(repo: SimRepo, urls: Urls, dir: string): Record<string, unknown>[] | undefined {
  const prefix = dir ? `${dir}/` : '';
  const children = new Map<string, Record<string, unknown>>();
  for (const [path, file] of repo.files) {
    if (!path.startsWith(prefix)) continue;
    const [name, ...rest] = path.slice(prefix.length).split('/');
    if (!name) continue;
    const childPath = `${prefix}${name}`;
    if (rest.length === 0)
      children.set(name, entry(repo, urls, childPath, 'file', file.sha, Buffer.byteLength(file.content)));
    else if (!children.has(name)) {
      const treeSha = createHash('sha1').update(`tree:${childPath}:${repo.headSha}`).digest('hex');
      children.set(name, entry(repo, urls, childPath, 'dir', treeSha, 0));
    }
  }
  if (children.size === 0) return dir === '' ? [] : undefined;
  return [...children.keys()].sort().map((k) => children.get(k) as Record<string, unknown>);
}

/** `GET /repos/{owner}/{repo}/contents/{path}`: a file (base64) or a directory listing, on the default branch. */
export function registerContentsRoutes(app: FastifyInstance, ctx: SimContext): void {
  const handler = async (request: FastifyRequest): Promise<unknown> => {
    const { owner, repo: name } = request.params as { owner: string; repo: string; '*'?: string };
    const repo = requireRepo(ctx.store, request, owner, name, 'read');
    const ref = (request.query as { ref?: string }).ref;
    if (
      ref &&
      ref !== repo.defaultBranch &&
      ref !== repo.headSha &&
      ref !== `refs/heads/${repo.defaultBranch}`
    ) {
      throw new GitHubApiError(404, `No commit found for the ref ${ref}`, { documentationUrl: DOCS });
    }
    const path = decodeURIComponent((request.params as { '*'?: string })['*'] ?? '').replace(
      /^\/+|\/+$/g,
      '',
    );
    const urls = urlsFor(request, ctx.publicUrl);
    const file = repo.files.get(path);
    if (file) {
      return {
        ...entry(repo, urls, path, 'file', file.sha, Buffer.byteLength(file.content)),
        encoding: 'base64',
        content: wrapBase64(file.content),
      };
    }
    const listing = listDirectory(repo, urls, path);
    if (!listing) throw notFound();
    return listing;
  };
  app.get('/repos/:owner/:repo/contents/*', { config: { docs: DOCS } }, handler);
  app.get('/repos/:owner/:repo/contents', { config: { docs: DOCS } }, handler);
}
