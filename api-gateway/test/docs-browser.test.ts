import { mkdtempSync, statSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from './helpers/gateway.js';
import { startStandInOrchestrator, type StandInOrchestrator } from './helpers/stand-in-orchestrator.js';

/** Debian's chromium; the CI set-up installs it. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

describe('the docs pages in a real browser', () => {
  let upstream: StandInOrchestrator;
  let gateway: TestGateway;
  let browser: Browser;
  let origin: string;
  const screenshots = mkdtempSync(join(tmpdir(), 'gateway-docs-'));

  beforeAll(async () => {
    upstream = await startStandInOrchestrator();
    gateway = await startTestGateway({ orchestratorUrl: upstream.url, listen: true });
    origin = `http://127.0.0.1:${(gateway.app.server.address() as AddressInfo).port}`;
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  });
  afterAll(async () => {
    await browser?.close();
    await gateway?.close();
    await upstream?.close();
  });

  /** Opens `path` with every request recorded; anything not for the gateway is blocked and reported. */
  async function open(
    path: string,
  ): Promise<{ page: Page; context: BrowserContext; seen: string[]; foreign: string[]; problems: string[] }> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const seen: string[] = [];
    const foreign: string[] = [];
    const problems: string[] = [];
    await context.route('**/*', async (route) => {
      const url = route.request().url();
      seen.push(url);
      if (url.startsWith(`${origin}/`)) await route.continue();
      else {
        foreign.push(url);
        await route.abort();
      }
    });
    const page = await context.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('requestfailed', (request) => problems.push(`failed: ${request.url()}`));
    await page.goto(`${origin}${path}`, { waitUntil: 'networkidle' });
    return { page, context, seen, foreign, problems };
  }

  it('renders Swagger UI at /docs with every route, from local assets only', async () => {
    const { page, context, seen, foreign, problems } = await open('/docs');
    await page.waitForSelector('.opblock', { timeout: 20_000 });
    const operations = await page.locator('.opblock-summary').allTextContents();
    const text = operations.map((operation) => operation.replace(/\s+/g, ' ').trim()).join('\n');
    for (const expected of [
      /GET\s*\/health/,
      /GET\s*\/api\/v1\/runners(?!\/)/,
      /POST\s*\/api\/v1\/runners/,
      /GET\s*\/api\/v1\/runners\/\{id\}/,
      /DELETE\s*\/api\/v1\/runners\/\{id\}/,
      /GET\s*\/runners(?!\/)/,
      /GET\s*\/runners\/\{id\}/,
    ]) {
      expect(text).toMatch(expected);
    }
    expect(await page.locator('.btn.authorize').count()).toBe(1);
    const file = join(screenshots, 'docs.png');
    await page.screenshot({ path: file, fullPage: true });
    expect(statSync(file).size).toBeGreaterThan(20_000);
    expect(foreign).toEqual([]);
    expect(problems).toEqual([]);
    expect(seen.some((url) => url.includes('swagger-ui-bundle.js'))).toBe(true);
    await context.close();
  });

  it('renders ReDoc at /redoc with every operation, from local assets only', async () => {
    const { page, context, seen, foreign, problems } = await open('/redoc');
    await page.waitForSelector('[data-section-id^="operation/"]', { timeout: 20_000 });
    const locator = page.locator('[data-section-id^="operation/"]');
    const sections: (string | null)[] = [];
    for (let i = 0; i < (await locator.count()); i += 1) {
      sections.push(await locator.nth(i).getAttribute('data-section-id'));
    }
    expect(sections).toEqual(
      expect.arrayContaining([
        'operation/getHealth',
        'operation/listRunners',
        'operation/createRunners',
        'operation/getRunner',
        'operation/deleteRunner',
        'operation/listRunnersShort',
        'operation/getRunnerShort',
      ]),
    );
    const body = await page.textContent('body');
    expect(body).toMatch(/Start runners/);
    expect(body).toMatch(/gha-ephemeral-runners API/);
    const file = join(screenshots, 'redoc.png');
    await page.screenshot({ path: file, fullPage: false });
    expect(statSync(file).size).toBeGreaterThan(20_000);
    expect(foreign).toEqual([]);
    expect(problems).toEqual([]);
    expect(seen.some((url) => url.endsWith('/redoc/redoc.standalone.js'))).toBe(true);
    expect(seen.some((url) => url.endsWith('/openapi.json'))).toBe(true);
    await context.close();
  });
});
