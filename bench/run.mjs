#!/usr/bin/env node
// `pnpm bench`: builds (the root script does), then runs each benchmark suite in turn and prints its table. Each suite
// is a module exporting `run(settings)` → result and `format(result)` → text, and `failed(result)` → boolean.
// BENCH_ONLY=gateway runs one suite; the suites read their own BENCH_* variables (see each file's header).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  discoveryBenchFailed,
  discoverySettings,
  formatDiscoveryBench,
  runDiscoveryBench,
} from './discovery.mjs';
import { benchSettings, formatGatewayBench, gatewayBenchFailed, runGatewayBench } from './gateway.mjs';
import { formatWebhookBench, runWebhookBench, webhookBenchFailed, webhookSettings } from './webhook.mjs';
import { formatSoakBench, runSoakBench, soakBenchFailed, soakSettings } from './soak.mjs';
import { chaosBenchFailed, chaosSettings, formatChaosBench, runChaosBench } from './chaos.mjs';
import { formatWarmBench, runWarmBench, warmBenchFailed, warmSettings } from './warm.mjs';
import { formatScaleSetBench, runScaleSetBench, scaleSetBenchFailed, scaleSetSettings } from './scaleset.mjs';
import { formatSwarmBench, runSwarmBench, swarmBenchFailed, swarmSettings } from './swarm.mjs';
import {
  dashboardBenchFailed,
  dashboardSettings,
  formatDashboardBench,
  runDashboardBench,
} from './dashboard.mjs';

const SUITES = {
  discovery: {
    run: () => runDiscoveryBench(discoverySettings()),
    format: formatDiscoveryBench,
    failed: discoveryBenchFailed,
  },
  gateway: {
    run: () => runGatewayBench(benchSettings()),
    format: formatGatewayBench,
    failed: gatewayBenchFailed,
  },
  webhook: {
    run: () => runWebhookBench(webhookSettings()),
    format: formatWebhookBench,
    failed: webhookBenchFailed,
  },
  soak: {
    run: () => runSoakBench(soakSettings()),
    format: formatSoakBench,
    failed: soakBenchFailed,
  },
  chaos: {
    run: () => runChaosBench(chaosSettings()),
    format: formatChaosBench,
    failed: chaosBenchFailed,
  },
  warm: {
    run: () => runWarmBench(warmSettings()),
    format: formatWarmBench,
    failed: warmBenchFailed,
  },
  scaleset: {
    run: () => runScaleSetBench(scaleSetSettings()),
    format: formatScaleSetBench,
    failed: scaleSetBenchFailed,
  },
  swarm: {
    run: () => runSwarmBench(swarmSettings()),
    format: formatSwarmBench,
    failed: swarmBenchFailed,
  },
  dashboard: {
    run: () => runDashboardBench(dashboardSettings()),
    format: formatDashboardBench,
    failed: dashboardBenchFailed,
  },
};

const only = process.env.BENCH_ONLY?.split(',').map((name) => name.trim());
const directory = join(fileURLToPath(new URL('.', import.meta.url)), 'results');
mkdirSync(directory, { recursive: true });
const stamp = new Date().toISOString().replace(/[:.]/g, '-');
let failed = false;
for (const [name, suite] of Object.entries(SUITES)) {
  if (only && !only.includes(name)) continue;
  const result = await suite.run();
  console.log(`${suite.format(result)}\n`);
  writeFileSync(join(directory, `${name}-${stamp}.json`), `${JSON.stringify(result, null, 2)}\n`);
  failed ||= suite.failed(result);
}
console.log(`(raw numbers in ${directory})`);
if (failed) process.exitCode = 1;
