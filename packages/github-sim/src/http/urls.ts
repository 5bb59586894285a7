import type { FastifyRequest } from 'fastify';

/** The origins a response's URLs are built from. */
export interface Urls {
  /** REST base the client used: `ORIGIN/api/v3` or `ORIGIN` (api.github.com style). */
  api: string;
  /** The web origin (`html_url`s). */
  web: string;
}

/** The web origin a request reached us at, or the configured public URL. */
export function originOf(request: FastifyRequest, publicUrl: string | undefined): string {
  return publicUrl ?? `${request.protocol}://${request.host}`;
}

/** URLs for a response, keeping the REST prefix (`/api/v3` or none) the client used. */
export function urlsFor(request: FastifyRequest, publicUrl: string | undefined): Urls {
  const web = originOf(request, publicUrl);
  const api = request.url.startsWith('/api/v3/') || request.url === '/api/v3' ? `${web}/api/v3` : web;
  return { api, web };
}
