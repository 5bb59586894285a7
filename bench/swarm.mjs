#!/usr/bin/env node
// Swarm benchmark (run after `pnpm build`): a burst of jobs served by runners on a three-node Docker Swarm built on
// this machine, against the same burst on one plain Docker engine, and against the same number of replicated-job
// services created directly (the Swarm floor), side by side in one run with the same stand-in runner image:
//   floor   BENCH_SWARM_BURST `POST /services/create` at once (what `docker service create --detach --mode
//           replicated-job --no-resolve-image --restart-condition none --constraint node.role==worker` sends),
//           the adapter's spec shape (host network, init, the same memory reservation and limits), running
//           `sleep`; nothing is queued, so no "taken";
//   raw     as many `docker run -d` on the CI engine (the single engine's floor, as in the webhook suite);
//   swarm   the built orchestrator's code in this process (as the scaleset suite's polling mode runs it: its loops
//           on, not its check loop), a pool with `runtime: swarm` constrained to the workers; the jobs are queued
//           in the simulator, then one poll pass (poll + reconcile) is asked for;
//   engine  the same, a pool on the plain engine (the CI engine itself, the existing path), the same jobs and the
//           same pass; an orchestrator and simulator of its own (a pool on the Swarm and one on the engine cannot
//           share the host network in one orchestrator).
// The Swarm: the CI engine as the manager (advertising docker0) and BENCH_SWARM_NODES worker nodes, each a Docker
// engine in a container (`startSwarmNodes` of the testkit) on this same machine, so the workers share its CPUs with
// the manager, the orchestrator and the simulator. The simulator listens on 0.0.0.0 and tells runners the manager's
// docker0 address, which runners on the host network of a node (or of the CI engine) reach.
//
//   node bench/swarm.mjs    BENCH_SWARM_BURST=50 BENCH_SWARM_NODES=2 BENCH_SWARM_ROUNDS=3 BENCH_SWARM_MEMORY=256m
//                           BENCH_SWARM_STORAGE=overlay2 (the nodes' storage driver; vfs where overlay cannot nest)
//                           BENCH_SWARM_WRITE_BURST (the orchestrators' GITHUB_WRITE_BURST; default theirs, 50)
//
// Times: t0 just before the services are created (or the jobs queued). "running" is the `start` event of the
// runner's (or floor task's) container on the engine that ran it (a node's, read by `docker exec <node> docker
// events`, or the CI engine's; one kernel clock); "manager sees running" is when the manager first lists the task
// `running` (or already ended), looking every 200 ms; "taken" is the job's `started_at` in the simulator. Each round
// runs floor, raw, swarm, engine in turn; the ratios are of the rounds' medians. Bounded: every wait has a
// deadline, the whole run about 3 minutes at 50 × 3 rounds; services, secrets, containers, nodes, networks and state
// directories are removed on failure too.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DockerStarts, envInt, loadStackModules, STAND_IN_IMAGE } from './services.mjs';
import { rawRuns, runDocker } from './webhook.mjs';
import { ms, ratio, table } from './report.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const GITHUB_TOKEN = `ghp_${'sw4r'.repeat(9)}`;
const REPO = 'octo/bench';
const WORKFLOW = `name: CI\non: [push]\njobs:\n  build:\n    runs-on: [self-hosted, swarm]\n    steps:\n      - run: echo hi\n`;
/** Carried by the floor's services (and their containers): `<run id>`. */
const FLOOR_LABEL = 'gha-ephemeral-bench.swarm-floor';
const WORKERS_ONLY = 'node.role==worker';

export function swarmSettings(env = process.env) {
  const storageDriver = env.BENCH_SWARM_STORAGE ?? 'overlay2';
  if (!['overlay2', 'vfs'].includes(storageDriver))
    throw new Error('BENCH_SWARM_STORAGE must be overlay2 or vfs');
  return {
    burst: envInt(env, 'BENCH_SWARM_BURST', 50),
    nodes: envInt(env, 'BENCH_SWARM_NODES', 2),
    rounds: envInt(env, 'BENCH_SWARM_ROUNDS', 3),
    // Each runner's memory limit and reservation. No CPU limit or reservation: 25 runners on a node that sees 2
    // CPUs could reserve 0.08 CPU each, and a Node runner throttled to that takes seconds to start.
    memory: env.BENCH_SWARM_MEMORY ?? '256m',
    jobMs: envInt(env, 'BENCH_SWARM_JOB_MS', 100, 0),
    storageDriver,
    // GITHUB_WRITE_BURST of both orchestrators (one just-in-time config is one GitHub write): unset, their default
    // (50, then one a second), which paces a burst over 50.
    writeBurst: env.BENCH_SWARM_WRITE_BURST === undefined ? null : envInt(env, 'BENCH_SWARM_WRITE_BURST', 50),
    logLevel: env.BENCH_SWARM_LOG_LEVEL ?? 'INFO',
  };
}

