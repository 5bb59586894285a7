import { readFileSync } from 'node:fs';
import { Label, OrganizationName, RepositoryFullName } from '@gha-ephemeral/contract';
import { scopeFromTarget, scopeTarget } from '@gha-ephemeral/github';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { splitCommand } from '../fleet/command.js';
import {
  CPUS_EXPECTED,
  MEMORY_EXPECTED,
  parseCpus,
  parseMemory,
  parsePids,
  PIDS_EXPECTED,
  type RunnerLimits,
} from '../fleet/limits.js';
import { compileTemplate, type RunnerTemplate } from '../fleet/template.js';
import type { PoolScaleSet, RunnerPool } from './pool.js';
import type { RuntimeKind } from '../fleet/routed-runtime.js';
import { DEFAULT_RUNNER_NETWORK } from '../fleet/runner-network.js';

/** What a pool leaves out comes from the variables (`RUNNER_IMAGE`, `RUNNER_MEMORY`, ...). */
export interface PoolDefaults {
  image: string;
  command: readonly string[] | null;
  entrypoint: readonly string[] | null;
  /** The `runnerenv_*` variables (empty: the built-in template). */
  runnerenv: Readonly<Record<string, string>>;
  limits: RunnerLimits;
  network: string;
  maxRunners: number;
  /** `RUNNER_RUNTIME`: where pools that do not say run their runners. */
  runtime: RuntimeKind;
}

/** The network of a Swarm pool that names none: an attachable overlay (a bridge does not span nodes). */
export const DEFAULT_SWARM_NETWORK = 'gha-ephemeral-runners-swarm';

const Constraint = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[^\n\r]*$/, 'must be one line');

const Scalar = z.union([z.string(), z.number()]).transform(String);

const PoolEntry = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, "-" or "_"'),
  labels: z.array(Label).max(100).default([]),
  image: z.string().min(1).optional(),
  command: z.string().optional(),
  entrypoint: z.string().optional(),
  env: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]).transform(String)).optional(),
  max: z.number().int().min(1).max(1000).optional(),
  minIdle: z.number().int().min(0).max(100).default(0),
  resources: z
    .strictObject({ memory: Scalar.optional(), cpus: Scalar.optional(), pids: Scalar.optional() })
    .optional(),
  network: z.string().min(1).optional(),
  docker: z.enum(['none', 'dind']).default('none'),
  runtime: z.enum(['docker', 'swarm']).optional(),
  placement: z
    .strictObject({
      constraints: z.array(Constraint).max(20).default([]),
      preferences: z.array(Constraint).max(20).default([]),
    })
    .optional(),
  scaleSet: z
    .union([
      z.boolean(),
      z.strictObject({ name: Label.optional(), runnerGroup: z.string().min(1).max(128).optional() }),
    ])
    .default(false),
  scope: z
    .union([
      z.strictObject({ organization: OrganizationName }),
      z.strictObject({ repository: RepositoryFullName }),
    ])
    .optional(),
});
type PoolEntry = z.output<typeof PoolEntry>;

const PoolsFile = z.strictObject({ pools: z.array(PoolEntry).min(1).max(100) });

/** A pool file that cannot be used: every problem, each saying where and what to change. */
export class PoolFileError extends Error {
  constructor(
    readonly file: string,
    readonly problems: readonly string[],
  ) {
    super(`${file}: ${problems.join('; ')}`);
  }
}

function words(text: string | undefined, where: string, problems: string[]): string[] | null {
  if (text === undefined) return null;
  try {
    const split = splitCommand(text);
    return split.length === 0 ? null : split;
  } catch (error) {
    problems.push(`${where} ${(error as Error).message}`);
    return null;
  }
}

function limitsOf(entry: PoolEntry, defaults: RunnerLimits, where: string, problems: string[]): RunnerLimits {
  const read = (
    raw: string | undefined,
    parse: (text: string) => number | null,
    expected: string,
    name: string,
  ) => {
    if (raw === undefined) return null;
    const value = parse(raw);
    if (value === null) problems.push(`${where}.resources.${name}: ${expected}, got "${raw}"`);
    return value;
  };
  const { memory, cpus, pids } = entry.resources ?? {};
  return {
    memoryBytes: read(memory, parseMemory, MEMORY_EXPECTED, 'memory') ?? defaults.memoryBytes,
    nanoCpus: read(cpus, parseCpus, CPUS_EXPECTED, 'cpus') ?? defaults.nanoCpus,
    pidsLimit: read(pids, parsePids, PIDS_EXPECTED, 'pids') ?? defaults.pidsLimit,
  };
}

