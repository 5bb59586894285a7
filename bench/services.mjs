// Helpers of the benchmark suites: free ports, the built services as child processes, and the engine's container
// `start` events with their times.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** A whole number ≥ `min` from the variable `name` of `env`, or `fallback` when unset; a clear error otherwise. */
export function envInt(env, name, fallback, min = 1) {
  const value = Number(env[name] ?? fallback);
  if (!Number.isInteger(value) || value < min) throw new Error(`${name} must be a whole number ≥ ${min}`);
  return value;
}

/** Fails, saying what to run, when one of the built files a suite starts is missing. */
export function requireBuilt(root, scripts) {
  for (const script of scripts) {
    if (!existsSync(join(root, script))) throw new Error(`${script} is missing: run pnpm build first`);
  }
}

/**
 * The built testkit and simulator, once the services' builds are there and a Docker engine answers: what every suite
 * that starts the real stack needs first.
 */
export async function loadStackModules(root) {
  requireBuilt(root, [
    'orchestrator/dist/main.js',
    'api-gateway/dist/main.js',
    'packages/github-sim/dist/index.js',
    'packages/testkit/dist/index.js',
  ]);
  const kit = await import(pathToFileURL(join(root, 'packages/testkit/dist/index.js')).href);
  await kit.requireDockerEngine({ timeoutMs: 5000 });
  const simModule = await import(pathToFileURL(join(root, 'packages/github-sim/dist/index.js')).href);
  return { kit, simModule };
}

/** What every suite's services share: the orchestrator's API token, the gateway's key, the webhook secret, the runner image. */
export const SHARED_TOKEN = 'bench-shared-token-0123456789abcdef';
export const API_KEY = 'bench-api-key-0123456789abcdef';
export const WEBHOOK_SECRET = 'bench-webhook-secret-0123456789abcdef';
export const STAND_IN_IMAGE = 'gha-ephemeral/stand-in-runner:local';
/** A workflow whose job wants a self-hosted runner: what discovery looks for. */
export const SELF_HOSTED_WORKFLOW = `name: CI\non: [push]\njobs:\n  build:\n    runs-on: self-hosted\n    steps:\n      - run: echo hi\n`;

/** A free TCP port on 127.0.0.1. */
export async function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts `node script` with `env`; stderr is kept. stdout (a log line per request) is dropped, or appended to
 * `BENCH_LOG_DIR/<service>.log` when that is set, to see what a service did during a run.
 */
export function startProcess(script, env) {
  const logDir = process.env.BENCH_LOG_DIR;
  const service = script.endsWith('main.js') ? basename(dirname(dirname(script))) : basename(script, '.mjs');
  const stdout = logDir ? openSync(join(logDir, `${service}.log`), 'a') : 'ignore';
  const child = spawn(process.execPath, [script], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
    stdio: ['ignore', stdout, 'pipe'],
  });
  if (typeof stdout === 'number') closeSync(stdout);
  const stderr = [];
  child.stderr.on('data', (chunk) => stderr.push(chunk.toString()));
  const exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, stderr, exited };
}

/** SIGTERM, then SIGKILL after 10 s. */
export async function stopProcess(service) {
  if (!service || service.child.exitCode !== null) return;
  service.child.kill('SIGTERM');
  const timer = setTimeout(() => service.child.kill('SIGKILL'), 10_000);
  await service.exited;
  clearTimeout(timer);
}

/** Waits until `url` answers (any status), failing early when the service exits. */
export async function waitForHttp(url, service, what, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (service.child.exitCode !== null)
      throw new Error(`${what} exited (${service.child.exitCode}): ${service.stderr.join('')}`);
    try {
      await fetch(url, { signal: AbortSignal.timeout(1000) });
      return;
    } catch {
      await sleep(200);
    }
  }
  throw new Error(
    `${what} did not answer at ${url} within ${timeoutMs / 1000} s: ${service.stderr.join('')}`,
  );
}

/**
 * Every container `start` event of the engine from the moment it is opened, with the engine's own time (epoch ms
 * from `timeNano`) and the container's labels: when a container really started, whoever started it.
 */
export class DockerStarts {
  #events = [];
  #waiters = [];
  #stream;
  /** The `docker events` process of {@link DockerStarts.openCli}. */
  #process = null;
  /** Exit codes by runner name, from die events (a runner that failed at start is no duplicate). */
  #exitCodes = new Map();

  static async open(docker) {
    const starts = new DockerStarts();
    starts.#attach(await docker.getEvents({ filters: { type: ['container'], event: ['start', 'die'] } }));
    return starts;
  }