const say = (text) => process.stderr.write(`[bench:swarm] ${text}\n`);

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))];
const stats = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return { n: sorted.length, p50: percentile(sorted, 50), max: sorted.at(-1) };
};
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

function bytes(size) {
  const match = /^(\d+)([kmg])?$/i.exec(size.trim());
  if (match === null) throw new Error('BENCH_SWARM_MEMORY must be a size such as 256m');
  return Number(match[1]) * { k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[(match[2] ?? 'k').toLowerCase()];
}

/**
 * The time of the start event of a container whose labels pass `predicate`, on whichever of `sources` ran it
 * (looked for every 50 ms: a wait on each source would leave timers behind on the others).
 */
async function startOn(sources, predicate, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const source = sources.find((s) => s.count(predicate) > 0);
    if (source !== undefined) return source.waitFor(predicate, 1000);
    if (Date.now() > deadline)
      throw new Error(`no container start event within ${timeoutMs / 1000} s on any node`);
    await sleep(50);
  }
}

/**
 * Watches, from the manager, the tasks of services with `label` (but those of the services in `exclude`, seen by an
 * earlier burst) until `count` services have had a task running (or ended): the time each was first running.
 */
async function watchTasks(docker, label, count, timeoutMs, exclude = new Set()) {
  const seen = new Map();
  const deadline = Date.now() + timeoutMs;
  while (seen.size < count) {
    if (Date.now() > deadline)
      throw new Error(`the manager saw ${seen.size} of ${count} tasks running within ${timeoutMs / 1000} s`);
    const tasks = await docker.listTasks({ filters: { label: [label] } });
    const now = Date.now();
    for (const task of tasks) {
      if (seen.has(task.ServiceID) || exclude.has(task.ServiceID)) continue;
      const state = task.Status?.State;
      // When the manager first lists it so (its status timestamp is the container's own start, not that).
      if (['running', 'complete', 'failed', 'shutdown', 'rejected', 'orphaned', 'remove'].includes(state))
        seen.set(task.ServiceID, now);
    }
    await sleep(200);
  }
  for (const id of seen.keys()) exclude.add(id);
  return [...seen.values()];
}

/** `POST /services/create` of a floor service: the adapter's spec shape (see runtime-swarm's service-spec.ts). */
function floorSpec(name, runId, memoryBytes) {
  const labels = { [FLOOR_LABEL]: runId };
  return {
    Name: name,
    Labels: labels,
    TaskTemplate: {
      ContainerSpec: {
        Image: STAND_IN_IMAGE,
        Labels: labels,
        Init: true,
        CapabilityDrop: ['NET_RAW'],
        Command: ['/bin/sleep'],
        Args: ['120'],
      },
      Resources: {
        Limits: { MemoryBytes: memoryBytes, Pids: 4096 },
        Reservations: { MemoryBytes: memoryBytes },
      },
      RestartPolicy: { Condition: 'none', MaxAttempts: 0 },
      Placement: { Constraints: [WORKERS_ONLY] },
      Networks: [{ Target: 'host' }],
      LogDriver: { Name: 'json-file', Options: { 'max-size': '10m', 'max-file': '2' } },
    },
    Mode: { ReplicatedJob: { MaxConcurrent: 1, TotalCompletions: 1 } },
    EndpointSpec: { Mode: 'dnsrr' },
  };
}

