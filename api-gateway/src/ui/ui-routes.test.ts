import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dashboardAssetsDir } from '@gha-ephemeral/dashboard';
import { registerErrorHandler } from '@gha-ephemeral/http-errors';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UI_CSP, uiRoutes } from './ui-routes.js';

const SECRET = 'SECRET-OUTSIDE-ASSETS';

/** A built dashboard in a temporary directory, with files beside and above it that must never be served. */
function makeDist(): { root: string; dist: string } {
  const root = mkdtempSync(join(tmpdir(), 'gateway-ui-'));
  const dist = join(root, 'dist');
  mkdirSync(join(dist, 'assets'), { recursive: true });
  writeFileSync(
    join(dist, 'index.html'),
    '<!doctype html><title>dash</title><script src="/ui/assets/app-AB12.js">',
  );
  writeFileSync(join(dist, 'assets', 'app-AB12.js'), 'console.log("app")');
  writeFileSync(join(dist, 'assets', 'app-AB12.css'), 'body{color:red}');
  writeFileSync(join(dist, 'assets', '.hidden'), SECRET);
  writeFileSync(join(dist, 'secret.txt'), SECRET);
  writeFileSync(join(root, 'outside.txt'), SECRET);
  return { root, dist };
}

/** A plain Fastify with the gateway's router option and error JSON, and the plugin under test. */
async function makeApp(assetsDir: string): Promise<FastifyInstance> {
  const app = Fastify({ routerOptions: { ignoreTrailingSlash: true } });
  registerErrorHandler(app, { service: 'gateway', bodyLimit: 1024 });
  await app.register(uiRoutes, { assetsDir });
  await app.ready();
  return app;
}

function expectSecurityHeaders(headers: Record<string, unknown>): void {
  expect(headers['content-security-policy']).toBe(
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; " +
      "frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  );
  expect(headers['x-content-type-options']).toBe('nosniff');
  expect(headers['referrer-policy']).toBe('no-referrer');
}

describe('the dashboard routes', () => {
  let root: string;
  let app: FastifyInstance;

  beforeAll(async () => {
    const made = makeDist();
    root = made.root;
    app = await makeApp(made.dist);
  });
  afterAll(async () => {
    await app?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it.each(['/ui', '/ui/'])(
    'serves the page at %s, revalidated on every visit, under a strict policy',
    async (url) => {
      const response = await app.inject({ method: 'GET', url });
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(response.headers['cache-control']).toBe('no-cache');
      expectSecurityHeaders(response.headers);
      expect(response.body).toContain('/ui/assets/app-AB12.js');
    },
  );

  it('serves the hashed assets with their types, cached for a year', async () => {
    const script = await app.inject({ method: 'GET', url: '/ui/assets/app-AB12.js' });
    expect(script.statusCode).toBe(200);
    expect(script.headers['content-type']).toMatch(/^(application|text)\/javascript/);
    expect(script.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expectSecurityHeaders(script.headers);
    expect(script.body).toBe('console.log("app")');

    const style = await app.inject({ method: 'GET', url: '/ui/assets/app-AB12.css' });
    expect(style.statusCode).toBe(200);
    expect(style.headers['content-type']).toMatch(/^text\/css/);
    expect(style.headers['cache-control']).toBe('public, max-age=31536000, immutable');
  });

  it('answers 404 for an asset that does not exist', async () => {
    const response = await app.inject({ method: 'GET', url: '/ui/assets/app-OLD.js' });
    expect(response.statusCode).toBe(404);
  });

  it.each([
    '/ui/assets/../secret.txt',
    '/ui/assets/../../outside.txt',
    '/ui/assets/..%2fsecret.txt',
    '/ui/assets/..%2f..%2foutside.txt',
    '/ui/assets/%2e%2e/secret.txt',
    '/ui/assets/%2e%2e%2f%2e%2e%2foutside.txt',
    '/ui/assets/%252e%252e%252fsecret.txt',
    '/ui/assets/..%5csecret.txt',
    '/ui/assets/....//secret.txt',
    '/ui/assets//../secret.txt',
    '/ui/assets/.hidden',
    '/ui/assets/%2ehidden',
    '/ui/assets/app-AB12.js%00.txt',
    '/ui/../outside.txt',
    '/ui/secret.txt',
    '/ui/%2e%2e/outside.txt',
  ])('never serves a file outside the assets: %s', async (url) => {
    const response = await app.inject({ method: 'GET', url });
    expect(response.statusCode).toBeGreaterThanOrEqual(400);
    expect(response.body).not.toContain(SECRET);
  });

  it('needs no API key for the page itself (its data calls do)', async () => {
    const response = await app.inject({ method: 'GET', url: '/ui' });
    expect(response.statusCode).toBe(200);
  });

  it('exports the policy it sends', () => {
    expect(UI_CSP).toContain("default-src 'self'");
    expect(UI_CSP).not.toContain('unsafe-inline');
  });
});

describe('the dashboard routes when the page was not built', () => {
  it('answers 503 with the gateway error JSON saying to run pnpm build', async () => {
    const root = mkdtempSync(join(tmpdir(), 'gateway-ui-empty-'));
    const app = await makeApp(join(root, 'dist'));
    try {
      const response = await app.inject({ method: 'GET', url: '/ui' });
      expect(response.statusCode).toBe(503);
      expect(response.headers['content-type']).toMatch(/^application\/json/);
      const body = response.json();
      expect(body.message).toMatch(/pnpm build/);
      expect(body.code).toBe('ui.not_built');
      const asset = await app.inject({ method: 'GET', url: '/ui/assets/app-AB12.js' });
      expect(asset.statusCode).toBe(404);
    } finally {
      await app.close();
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('finds the dashboard package by default', () => {
    expect(dashboardAssetsDir()).toMatch(/packages[\\/]dashboard[\\/]dist$/);
  });
});