/** One checked entry as a pool, with the defaults filled in; problems are pushed, naming the pool. */
function toPool(
  entry: PoolEntry,
  index: number,
  defaults: PoolDefaults,
  problems: string[],
): RunnerPool | null {
  const where = `pools[${index}] (${entry.name})`;
  const before = problems.length;
  const command =
    entry.command === undefined ? defaults.command : words(entry.command, `${where}.command`, problems);
  const entrypoint =
    entry.entrypoint === undefined
      ? defaults.entrypoint
      : words(entry.entrypoint, `${where}.entrypoint`, problems);
  const compiled = compileTemplate(entry.env ?? defaults.runnerenv, command ?? [], entrypoint);
  for (const problem of compiled.problems) {
    problems.push(`${where}.env: ${problem.variable.replace(/^runnerenv_/, '')} ${problem.message}`);
  }
  const max = entry.max ?? defaults.maxRunners;
  if (entry.minIdle > 0 && entry.scope === undefined) {
    problems.push(
      `${where}.minIdle: warm runners must be registered somewhere: give the pool a scope ({organization: NAME} or {repository: OWNER/NAME})`,
    );
  }
  if (entry.minIdle > max) problems.push(`${where}.minIdle (${entry.minIdle}) is more than its max (${max})`);
  const runtime = entry.runtime ?? defaults.runtime;
  // The default bridge does not span nodes: a Swarm pool gets the overlay of its own unless it names one.
  const network =
    entry.network ??
    (runtime === 'swarm' && defaults.network === DEFAULT_RUNNER_NETWORK
      ? DEFAULT_SWARM_NETWORK
      : defaults.network);
  problems.push(...swarmProblems(entry, runtime, network, where));
  if (entry.docker === 'dind' && (network === 'host' || network.startsWith('container:'))) {
    problems.push(
      `${where}.docker: dind needs a network the runner can share with its engine, not "${network}": give the pool a bridge network`,
    );
  }
  const limits = limitsOf(entry, defaults.limits, where, problems);
  const scaleSet = scaleSetOf(entry, compiled.template, where, problems);
  if (problems.length > before || compiled.template === null) return null;
  const scope =
    entry.scope === undefined
      ? null
      : 'organization' in entry.scope
        ? scopeFromTarget('organization', entry.scope.organization)
        : scopeFromTarget('repository', entry.scope.repository);
  return Object.freeze({
    name: entry.name,
    labels: Object.freeze([...entry.labels]),
    image: entry.image ?? defaults.image,
    command,
    template: compiled.template,
    max,
    minIdle: entry.minIdle,
    limits,
    network,
    docker: entry.docker,
    scope,
    scaleSet,
    runtime,
    placement:
      entry.placement === undefined
        ? null
        : Object.freeze({
            constraints: Object.freeze([...entry.placement.constraints]),
            preferences: Object.freeze([...entry.placement.preferences]),
          }),
  });
}

/** A network is a bridge on the engine or an overlay on the Swarm, never both: pools of the two cannot share one. */
function sharedNetworkProblems(pools: readonly RunnerPool[]): string[] {
  const byNetwork = new Map<string, RunnerPool>();
  const problems: string[] = [];
  for (const pool of pools) {
    const other = byNetwork.get(pool.network);
    if (other !== undefined && other.runtime !== pool.runtime) {
      problems.push(
        `pools (${other.name}, ${pool.name}): network "${pool.network}" cannot serve both the Docker engine and the Swarm: give one of them another network`,
      );
    }
    byNetwork.set(pool.network, pool);
  }
  return problems;
}