/** The Swarm floor: `count` services at once; ms from t0 to each task's container start, and the manager's view. */
async function floorBurst(kit, docker, nodeStarts, runId, round, count, memoryBytes, exclude) {
  const names = Array.from({ length: count }, (_, i) => `${runId}-r${round}-${i}`);
  const label = `${FLOOR_LABEL}=${runId}`;
  const t0 = Date.now();
  const watching = watchTasks(docker, label, count, 180_000, exclude);
  watching.catch(() => undefined); // awaited below; handled here in case a create fails first
  await Promise.all(names.map((name) => docker.createService(floorSpec(name, runId, memoryBytes))));
  const createdMs = Date.now() - t0;
  const [running, seen] = await Promise.all([
    Promise.all(
      names.map((name) =>
        startOn(nodeStarts, (e) => e.labels['com.docker.swarm.service.name'] === name, 180_000),
      ),
    ),
    watching,
  ]);
  await kit.removeSwarmObjectsByLabel(FLOOR_LABEL, runId);
  return {
    running: running.map((t) => t - t0),
    managerRunning: seen.map((t) => t - t0),
    createdMs,
  };
}

/** Live runners of `orchestratorId`: services on the Swarm, containers on the engine. */
async function liveRunners(docker, orchestratorId) {
  const label = [`gha-ephemeral.orchestrator=${orchestratorId}`];
  const [services, containers] = await Promise.all([
    docker.listServices({ filters: { label } }),
    docker.listContainers({ all: true, filters: { label } }),
  ]);
  return services.length + containers.length;
}

/**
 * Queues `count` jobs for `pool`, asks for one poll pass, waits for every job to complete; ms from t0 to each
 * job's runner container start, to the manager seeing its task running (swarm), and to each job taken.
 */
async function serveBurst(mode, docker, settings, count) {
  const { sim, orchestratorId } = mode;
  const t0 = Date.now();
  const watching =
    mode.name === 'swarm'
      ? watchTasks(docker, `gha-ephemeral.orchestrator=${orchestratorId}`, count, 180_000, mode.services)
      : null;
  watching?.catch(() => undefined); // awaited below; handled here in case a wait fails first
  const jobs = Array.from({ length: count }, () =>
    sim.control.queueJob({ repo: REPO, labels: ['self-hosted', mode.name], durationMs: settings.jobMs }),
  );
  const pass = mode.pass();
  const done = await Promise.all(
    jobs.map(({ jobId }) => sim.control.waitForJob(jobId, 'completed', { timeoutMs: 180_000 })),
  );
  const passResult = await pass;
  const running = await Promise.all(
    done.map((job) =>
      job.runnerName
        ? startOn(mode.starts, (e) => e.labels['gha-ephemeral.runner'] === job.runnerName, 10_000)
        : Promise.reject(new Error(`job ${job.id} completed without a runner (${job.conclusion})`)),
    ),
  );
  const managerRunning = watching === null ? [] : (await watching).map((t) => t - t0);
  // The orchestrator removes each runner once it has exited: the next burst starts on an empty pool.
  const deadline = Date.now() + 90_000;
  let left;
  while ((left = await liveRunners(docker, orchestratorId)) > 0) {
    if (Date.now() > deadline)
      throw new Error(`${left} runners of the ${mode.name} mode left 90 s after their jobs`);
    await sleep(250);
  }
  return {
    running: running.map((t) => t - t0),
    managerRunning,
    taken: done.map((job) => Date.parse(job.startedAt) - t0),
    failed: done.filter((job) => job.conclusion !== 'success').length,
    created: passResult?.created,
  };
}

/**
 * One mode: a simulator (on 0.0.0.0, telling runners the manager's docker0 address) and the orchestrator's code in
 * this process with one pool, `name` (`swarm`: on the Swarm, workers only; `engine`: on the CI engine). A pool on
 * the Swarm and one on the engine cannot share the host network in one orchestrator, so each mode has its own.
 * `pass()` is one poll pass (poll + reconcile).
 */