  /**
   * The same, from `docker <args...> events` run as a process: the events of an engine this process has no socket
   * of, such as a swarm node's in its container (`['exec', '<node>', 'docker']`). Resolves once the process runs;
   * `close()` kills it.
   */
  static async openCli(prefixArgs) {
    const starts = new DockerStarts();
    const child = spawn(
      'docker',
      [
        ...prefixArgs,
        'events',
        '--format',
        '{{json .}}',
        '--filter',
        'type=container',
        '--filter',
        'event=start',
        '--filter',
        'event=die',
      ],
      { stdio: ['ignore', 'pipe', 'ignore'] },
    );
    await new Promise((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', reject);
    });
    starts.#attach(child.stdout);
    starts.#process = child;
    // The CLI subscribes a moment after it starts: events before that would be missed.
    await sleep(1000);
    return starts;
  }

  #attach(stream) {
    const starts = this;
    starts.#stream = stream;
    let buffered = '';
    starts.#stream.on('data', (chunk) => {
      buffered += chunk.toString();
      let newline;
      while ((newline = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        if (line.trim() !== '') starts.#add(JSON.parse(line));
      }
    });
  }

  #add(raw) {
    const attributes = raw.Actor?.Attributes ?? {};
    if ((raw.Action ?? raw.status) === 'die') {
      const runner = attributes['gha-ephemeral.runner'];
      if (runner !== undefined) this.#exitCodes.set(runner, Number(attributes.exitCode));
      return;
    }
    const event = { time: Number(raw.timeNano) / 1e6, id: raw.id ?? raw.Actor?.ID, labels: attributes };
    this.#events.push(event);
    this.#waiters = this.#waiters.filter((waiter) => {
      if (!waiter.predicate(event)) return true;
      clearTimeout(waiter.timer);
      waiter.resolve(event.time);
      return false;
    });
  }

  /** The time of the first start event (already seen or to come) that `predicate` accepts. */
  waitFor(predicate, timeoutMs) {
    const seen = this.#events.find(predicate);
    if (seen) return Promise.resolve(seen.time);
    return new Promise((resolve, reject) => {
      const waiter = { predicate, resolve, timer: null };
      waiter.timer = setTimeout(() => {
        this.#waiters = this.#waiters.filter((w) => w !== waiter);
        reject(new Error(`no container start event within ${timeoutMs / 1000} s`));
      }, timeoutMs);
      this.#waiters.push(waiter);
    });
  }

  /** The runner names (`gha-ephemeral.runner`) of the start events seen so far that `predicate` accepts. */
  names(predicate) {
    return this.#events.filter(predicate).map((event) => event.labels['gha-ephemeral.runner']);
  }

  /** The exit code of a runner's container (by `gha-ephemeral.runner` name), when its die event was seen. */
  exitCode(runnerName) {
    return this.#exitCodes.get(runnerName);
  }

  /** How many start events seen so far `predicate` accepts. */
  count(predicate) {
    return this.#events.filter(predicate).length;
  }

  close() {
    this.#stream?.destroy();
    if (this.#process !== null && this.#process.exitCode === null) this.#process.kill('SIGKILL');
  }
}

/**
 * The built orchestrator (automatic mode, webhooks on the gateway) and the built gateway in front of it, with the
 * simulator's webhook on `repo`: what the webhook and warm suites measure. `orchestratorEnv` adds to (and may
 * override) the defaults. Stops both and removes the runners on failure and on `stop()`.
 */
