import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import { AppError } from '@gha-ephemeral/contract';
import { dashboardAssetsDir } from '@gha-ephemeral/dashboard';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';

/** Options of {@link uiRoutes}. */
export interface UiRoutesOptions {
  /** The built dashboard (`index.html` and `assets/`); default: the `@gha-ephemeral/dashboard` package's dist. */
  assetsDir?: string;
}

/**
 * The page loads nothing but its own script and stylesheet and talks only to this origin (air-gapped gateways
 * must work; a stray CDN link would show as a broken page). No inline script or style: the build links them.
 */
export const UI_CSP = [
  "default-src 'self'",
  "img-src 'self' data:",
  "style-src 'self'",
  "script-src 'self'",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

/** Every answer under /ui: the policy above, no MIME sniffing, and no referrer (the page's URLs are nobody's business). */
const SECURITY_HEADERS = {
  'content-security-policy': UI_CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
} as const;

function notBuilt(): AppError {
  return new AppError(
    'ui.not_built',
    'The dashboard is not built: run `pnpm build` (or `pnpm build:ui`) and reload; the API is unaffected',
  );
}

async function readIndex(dir: string): Promise<Buffer> {
  try {
    return await readFile(join(dir, 'index.html'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw notBuilt();
    throw error;
  }
}

/**
 * `GET /ui` (and `/ui/`): the operators' dashboard, a static page from `@gha-ephemeral/dashboard`, and its
 * content-hashed assets under `/ui/assets/` (cached for a year: a new build has new names). The page needs no key;
 * its data calls (`/api/v1/...`) do. 503 when the page was not built.
 */
export const uiRoutes: FastifyPluginAsync<UiRoutesOptions> = async (app, options) => {
  const dir = options.assetsDir ?? dashboardAssetsDir();
  if (!existsSync(join(dir, 'index.html'))) {
    app.log.warn(
      { category: 'WARNING', dir },
      'the dashboard is not built: GET /ui answers 503 until `pnpm build`',
    );
  }

  app.addHook('onRequest', async (_request, reply) => {
    void reply.headers(SECURITY_HEADERS);
  });

  const sendIndex = async (_request: FastifyRequest, reply: FastifyReply) =>
    reply
      .header('cache-control', 'no-cache')
      .type('text/html; charset=utf-8')
      .send(await readIndex(dir));
  app.get('/ui', sendIndex);
  // Gateways that ignore trailing slashes route `/ui/` to the route above already.
  if (!app.hasRoute({ method: 'GET', url: '/ui/' })) app.get('/ui/', sendIndex);

  await app.register(fastifyStatic, {
    root: join(dir, 'assets'),
    prefix: '/ui/assets/',
    // Looked up per request, not globbed at start: a page built after the gateway started is served too.
    wildcard: true,
    decorateReply: false,
    index: false,
    list: false,
    dotfiles: 'deny',
    preCompressed: true,
    immutable: true,
    maxAge: '365d',
    suppressWarning: true,
  });
};