/** What a pool's runtime rules out: placement off a Swarm, a Docker engine sidecar or another's network on one. */
function swarmProblems(entry: PoolEntry, runtime: RuntimeKind, network: string, where: string): string[] {
  const problems: string[] = [];
  if (runtime !== 'swarm' && entry.placement !== undefined) {
    problems.push(
      `${where}.placement: only a Swarm places runners on nodes: set runtime: swarm, or drop placement`,
    );
  }
  if (runtime === 'swarm' && entry.docker === 'dind') {
    problems.push(
      `${where}.docker: dind needs privileges a Swarm service cannot have: use runtime: docker for it`,
    );
  }
  if (runtime === 'swarm' && network.startsWith('container:')) {
    problems.push(
      `${where}.network: a Swarm runner joins an overlay network (or its node's, host), not "${network}"`,
    );
  }
  return problems;
}

/** The pool's scale set, checked: bound to a scope, runners configured just in time. */
function scaleSetOf(
  entry: PoolEntry,
  template: RunnerTemplate | null,
  where: string,
  problems: string[],
): PoolScaleSet | null {
  if (entry.scaleSet === false) return null;
  const spec = entry.scaleSet === true ? {} : entry.scaleSet;
  if (entry.scope === undefined) {
    problems.push(
      `${where}.scaleSet: a scale set is registered in one repository or organization: give the pool a scope ({organization: NAME} or {repository: OWNER/NAME})`,
    );
  }
  if (template !== null && (!template.uses.has('jit_config') || template.uses.has('registration_token'))) {
    problems.push(
      `${where}.scaleSet: a scale set's runners are configured just in time: leave env out (the built-in template) or set ACTIONS_RUNNER_INPUT_JITCONFIG: "{jit_config}" with no {registration_token}`,
    );
  }
  return Object.freeze({ name: spec.name ?? entry.name, runnerGroup: spec.runnerGroup ?? 'default' });
}

/** Checks a parsed pool file; throws {@link PoolFileError} with every problem at once. */
export function poolsFromDocument(document: unknown, file: string, defaults: PoolDefaults): RunnerPool[] {
  const parsed = PoolsFile.safeParse(document);
  if (!parsed.success) {
    throw new PoolFileError(
      file,
      parsed.error.issues.map(
        (issue) =>
          `${
            issue.path
              .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
              .join('')
              .replace(/^\./, '') || '(top)'
          }: ${issue.message}`,
      ),
    );
  }
  const problems: string[] = [];
  const seen = new Set<string>();
  const pools: RunnerPool[] = [];
  const scaleSets = new Set<string>();
  parsed.data.pools.forEach((entry, index) => {
    if (seen.has(entry.name.toLowerCase()))
      problems.push(`pools[${index}]: the name "${entry.name}" is used twice`);
    seen.add(entry.name.toLowerCase());
    const pool = toPool(entry, index, defaults, problems);
    if (pool?.scaleSet && pool.scope) {
      const key = `${scopeTarget(pool.scope)}|${pool.scaleSet.name}`.toLowerCase();
      if (scaleSets.has(key))
        problems.push(
          `pools[${index}].scaleSet: the scale set "${pool.scaleSet.name}" is used twice in one scope`,
        );
      scaleSets.add(key);
    }
    if (pool !== null) pools.push(pool);
  });
  problems.push(...sharedNetworkProblems(pools));
  if (problems.length > 0) throw new PoolFileError(file, problems);
  return pools;
}

/** Reads `RUNNER_POOLS_FILE`; throws {@link PoolFileError} saying what to fix. */
export function readPoolFile(file: string, defaults: PoolDefaults): RunnerPool[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new PoolFileError(file, [`cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`]);
  }
  let document: unknown;
  try {
    document = parseYaml(text);
  } catch (error) {
    throw new PoolFileError(file, [`is not valid YAML: ${(error as Error).message.split('\n')[0]}`]);
  }
  return poolsFromDocument(document, file, defaults);
}

/** The one pool of a setup without a pool file: `default`, from today's variables. */
export function defaultPool(defaults: PoolDefaults, labels: readonly string[]): RunnerPool | null {
  const problems: string[] = [];
  const entry = PoolEntry.parse({ name: 'default' });
  const pool = toPool({ ...entry, labels: [...labels] }, 0, defaults, problems);
  return problems.length > 0 ? null : pool;
}
