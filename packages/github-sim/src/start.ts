import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import type { SimContext } from './app-context.js';
import { buildSimApp } from './app.js';
import { AppRegistry } from './apps/app-registry.js';
import { RequestCounter } from './control/counters.js';
import { FaultSet } from './control/faults.js';
import { SimControl } from './control/sim-control.js';
import type { TokenInfo } from './control/seeding.js';
import { RunnerService } from './engine/runner-service.js';
import { ScaleSetService } from './engine/scale-sets/scale-set-service.js';
import { applySeed } from './seed.js';
import type { SimSeed } from './seed.js';
import { SimStore } from './state/store.js';
import { WebhookHub } from './webhooks/webhook-hub.js';

/** Options of {@link startGitHubSim}. */
export interface GitHubSimOptions {
  /** Default `127.0.0.1`. */
  host?: string;
  /** Default 0 (a free port). */
  port?: number;
  /** API tokens to accept, token → user. */
  tokens?: Record<string, TokenInfo>;
  /** A Fastify logger setting; default `false`. */
  logger?: FastifyServerOptions['logger'];
  /** Origin to put in URLs and JIT configs instead of the one a request arrived at. */
  publicUrl?: string;
  /** Primary rate limit per token and hour; default 5,000. */
  rateLimit?: number;
  /** A runner that has not polled for this long is `offline` (and a job it held fails); default 10,000 ms. */
  offlineAfterMs?: number;
  /** State to start with. */
  seed?: SimSeed;
  /**
   * Serve HTTPS with this certificate and key (PEM) instead of plain HTTP: what organization runners need, since
   * the myoung34 image always registers them at `https://GITHUB_HOST/ORG`.
   */
  tls?: { cert: string; key: string };
}

/** A running simulator. */
export interface GitHubSim {
  /** The web origin, like `https://github.com` or a GHES host: `http://127.0.0.1:PORT` (`https://` with `tls`). */
  readonly url: string;
  /** The REST base, GHES style: `${url}/api/v3`. The API also answers at the root. */
  readonly apiUrl: string;
  /** The typed in-process control (the same operations as `/_sim/*`). */
  readonly control: SimControl;
  /** The Fastify instance, for `inject()` in tests. */
  readonly app: FastifyInstance;
  /** Stops listening and ends open long polls. */
  close(): Promise<void>;
}

/** Starts a GitHub simulator listening on `host:port`. */
export async function startGitHubSim(options: GitHubSimOptions = {}): Promise<GitHubSim> {
  const store = new SimStore({
    rateLimit: options.rateLimit ?? 5000,
    offlineAfterMs: options.offlineAfterMs ?? 10_000,
  });
  const publicUrl = options.publicUrl?.replace(/\/+$/, '');
  // Webhook payloads are built outside any request, so their URLs use the public URL or the bound address.
  let origin = publicUrl ?? 'http://127.0.0.1';
  const runnerService = new RunnerService(store);
  const ctx: SimContext = {
    store,
    apps: new AppRegistry(store),
    webhooks: new WebhookHub(store, () => ({ api: `${origin}/api/v3`, web: origin })),
    runnerService,
    scaleSets: new ScaleSetService(store, runnerService),
    faults: new FaultSet(),
    counter: new RequestCounter(),
    publicUrl,
  };
  const control = new SimControl(ctx);
  for (const [token, info] of Object.entries(options.tokens ?? {})) control.addToken(token, info);
  if (options.seed) applySeed(control, options.seed);
  const app = buildSimApp(ctx, control, {
    ...(options.logger === undefined ? {} : { logger: options.logger }),
    ...(options.tls ? { https: options.tls } : {}),
  });
  const host = options.host ?? '127.0.0.1';
  await app.listen({ host, port: options.port ?? 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : (options.port ?? 0);
  const sweeper = setInterval(
    () => ctx.runnerService.sweep(),
    Math.max(50, Math.min(1000, store.settings.offlineAfterMs / 4)),
  );
  sweeper.unref();
  const scaleSetSweeper = startScaleSetSweeper(ctx);
  const shownHost =
    host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  const url = `${options.tls ? 'https' : 'http'}://${shownHost}:${port}`;
  origin = publicUrl ?? url;
  return {
    url,
    apiUrl: `${url}/api/v3`,
    control,
    app,
    async close() {
      clearInterval(sweeper);
      scaleSetSweeper.stop();
      ctx.scaleSets.close();
      ctx.webhooks.close();
      // Wakes every long poll so it answers before the server closes.
      store.changed();
      await app.close();
    },
  };
}

/**
 * Runs the scale-set sweep (idle sessions, assignment timeouts) at a pace that follows the current options,
 * so a test that shortens the timeouts sees them honoured within a fraction of their length.
 */
function startScaleSetSweeper(ctx: SimContext): { stop(): void } {
  let timer: NodeJS.Timeout | undefined;
  const schedule = (): void => {
    const { assignTimeoutMs, sessionIdleTimeoutMs } = ctx.store.actions;
    const every = Math.max(20, Math.min(1000, Math.min(assignTimeoutMs, sessionIdleTimeoutMs) / 4));
    timer = setTimeout(() => {
      ctx.scaleSets.sweep();
      schedule();
    }, every);
    timer.unref();
  };
  schedule();
  return { stop: () => clearTimeout(timer) };
}
