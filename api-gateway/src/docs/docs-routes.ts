import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import swagger, { type SwaggerOptions } from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyPluginAsync } from 'fastify';
import { redocPage } from './redoc-page.js';

/** Options of {@link docsRoutes}. */
export interface DocsRoutesOptions {
  /** The OpenAPI document to serve and render. */
  document: Record<string, unknown>;
}

/**
 * Everything the docs pages load comes from this origin (air-gapped users must be able to read their docs); the
 * policy makes the browser refuse anything else, so a stray CDN link would show up as a broken page in tests.
 * ReDoc styles itself with inline styles and runs its search index in a blob worker.
 */
const DOCS_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'self'",
  "frame-ancestors 'self'",
].join('; ');

const require = createRequire(import.meta.url);

/** The top bar's logo in Swagger UI: the product's name (the default is Fastify's). */
const LOGO_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" width="260" height="32" viewBox="0 0 260 32">' +
  '<text x="0" y="23" fill="#fff" font-family="sans-serif" font-size="20" font-weight="bold">gha-ephemeral-runners</text></svg>';

/** The one thing ReDoc's bundle loads from elsewhere: the logo beside "API docs by Redocly", from its CDN. */
const REDOC_CDN_LOGO = 'https://cdn.redoc.ly/redoc/logo-mini.svg';
const EMPTY_SVG = "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' width='1' height='1'/%3E";

/** ReDoc's bundle with its CDN logo replaced by an empty inline image, so the page needs nothing from outside. */
export function localizeRedocBundle(source: string): string {
  if (!source.includes(REDOC_CDN_LOGO)) return source;
  return source.replaceAll(REDOC_CDN_LOGO, EMPTY_SVG);
}

/**
 * `GET /openapi.json`, Swagger UI at `/docs` (assets from @fastify/swagger-ui's bundled swagger-ui-dist) and ReDoc
 * at `/redoc` (the bundle from the `redoc` package, read once, on first use). No key needed; rate limited like the rest.
 */
export const docsRoutes: FastifyPluginAsync<DocsRoutesOptions> = async (app, { document }) => {
  const json = JSON.stringify(document);
  app.get('/openapi.json', async (_request, reply) =>
    reply.type('application/json; charset=utf-8').send(json),
  );

  // The document is built from zod, not from openapi-types: its shape is checked by the tests that render it.
  const specification = { document } as unknown as Extract<
    SwaggerOptions,
    { mode?: 'static' }
  >['specification'];
  await app.register(swagger, { mode: 'static', specification });
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    staticCSP: DOCS_CSP,
    theme: { title: 'gha-ephemeral-runners API' },
    logo: { type: 'image/svg+xml', content: Buffer.from(LOGO_SVG) },
    uiConfig: { deepLinking: true, displayRequestDuration: true, tryItOutEnabled: false },
  });

  // Read on first use, not at start: a megabyte of JavaScript most gateways never serve (idle memory counts).
  let bundle: Promise<string> | null = null;
  const redocBundle = (): Promise<string> => {
    bundle ??= readFile(require.resolve('redoc/bundles/redoc.standalone.js'), 'utf8').then(
      localizeRedocBundle,
      (error: unknown) => {
        bundle = null;
        throw error;
      },
    );
    return bundle;
  };
  app.get('/redoc', async (request, reply) => {
    // `/redoc/` (trailing slash allowed by the router) puts the page one level deeper.
    const deeper = (request.url.split('?')[0] ?? '').endsWith('/');
    return reply
      .header('content-security-policy', DOCS_CSP)
      .type('text/html; charset=utf-8')
      .send(redocPage(deeper ? { assets: '', spec: '../' } : { assets: 'redoc/', spec: '' }));
  });
  app.get('/redoc/redoc.standalone.js', async (_request, reply) =>
    reply
      .header('cache-control', 'public, max-age=86400')
      .type('application/javascript; charset=utf-8')
      .send(await redocBundle()),
  );
};