async function startMode(kit, simModule, manager, settings, name, cleanup) {
  const port = await kit.freePort();
  const sim = await simModule.startGitHubSim({
    host: '0.0.0.0',
    port,
    publicUrl: `http://${manager.address}:${port}`,
    tokens: { [GITHUB_TOKEN]: { login: 'octo' } },
  });
  cleanup.push(() => sim.close());
  sim.control.createRepo({
    owner: 'octo',
    name: 'bench',
    workflows: [{ path: '.github/workflows/ci.yml', content: WORKFLOW.replace('swarm', name) }],
  });
  const orchestratorId = kit.uniqueId(`bench-swarm-${name}`);
  cleanup.push(async () => {
    await kit.removeSwarmObjectsByLabel('gha-ephemeral.orchestrator', orchestratorId);
    await kit.removeContainersByLabel('gha-ephemeral.orchestrator', orchestratorId);
    await kit.removeNetworksByLabel('gha-ephemeral.orchestrator', orchestratorId);
  });
  const load = (path) => import(pathToFileURL(join(ROOT, path)).href);
  const [{ loadOrchestratorConfig }, { createOrchestrator }, { createLogger }] = await Promise.all([
    load('orchestrator/dist/config.js'),
    load('orchestrator/dist/server.js'),
    load('packages/logging/dist/index.js'),
  ]);
  const dir = mkdtempSync(join(tmpdir(), `bench-swarm-${name}-`));
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  const poolFile = join(dir, 'pools.yaml');
  writeFileSync(
    poolFile,
    `pools:\n  - name: ${name}\n    labels: [${name}]\n    network: host\n    max: ${settings.burst}\n` +
      `    resources: { memory: ${settings.memory}, cpus: 0 }\n` +
      (name === 'swarm' ? `    runtime: swarm\n    placement: { constraints: ['${WORKERS_ONLY}'] }\n` : ''),
  );
  const config = loadOrchestratorConfig({
    GITHUB_API_URL: sim.apiUrl,
    GITHUB_RUNNER_TOKEN: GITHUB_TOKEN,
    RUNNER_IMAGE: STAND_IN_IMAGE,
    RUNNER_NETWORK: 'host',
    RUNNER_POOLS_FILE: poolFile,
    ORCHESTRATOR_ID: orchestratorId,
    ORCHESTRATOR_STATE_DIR: join(dir, 'state'),
    AUTO_CREATE_RUNNERS: 'true',
    MAX_RUNNERS: String(settings.burst + 10),
    ...(settings.writeBurst === null ? {} : { GITHUB_WRITE_BURST: String(settings.writeBurst) }),
    LOG_LEVEL: settings.logLevel,
    LOG_FORMAT: 'json',
  });
  const { logger, redactor } = createLogger({
    service: 'orchestrator',
    level: config.LOG_LEVEL,
    format: config.LOG_FORMAT,
    destination: { isTTY: false, write: () => undefined },
    secrets: [GITHUB_TOKEN],
  });
  // No runtime given: the orchestrator composes its own (the Docker engine, and the Swarm for the swarm pool).
  const orchestrator = await createOrchestrator(config, {
    logger,
    version: 'bench',
    onSecret: (secret, options) => redactor.add(secret, options),
  });
  const loops = orchestrator.startLoops({ autoCheck: false });
  cleanup.push(async () => {
    await loops.stop();
    await orchestrator.app.close();
  });
  const { auto } = orchestrator;
  const signal = AbortSignal.timeout(30 * 60_000);
  const pass = async () => {
    const started = Date.now();
    const demand = await auto.poller.poll(signal);
    auto.book.replace(demand, started);
    return auto.reconciler.reconcile(() => auto.book.demand(), { signal });
  };
  await pass(); // discovery and the first poll
  return { name, sim, orchestratorId, pass, services: new Set() };
}

