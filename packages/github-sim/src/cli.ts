#!/usr/bin/env node
import { readFile } from 'node:fs/promises';
import { parseTokens } from './env-tokens.js';
import type { SimSeed } from './seed.js';
import { startGitHubSim } from './start.js';

async function main(): Promise<void> {
  const env = process.env;
  const port = Number(env['GITHUB_SIM_PORT'] ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error('GITHUB_SIM_PORT must be a port number');
  const seedPath = env['GITHUB_SIM_SEED'];
  const seed = seedPath ? (JSON.parse(await readFile(seedPath, 'utf8')) as SimSeed) : undefined;
  const offline = env['GITHUB_SIM_OFFLINE_AFTER_MS'];
  const sim = await startGitHubSim({
    host: env['GITHUB_SIM_HOST'] ?? '0.0.0.0',
    port,
    tokens: parseTokens(env['GITHUB_SIM_TOKENS']),
    logger: { level: env['GITHUB_SIM_LOG_LEVEL'] ?? 'info', redact: ['req.headers.authorization'] },
    ...(env['GITHUB_SIM_PUBLIC_URL'] ? { publicUrl: env['GITHUB_SIM_PUBLIC_URL'] } : {}),
    ...(offline ? { offlineAfterMs: Number(offline) } : {}),
    ...(seed ? { seed } : {}),
  });
  const hookUrl = env['GITHUB_SIM_WEBHOOK_URL'];
  if (hookUrl) {
    const secret = env['GITHUB_SIM_WEBHOOK_SECRET'];
    sim.control.addWebhook({ url: hookUrl, ...(secret ? { secret } : {}) });
  }
  process.stdout.write(`github-sim listening: web ${sim.url}, REST ${sim.apiUrl}, control ${sim.url}/_sim\n`);
  let closing = false;
  const stop = (): void => {
    if (closing) return;
    closing = true;
    sim.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`github-sim: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
