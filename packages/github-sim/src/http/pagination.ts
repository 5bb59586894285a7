import type { FastifyReply, FastifyRequest } from 'fastify';
import { invalidRequest } from './github-error.js';

/** A page request, per GitHub: `per_page` defaults to 30 and is capped at 100; `page` starts at 1. */
export interface PageRequest {
  perPage: number;
  page: number;
}

function intParam(value: unknown, name: string, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n)) throw invalidRequest(`"${name}" must be an integer.`);
  return n;
}

/** Reads `per_page` and `page` from the query string. */
export function readPage(query: Record<string, unknown>): PageRequest {
  const perPage = Math.min(100, Math.max(1, intParam(query['per_page'], 'per_page', 30)));
  const page = Math.max(1, intParam(query['page'], 'page', 1));
  return { perPage, page };
}

function pageUrl(request: FastifyRequest, page: number): string {
  const url = new URL(request.url, `${request.protocol}://${request.host}`);
  url.searchParams.set('page', String(page));
  return url.toString();
}

/**
 * Slices `items` to the requested page and sets GitHub's `Link` header (`prev`, `next`, `last`, `first`,
 * in GitHub's order); no header when a single page holds everything.
 */
export function paginate<T>(request: FastifyRequest, reply: FastifyReply, items: readonly T[]): T[] {
  const { perPage, page } = readPage(request.query as Record<string, unknown>);
  const lastPage = Math.max(1, Math.ceil(items.length / perPage));
  const links: string[] = [];
  if (lastPage > 1) {
    if (page > 1) links.push(`<${pageUrl(request, Math.min(page - 1, lastPage))}>; rel="prev"`);
    if (page < lastPage) {
      links.push(`<${pageUrl(request, page + 1)}>; rel="next"`);
      links.push(`<${pageUrl(request, lastPage)}>; rel="last"`);
    }
    if (page > 1) links.push(`<${pageUrl(request, 1)}>; rel="first"`);
  }
  if (links.length > 0) void reply.header('link', links.join(', '));
  return items.slice((page - 1) * perPage, page * perPage);
}
