// The log redactor's cost per line as the secrets it holds grow (issue: after 1,000 just-in-time runners a line
// cost 26 ms). For each count of learnt secrets of ~2 KB, made at run time in two shapes, `random` (base64 of
// random bytes) and `jit` (base64 of JSON like an encoded just-in-time configuration, so they all share a
// prefix): the time of the first line after they were learnt, the mean time of a ~300-byte log line without
// secrets and of one that carries a learnt secret (ratios against the first count), and the heap they take.
// Needs the built package (`pnpm build`); run with `node --expose-gc bench/redactor.mjs` (a few seconds).
// Settings: BENCH_REDACTOR_COUNTS (10,1000,5000), BENCH_REDACTOR_SHAPES (random,jit), BENCH_REDACTOR_MS (200:
// time spent timing each kind of line), BENCH_REDACTOR_MODULE (a module exporting `Redactor`, to measure another
// implementation; default the package's dist/index.js).
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

export function redactorSettings(env = process.env) {
  return {
    counts: (env.BENCH_REDACTOR_COUNTS ?? '10,1000,5000').split(',').map(Number),
    shapes: (env.BENCH_REDACTOR_SHAPES ?? 'random,jit').split(','),
    budgetMs: Number(env.BENCH_REDACTOR_MS ?? 200),
    module: resolve(env.BENCH_REDACTOR_MODULE ?? join(ROOT, 'packages/logging/dist/index.js')),
  };
}

/** About 2 KB of base64 of random bytes. */
function randomSecret() {
  return randomBytes(1536).toString('base64');
}

/** A made-up encoded just-in-time configuration: random, built at run time, about 2 KB. */
function fakeJitConfig() {
  const config = {
    '.runner': randomBytes(420).toString('base64'),
    '.credentials': randomBytes(300).toString('base64'),
    '.credentials_rsaparams': randomBytes(330).toString('base64'),
  };
  return Buffer.from(JSON.stringify(config)).toString('base64');
}

function logLine(extra) {
  const entry = {
    level: 'INFO',
    time: new Date(0).toISOString(),
    service: 'orchestrator',
    category: 'MONITOR',
    component: 'reconciler',
    pool: 'linux-x64',
    runner: 'gha-ephemeral-linux-x64-0001',
    container: 'c0ffee'.repeat(10),
    labels: ['self-hosted', 'linux', 'x64'],
    msg: 'runner started and registered with GitHub',
    ...extra,
  };
  return `${JSON.stringify(entry)}\n`;
}

/** Microseconds per call of `redact(line)`: the median of batches of 20 calls, until the budget is spent. */
function timeLine(redactor, line, budgetMs) {
  for (let i = 0; i < 20; i++) redactor.redact(line);
  const batches = [];
  const deadline = performance.now() + budgetMs;
  while (performance.now() < deadline || batches.length < 3) {
    const start = performance.now();
    for (let i = 0; i < 20; i++) redactor.redact(line);
    batches.push(((performance.now() - start) * 1000) / 20);
  }
  return batches.sort((a, b) => a - b)[batches.length >> 1];
}

function heapMb() {
  globalThis.gc?.();
  return process.memoryUsage().heapUsed / 2 ** 20;
}

function measure(Redactor, shape, count, budgetMs) {
  const secrets = Array.from({ length: count }, shape === 'jit' ? fakeJitConfig : randomSecret);
  const heapBefore = heapMb();
  const redactor = new Redactor([]);
  const addStart = performance.now();
  for (const secret of secrets) redactor.add(secret);
  const addMs = performance.now() - addStart;
  const plain = logLine({});
  const firstStart = performance.now();
  const redacted = redactor.redact(plain);
  const firstLineMs = performance.now() - firstStart;
  if (redacted !== plain) throw new Error('a line without secrets was changed');
  const carrying = logLine({ msg: `docker said ${secrets[count >> 1]}` });
  if (redactor.redact(carrying).includes(secrets[count >> 1]))
    throw new Error('a learnt secret was not hidden');
  return {
    shape,
    secrets: count,
    addMs,
    firstLineMs,
    plainLineUs: timeLine(redactor, plain, budgetMs),
    plainLineBytes: plain.length,
    secretLineUs: timeLine(redactor, carrying, budgetMs),
    secretLineBytes: carrying.length,
    heapMb: heapMb() - heapBefore,
  };
}

export async function runRedactorBench(settings = redactorSettings()) {
  const { Redactor } = await import(pathToFileURL(settings.module).href);
  // Warm up first, so that the first row does not pay for compiling the code.
  for (const shape of settings.shapes) measure(Redactor, shape, 10, settings.budgetMs);
  const rows = [];
  for (const shape of settings.shapes) {
    for (const count of settings.counts) {
      process.stderr.write(`[bench:redactor] ${count} ${shape} secrets…\n`);
      rows.push(measure(Redactor, shape, count, settings.budgetMs));
    }
  }
  return { settings, node: process.version, rows };
}

/** The row of the first count of the same shape, which the others are compared with. */
function baseRow(result, row) {
  return result.rows.find((other) => other.shape === row.shape);
}

export function formatRedactorBench(result) {
  const ratio = (value, baseValue) => `${(value / baseValue).toFixed(2)}×`;
  const lines = [
    `## Log redactor: cost per line by learnt secrets (~2 KB each; ${result.settings.module})`,
    '',
    '| shape | secrets | learn all (ms) | first line (ms) | plain line (µs) | ratio | line with a secret (µs) | ratio | heap (MB) |',
    '| :--- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const row of result.rows) {
    const base = baseRow(result, row);
    lines.push(
      `| ${row.shape} | ${row.secrets} | ${row.addMs.toFixed(1)} | ${row.firstLineMs.toFixed(2)} | ${row.plainLineUs.toFixed(2)} | ` +
        `${ratio(row.plainLineUs, base.plainLineUs)} | ${row.secretLineUs.toFixed(2)} | ` +
        `${ratio(row.secretLineUs, base.secretLineUs)} | ${row.heapMb.toFixed(1)} |`,
    );
  }
  const [first] = result.rows;
  lines.push(
    '',
    `(plain line ${first.plainLineBytes} bytes, line with a secret ${first.secretLineBytes} bytes)`,
  );
  return lines.join('\n');
}

/** A line must not cost more than twice as much with many secrets as with few. */
export function redactorBenchFailed(result) {
  return result.rows.some((row) => row.plainLineUs > 2 * baseRow(result, row).plainLineUs);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const result = await runRedactorBench();
  console.log(formatRedactorBench(result));
  const directory = join(ROOT, 'bench', 'results');
  mkdirSync(directory, { recursive: true });
  writeFileSync(join(directory, 'redactor.json'), `${JSON.stringify(result, null, 2)}\n`);
  console.log(`(raw numbers in ${join(directory, 'redactor.json')})`);
  if (redactorBenchFailed(result)) process.exitCode = 1;
}