export async function runSwarmBench(settings = swarmSettings()) {
  const { kit, simModule } = await loadStackModules(ROOT);
  const Docker = createRequire(join(ROOT, 'packages/runtime-docker/package.json'))('dockerode');
  const docker = new Docker();
  const prefix = kit.uniqueId('bench-swn');
  const runId = kit.uniqueId('bench-swf');
  const rawRunId = kit.uniqueId('bench-swraw');
  const memoryBytes = bytes(settings.memory);
  const cleanup = [];
  const began = Date.now();
  try {
    const manager = await kit.ensureSwarmManager();
    cleanup.push(async () => {
      const removed = await kit.removeSwarmNodes(prefix);
      say(
        `removed ${removed.containers} node containers, ${removed.nodes} swarm nodes, ${removed.networks} networks`,
      );
    });
    say(
      `starting ${settings.nodes} worker nodes (${settings.storageDriver}, the stand-in image loaded) beside the ` +
        `manager at ${manager.address}`,
    );
    const nodes = await kit.startSwarmNodes({
      prefix,
      count: settings.nodes,
      images: [STAND_IN_IMAGE],
      storageDriver: settings.storageDriver,
    });
    for (const node of nodes)
      say(
        `${node.hostname}: engine ${node.timings.engineMs} ms, image load ${node.timings.loadMs} ms, ` +
          `join ${node.timings.joinMs} ms`,
      );
    const nodeStarts = [];
    cleanup.push(() => nodeStarts.forEach((s) => s.close()));
    for (const node of nodes)
      nodeStarts.push(await DockerStarts.openCli(['exec', node.containerName, 'docker']));
    const engineStarts = await DockerStarts.open(docker);
    cleanup.push(() => engineStarts.close());

    const modes = {
      swarm: {
        ...(await startMode(kit, simModule, manager, settings, 'swarm', cleanup)),
        starts: nodeStarts,
      },
      engine: {
        ...(await startMode(kit, simModule, manager, settings, 'engine', cleanup)),
        starts: [engineStarts],
      },
    };
    cleanup.push(() => kit.removeSwarmObjectsByLabel(FLOOR_LABEL, runId));
    cleanup.push(async () => {
      const left = await runDocker(['ps', '-aq', '--filter', `label=gha-ephemeral-bench.run=${rawRunId}`]);
      for (const id of left.split(/\s+/).filter(Boolean)) await runDocker(['rm', '-f', id]).catch(() => null);
    });

    say('warming up: 2 floor services, 2 raw containers, 2 jobs on the Swarm, 2 on the engine');
    const floorServices = new Set();
    await floorBurst(kit, docker, nodeStarts, runId, 0, 2, memoryBytes, floorServices);
    await rawRuns(engineStarts, rawRunId, 2);
    let failed = 0;
    for (const mode of Object.values(modes)) failed += (await serveBurst(mode, docker, settings, 2)).failed;

    const rounds = [];
    for (let round = 1; round <= settings.rounds; round += 1) {
      const floor = await floorBurst(
        kit,
        docker,
        nodeStarts,
        runId,
        round,
        settings.burst,
        memoryBytes,
        floorServices,
      );
      say(
        `round ${round}: floor, ${settings.burst} services: all running after ${Math.round(Math.max(...floor.running))} ms ` +
          `(manager: ${Math.round(Math.max(...floor.managerRunning))} ms; created in ${floor.createdMs} ms)`,
      );
      const raw = await rawRuns(engineStarts, rawRunId, settings.burst);
      say(
        `round ${round}: raw docker run -d on the engine: all running after ${Math.round(Math.max(...raw))} ms`,
      );
      const swarm = await serveBurst(modes.swarm, docker, settings, settings.burst);
      say(
        `round ${round}: orchestrator on the Swarm: all running ${Math.round(Math.max(...swarm.running))} ms, ` +
          `all taken ${Math.round(Math.max(...swarm.taken))} ms`,
      );
      const engine = await serveBurst(modes.engine, docker, settings, settings.burst);
      say(
        `round ${round}: orchestrator on the engine: all running ${Math.round(Math.max(...engine.running))} ms, ` +
          `all taken ${Math.round(Math.max(...engine.taken))} ms`,
      );
      failed += swarm.failed + engine.failed;
      rounds.push({ floor, raw: { running: raw }, swarm, engine });
    }
    const of = (mode, field) => rounds.map((r) => stats(r[mode][field]));
    const placed = await nodesOfRunners(docker, modes.swarm.orchestratorId);
    return {
      settings,
      seconds: Math.round((Date.now() - began) / 1000),
      swarm: { managers: 1, workers: nodes.length, nodeTimings: nodes.map((n) => n.timings), placed },
      rounds: rounds.map((r) => ({
        floor: { running: stats(r.floor.running), managerRunning: stats(r.floor.managerRunning) },
        raw: { running: stats(r.raw.running) },
        swarm: {
          running: stats(r.swarm.running),
          managerRunning: stats(r.swarm.managerRunning),
          taken: stats(r.swarm.taken),
        },
        engine: { running: stats(r.engine.running), taken: stats(r.engine.taken) },
      })),
      allRunning: {
        floor: median(of('floor', 'running').map((s) => s.max)),
        floorManager: median(of('floor', 'managerRunning').map((s) => s.max)),
        raw: median(of('raw', 'running').map((s) => s.max)),
        swarm: median(of('swarm', 'running').map((s) => s.max)),
        swarmManager: median(of('swarm', 'managerRunning').map((s) => s.max)),
        engine: median(of('engine', 'running').map((s) => s.max)),
      },
      allTaken: {
        swarm: median(of('swarm', 'taken').map((s) => s.max)),
        engine: median(of('engine', 'taken').map((s) => s.max)),
      },
      failedJobs: failed,
      raw: rounds,
    };
  } finally {
    for (const step of cleanup.reverse()) {
      const started = Date.now();
      try {
        await step();
        if (Date.now() - started > 5000) say(`a cleanup step took ${Date.now() - started} ms`);
      } catch (error) {
        say(`cleanup step failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }
}

/** How many of the orchestrator's tasks ran on each node (by node id), over the whole run. */
async function nodesOfRunners(docker, orchestratorId) {
  const tasks = await docker.listTasks({
    filters: { label: [`gha-ephemeral.orchestrator=${orchestratorId}`] },
  });
  const byNode = {};
  for (const task of tasks) if (task.NodeID) byNode[task.NodeID] = (byNode[task.NodeID] ?? 0) + 1;
  return byNode;
}

/** The goal of the issue: all running within 1.3× the Swarm floor. */
export function swarmGoals(r) {
  const vsFloor = r.allRunning.swarm / r.allRunning.floor;
  return {
    vsFloor: { value: vsFloor, met: vsFloor <= 1.3 },
    vsEngine: {
      running: r.allRunning.swarm / r.allRunning.engine,
      taken: r.allTaken.swarm / r.allTaken.engine,
    },
  };
}

export function formatSwarmBench(r) {
  const g = swarmGoals(r);
  const per = (mode, field) => r.rounds.map((round) => ms(round[mode][field]?.max)).join(' / ');
  const half = (mode, field) => r.rounds.map((round) => ms(round[mode][field]?.p50)).join(' / ');
  const a = r.allRunning;
  return [
    `## Orchestrator on a Swarm of 1 manager + ${r.swarm.workers} workers (on this one machine) against the Swarm floor and one engine`,
    '',
    `A burst of ${r.settings.burst}, same stand-in image, jobs of ${r.settings.jobMs} ms, memory ${r.settings.memory} reserved and limited, no CPU limit${r.settings.writeBurst === null ? '' : `, GITHUB_WRITE_BURST ${r.settings.writeBurst}`}; ms from t0` +
      (r.settings.rounds > 1 ? ` (each round, "/"-separated; ratios of the medians)` : '') +
      ':',
    '',
    table([
      [
        'mode',
        'half running',
        'all running',
        'manager sees all running',
        'all taken',
        'vs floor',
        'vs engine',
      ],
      [
        'floor: services created directly',
        half('floor', 'running'),
        per('floor', 'running'),
        per('floor', 'managerRunning'),
        'n/a',
        '1.00×',
        ratio(a.floor, a.engine),
      ],
      [
        'raw docker run -d on the engine',
        half('raw', 'running'),
        per('raw', 'running'),
        'n/a',
        'n/a',
        ratio(a.raw, a.floor),
        ratio(a.raw, a.engine),
      ],
      [
        'orchestrator, swarm pool',
        half('swarm', 'running'),
        per('swarm', 'running'),
        per('swarm', 'managerRunning'),
        per('swarm', 'taken'),
        ratio(a.swarm, a.floor),
        ratio(a.swarm, a.engine),
      ],
      [
        'orchestrator, plain engine pool',
        half('engine', 'running'),
        per('engine', 'running'),
        'n/a',
        per('engine', 'taken'),
        ratio(a.engine, a.floor),
        '1.00×',
      ],
    ]),
    '',
    `Goal: all running within 1.3× the Swarm floor: ${g.vsFloor.value.toFixed(2)}× ${g.vsFloor.met ? 'met' : 'NOT met'}. ` +
      `The Swarm over one engine: all running ${g.vsEngine.running.toFixed(2)}×, all taken ${g.vsEngine.taken.toFixed(2)}× ` +
      `(the floors: ${ratio(a.floor, a.raw)}; the orchestrator on the engine ${ratio(a.engine, a.raw)} raw docker run -d).`,
    `Runners of the swarm pool by node: ${Object.entries(r.swarm.placed)
      .map(([node, n]) => `${node.slice(0, 8)} ${n}`)
      .join(', ')}. Failed jobs: ${r.failedJobs}. Run took ${r.seconds} s.`,
  ].join('\n');
}

/** True when a job failed. */
export function swarmBenchFailed(r) {
  return r.failedJobs > 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const result = await runSwarmBench();
  console.log(formatSwarmBench(result));
  if (swarmBenchFailed(result)) process.exitCode = 1;
}
