import { existsSync, mkdirSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startGitHubSim, type GitHubSim } from '@gha-ephemeral/github-sim';
import {
  countContainersByLabel,
  findRepoRoot,
  removeContainersByLabel,
  requireDockerEngine,
  uniqueId,
  waitFor,
} from '@gha-ephemeral/testkit';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBuiltGateway, startBuiltOrchestrator, stopService, type Service } from './helpers/services.js';

// The dashboard in a real browser, in front of the built services, the GitHub simulator (which sends signed webhooks
// as GitHub would) and the real Docker engine. Screenshots go to docs/images with UPDATE_SCREENSHOTS=1.
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'];
const GITHUB_TOKEN = `ghp_${'dash'.repeat(9)}`;
const SHARED_TOKEN = 'gateway-to-orchestrator-dashboard-0123';
const API_KEY = 'dashboard-api-key-0123456789abcdef';
const WEBHOOK_SECRET = 'dashboard-webhook-secret-0123456789';
const POOLS = `pools:\n  - name: small\n    labels: [small]\n    max: 2\n    resources: { memory: 256m, cpus: 0.5 }\n`;

const root = findRepoRoot();

describe('the dashboard in a real browser (built services, simulator, Docker)', () => {
  const orchestratorId = uniqueId('dash');
  let sim: GitHubSim;
  let orchestrator: Service | undefined;
  let gateway: Service | undefined;
  let browser: Browser;
  let origin = '';
  /** Every address the pages asked for, to prove nothing left the gateway. */
  const requested: string[] = [];

  const ourRunners = () => countContainersByLabel('gha-ephemeral.orchestrator', orchestratorId);

  beforeAll(async () => {
    await requireDockerEngine();
    for (const built of [
      'orchestrator/dist/main.js',
      'api-gateway/dist/main.js',
      'packages/dashboard/dist/index.html',
    ]) {
      if (!existsSync(join(root, built))) throw new Error(`${built} is missing: run pnpm build first`);
    }
    sim = await startGitHubSim({ tokens: { [GITHUB_TOKEN]: { login: 'octo' } } });
    sim.control.createRepo({ owner: 'octo', name: 'app' });
    const poolFile = join(mkdtempSync(join(tmpdir(), 'dashboard-')), 'pools.yaml');
    writeFileSync(poolFile, POOLS);
    const started = await startBuiltOrchestrator({
      githubApiUrl: sim.apiUrl,
      githubToken: GITHUB_TOKEN,
      orchestratorId,
      apiToken: SHARED_TOKEN,
      env: { RUNNER_POOLS_FILE: poolFile, AUTO_CREATE_RUNNERS: 'true' },
    });
    orchestrator = started.service;
    const front = await startBuiltGateway({
      orchestratorUrl: started.url,
      apiToken: SHARED_TOKEN,
      apiKey: API_KEY,
      env: { GITHUB_WEBHOOK_SECRET: WEBHOOK_SECRET },
    });
    gateway = front.service;
    origin = front.url;
    sim.control.addWebhook({ url: `${origin}/webhooks/github`, secret: WEBHOOK_SECRET });
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  }, 120_000);

  afterAll(async () => {
    if (process.env.DASHBOARD_TEST_LOGS) {
      writeFileSync(
        process.env.DASHBOARD_TEST_LOGS,
        `${orchestrator?.output.join('')}\n${gateway?.output.join('')}`,
      );
    }
    await browser?.close();
    await stopService(gateway);
    await stopService(orchestrator);
    await removeContainersByLabel('gha-ephemeral.orchestrator', orchestratorId);
    await sim?.close();
  });

  /** A page at /ui in its own context; every request it makes is recorded. */
  async function openDashboard(options: { colorScheme?: 'light' | 'dark' } = {}): Promise<{
    context: BrowserContext;
    page: Page;
  }> {
    const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, ...options });
    const page = await context.newPage();
    page.on('request', (request) => requested.push(request.url()));
    await page.goto(`${origin}/ui`);
    return { context, page };
  }

  async function signIn(page: Page, key: string): Promise<void> {
    await page.getByLabel('API key').fill(key);
    await page.getByRole('button', { name: 'Sign in' }).click();
  }

  it('refuses a wrong key, saying so, and shows nothing behind it', async () => {
    const { context, page } = await openDashboard();
    try {
      await signIn(page, 'not-a-key-of-this-gateway');
      await expect.poll(() => page.getByRole('alert').textContent(), { timeout: 10_000 }).toMatch(/refused/i);
      expect(await page.getByRole('table', { name: 'Runners' }).count()).toBe(0);
      // The key is in no URL, cookie or storage.
      expect(page.url()).not.toContain('not-a-key');
      expect(await context.cookies()).toEqual([]);
    } finally {
      await context.close();
    }
  }, 60_000);

  it('shows the pool, a runner appearing for a queued job and leaving once done, without reloading', async () => {
    const { context, page } = await openDashboard();
    try {
      await signIn(page, API_KEY);
      await page.getByRole('heading', { name: 'small', exact: true }).waitFor({ timeout: 15_000 });
      const runners = page.getByRole('table', { name: 'Runners' });
      await page.getByText('Live').first().waitFor();
      const navigations: string[] = [];
      page.on('framenavigated', (frame) => navigations.push(frame.url()));

      const { jobId } = sim.control.queueJob({
        repo: 'octo/app',
        labels: ['self-hosted', 'small'],
        steps: ['sleep 3'],
      });
      // The runner's row appears (pool small, target octo/app) while the job runs…
      const row = runners.getByRole('row').filter({ hasText: 'octo/app' });
      await row.first().waitFor({ timeout: 30_000 });
      await expect.poll(() => row.first().textContent(), { timeout: 30_000 }).toMatch(/small/);
      await waitFor(() => sim.control.getJob(jobId)?.status === 'completed', {
        timeoutMs: 60_000,
        message: 'the job to complete',
      });
      // …and leaves when the job is done; the job's row says how it ended.
      await expect.poll(() => row.count(), { timeout: 30_000 }).toBe(0);
      const jobs = page.getByRole('table', { name: 'Recent jobs' });
      await expect
        .poll(() => jobs.getByRole('row').filter({ hasText: 'success' }).count(), { timeout: 15_000 })
        .toBe(1);
      expect(navigations).toEqual([]);
    } finally {
      await context.close();
    }
  }, 120_000);

  it('says why a job no pool fits waits', async () => {
    const { context, page } = await openDashboard();
    try {
      await signIn(page, API_KEY);
      sim.control.queueJob({ repo: 'octo/app', labels: ['self-hosted', 'gpu'], name: 'train' });
      const jobs = page.getByRole('table', { name: 'Recent jobs' });
      await jobs
        .getByText('no pool fits labels [self-hosted, gpu]', { exact: false })
        .waitFor({ timeout: 30_000 });
    } finally {
      await context.close();
    }
  }, 60_000);

  it('removes a runner with the button, after a confirmation', async () => {
    const created = await fetch(`${origin}/api/v1/runners`, {
      method: 'POST',
      headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ repository: 'octo/app', pool: 'small' }),
    });
    expect(created.status).toBe(201);
    const [runner] = ((await created.json()) as { runners: { id: string }[] }).runners;
    const { context, page } = await openDashboard();
    try {
      await signIn(page, API_KEY);
      await page.getByRole('button', { name: `Remove runner ${runner!.id}` }).click();
      const dialog = page.getByRole('dialog', { name: `Remove runner ${runner!.id}?` });
      await dialog.getByRole('button', { name: 'Remove' }).click();
      await page.getByText(`Runner ${runner!.id} removed.`).waitFor({ timeout: 30_000 });
      await expect.poll(ourRunners, { timeout: 30_000 }).toBe(0);
      await expect
        .poll(() => page.getByRole('button', { name: `Remove runner ${runner!.id}` }).count(), {
          timeout: 10_000,
        })
        .toBe(0);
    } finally {
      await context.close();
    }
  }, 90_000);

  it('looks right in both themes (screenshots) and on a phone, and loads nothing from anywhere but the gateway', async () => {
    const out =
      process.env.UPDATE_SCREENSHOTS === '1'
        ? join(root, 'docs/images')
        : mkdtempSync(join(tmpdir(), 'dash-'));
    mkdirSync(out, { recursive: true });
    // A job running while the pictures are taken: a runner, a pool in use, a latency point.
    sim.control.queueJob({ repo: 'octo/app', labels: ['self-hosted', 'small'], steps: ['sleep 20'] });
    for (const colorScheme of ['light', 'dark'] as const) {
      const { context, page } = await openDashboard({ colorScheme });
      try {
        await signIn(page, API_KEY);
        await page
          .getByRole('table', { name: 'Runners' })
          .getByRole('row')
          .filter({ hasText: 'octo/app' })
          .first()
          .waitFor({
            timeout: 30_000,
          });
        const file = join(out, `dashboard-${colorScheme}.png`);
        await page.screenshot({ path: file, fullPage: true });
        expect(statSync(file).size).toBeGreaterThan(20_000);
        const text = String(await page.evaluate('getComputedStyle(document.body).color'));
        const [r, g, b] = text.match(/\d+/g)!.map(Number);
        // Light: dark text on a light page; dark: light text on a dark one.
        expect((r! + g! + b!) / 3 < 128).toBe(colorScheme === 'light');
      } finally {
        await context.close();
      }
    }
    // A phone: the page fits its width (tables scroll inside their own boxes).
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 } });
    try {
      const page = await phone.newPage();
      page.on('request', (request) => requested.push(request.url()));
      await page.goto(`${origin}/ui`);
      await signIn(page, API_KEY);
      await page.getByRole('table', { name: 'Runners' }).waitFor({ timeout: 15_000 });
      const overflow = await page.evaluate('document.documentElement.scrollWidth - window.innerWidth');
      expect(overflow).toBeLessThanOrEqual(0);
    } finally {
      await phone.close();
    }
    expect(requested.length).toBeGreaterThan(10);
    expect(requested.filter((url) => !url.startsWith(`${origin}/`) && !url.startsWith('data:'))).toEqual([]);
  }, 120_000);
});