export async function startWebhookStack(root, kit, sim, options) {
  const {
    token,
    sharedToken,
    webhookSecret,
    repo,
    orchestratorId,
    orchestratorEnv = {},
    gatewayEnv = {},
    logLevel = 'INFO',
  } = options;
  const [orchestratorPort, gatewayPort] = [await freePort(), await freePort()];
  const orchestrator = startProcess(join(root, 'orchestrator/dist/main.js'), {
    GITHUB_API_URL: sim.apiUrl,
    GITHUB_RUNNER_TOKEN: token,
    RUNNER_NETWORK: 'host',
    ORCHESTRATOR_ID: orchestratorId,
    ORCHESTRATOR_HOST: '127.0.0.1',
    ORCHESTRATOR_PORT: String(orchestratorPort),
    ORCHESTRATOR_API_TOKEN: sharedToken,
    AUTO_CREATE_RUNNERS: 'true',
    // Only webhooks start runners within a run: the first poll happens at start, the next in an hour.
    RUNNER_CHECK_INTERVAL: '3600',
    LOG_LEVEL: logLevel,
    LOG_FORMAT: 'json',
    ...orchestratorEnv,
  });
  const gateway = startProcess(join(root, 'api-gateway/dist/main.js'), {
    API_GATEWAY_HOST: '127.0.0.1',
    API_GATEWAY_PORT: String(gatewayPort),
    ORCHESTRATOR_URL: `http://127.0.0.1:${orchestratorPort}`,
    ORCHESTRATOR_API_TOKEN: sharedToken,
    GITHUB_WEBHOOK_SECRET: webhookSecret,
    GATEWAY_API_KEYS: API_KEY,
    LOG_LEVEL: logLevel,
    LOG_FORMAT: 'json',
    ...gatewayEnv,
  });
  const stop = async () => {
    await stopProcess(gateway);
    await stopProcess(orchestrator);
    await kit.removeContainersByLabel('gha-ephemeral.orchestrator', orchestratorId);
  };
  try {
    await waitForHttp(`http://127.0.0.1:${orchestratorPort}/health`, orchestrator, 'the orchestrator');
    await waitForHttp(`http://127.0.0.1:${gatewayPort}/health`, gateway, 'the gateway');
    sim.control.addWebhook({
      url: `http://127.0.0.1:${gatewayPort}/webhooks/github`,
      secret: webhookSecret,
      repo,
    });
    await sim.control.webhooksIdle();
  } catch (error) {
    await stop();
    throw error;
  }
  return { orchestratorId, gatewayUrl: `http://127.0.0.1:${gatewayPort}`, stop };
}

/**
 * The registration-token preset for myoung34/github-runner's own entrypoint, as `runnerenv_*` variables (no longer
 * the built-in template, which is just-in-time), read from the built orchestrator so it never drifts.
 */
export async function tokenPresetEnv(root) {
  const { MYOUNG34_TEMPLATE } = await import(
    pathToFileURL(join(root, 'orchestrator/dist/fleet/template.js')).href
  );
  return Object.fromEntries(
    Object.entries(MYOUNG34_TEMPLATE).map(([name, value]) => [`runnerenv_${name}`, value]),
  );
}

/**
 * The built orchestrator alone (automatic mode, no gateway, no webhook: nothing GitHub must reach) with a pool file
 * of scale-set pools: what the scaleset suite measures. Resolves once its /health answers and every scale set of
 * the pool file (`scaleSets`, their names) has a live session with one long poll open in `sim`. `orchestratorEnv`
 * adds to (and may override) the defaults. Stops it and removes its runners on failure and on `stop()`.
 */
export async function startScaleSetStack(root, kit, sim, options) {
  const {
    token,
    sharedToken,
    orchestratorId,
    poolFile,
    scaleSets,
    orchestratorEnv = {},
    logLevel = 'INFO',
  } = options;
  const port = await freePort();
  const orchestrator = startProcess(join(root, 'orchestrator/dist/main.js'), {
    GITHUB_API_URL: sim.apiUrl,
    GITHUB_RUNNER_TOKEN: token,
    RUNNER_NETWORK: 'host',
    ORCHESTRATOR_ID: orchestratorId,
    ORCHESTRATOR_HOST: '127.0.0.1',
    ORCHESTRATOR_PORT: String(port),
    ORCHESTRATOR_API_TOKEN: sharedToken,
    AUTO_CREATE_RUNNERS: 'true',
    RUNNER_POOLS_FILE: poolFile,
    LOG_LEVEL: logLevel,
    LOG_FORMAT: 'json',
    ...orchestratorEnv,
  });
  const stop = async () => {
    await stopProcess(orchestrator);
    await kit.removeContainersByLabel('gha-ephemeral.orchestrator', orchestratorId);
  };
  try {
    await waitForHttp(`http://127.0.0.1:${port}/health`, orchestrator, 'the orchestrator');
    const deadline = Date.now() + 30_000;
    const listening = () => {
      const sets = sim.control.listScaleSets();
      return scaleSets.every((name) => {
        const set = sets.find((s) => s.name === name);
        return set?.session?.ownerName === orchestratorId && set.openPolls === 1;
      });
    };
    while (!listening()) {
      if (orchestrator.child.exitCode !== null)
        throw new Error(
          `the orchestrator exited (${orchestrator.child.exitCode}): ${orchestrator.stderr.join('')}`,
        );
      if (Date.now() > deadline)
        throw new Error(`the scale sets ${scaleSets.join(', ')} had no listening session within 30 s`);
      await sleep(100);
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { orchestratorId, orchestratorUrl: `http://127.0.0.1:${port}`, stop };
}
