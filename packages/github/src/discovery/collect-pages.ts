import type { GitHubOctokit } from '../octokit-client.js';
import type { ListOptions } from './types.js';

/** What one listing needs: the first request and where its items are. */
export interface PagedRequest {
  /** e.g. `GET /user/repos`. */
  route: string;
  /** Route and query parameters of the first page; `per_page` is set to 100. */
  params: Record<string, unknown>;
  /** The items of one page's body: the body itself, or one of its keys (`repositories`, `workflows` ...). */
  itemsKey: string | null;
  /** Stops after this many pages (a bound on every loop; GitHub's filtered searches stop at 1,000 items anyway). */
  maxPages: number;
}

function nextLink(link: unknown): string | null {
  if (typeof link !== 'string') return null;
  const match = /<([^<>]+)>;\s*rel="next"/.exec(link);
  return match?.[1] ?? null;
}

function itemsOf(data: unknown, key: string | null): unknown[] {
  const value = key === null ? data : (data as Record<string, unknown> | null)?.[key];
  return Array.isArray(value) ? (value as unknown[]) : [];
}

/**
 * Gathers every page of a GitHub listing by following `Link: rel="next"`, 100 items a page. Unlike
 * `octokit.paginate`, it passes the caller's `signal` to every page (paginate drops it after the first) and
 * reports progress. Each page is its own conditional request (see the conditional-requests plugin), so an
 * unchanged listing costs no rate limit.
 */
export async function collectPages(
  octokit: GitHubOctokit,
  paged: PagedRequest,
  options: ListOptions | undefined,
): Promise<unknown[]> {
  const signal = options?.signal;
  const request = signal ? { signal } : {};
  const items: unknown[] = [];
  let response = await octokit.request(paged.route, { ...paged.params, per_page: 100, request });
  for (let page = 1; ; page += 1) {
    items.push(...itemsOf(response.data, paged.itemsKey));
    options?.onPage?.(items.length, page);
    const next = nextLink(response.headers.link);
    if (next === null || page >= paged.maxPages) return items;
    signal?.throwIfAborted();
    response = await octokit.request({ method: 'GET', url: next, request });
  }
}
