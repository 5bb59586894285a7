import type { RuntimeKind } from '../fleet/routed-runtime.js';
import { redactRecord } from '@gha-ephemeral/config';
import { scopeTarget, type GitHubScope } from '@gha-ephemeral/github';
import type { RunnerLimits } from '../fleet/limits.js';
import { deriveRunnerLabels, withImageDefaultLabel } from '../fleet/labels.js';
import type { RunnerTemplate } from '../fleet/template.js';
import { fittingPool, type PlanPool } from '../control/pool-fit.js';

/** Whether a pool's runners get a Docker engine of their own (a sidecar), or none. */
export type PoolDocker = 'none' | 'dind';

/**
 * One kind of runner: its image, command and template, its labels, its limits and how many may run. Jobs are
 * matched to pools by label (first fit, in file order); runners of a pool carry `gha-ephemeral.pool=<name>`.
 */
export interface RunnerPool {
  /** Unique; letters, digits, `-`, `_`. */
  readonly name: string;
  /** Its runners' labels besides GitHub's defaults. */
  readonly labels: readonly string[];
  readonly image: string;
  /** Replaces the image's CMD (words, placeholders allowed); null keeps it. */
  readonly command: readonly string[] | null;
  /** The environment template (and the entry point it needs). */
  readonly template: RunnerTemplate;
  /** Most runners of this pool at once (`MAX_RUNNERS` still caps all pools together). */
  readonly max: number;
  /** Warm runners kept registered and idle (needs a bound scope). */
  readonly minIdle: number;
  readonly limits: RunnerLimits;
  readonly network: string;
  readonly docker: PoolDocker;
  /** The one scope this pool serves, and where its runners register; null: any scope, runners where the job is. */
  readonly scope: GitHubScope | null;
  /** Registered as a runner scale set (needs a scope); null: an ordinary pool. */
  readonly scaleSet: PoolScaleSet | null;
  /** Where its runners run: containers on the Docker engine, or services on a Swarm. */
  readonly runtime: RuntimeKind;
  /** Swarm placement (`node.labels.gha-pool==big`, `spread=node.labels.zone`); null: anywhere. */
  readonly placement: PoolPlacement | null;
}

/** Where on a Swarm a pool's runners may go, as `docker service create --constraint/--placement-pref` take them. */
export interface PoolPlacement {
  readonly constraints: readonly string[];
  readonly preferences: readonly string[];
}

/** A pool's runner scale set: its name (the label workflows target) and runner group. */
export interface PoolScaleSet {
  readonly name: string;
  readonly runnerGroup: string;
}

/** The labels a pool's scale set is registered with: its name, then the pool's own labels. */
export function scaleSetLabels(pool: RunnerPool): string[] {
  if (pool.scaleSet === null) return [];
  const labels = [pool.scaleSet.name, ...pool.labels];
  return labels.filter((label, i) => labels.findIndex((l) => l.toLowerCase() === label.toLowerCase()) === i);
}

/** Every label a runner of `pool` has, as GitHub will list it: the defaults, the pool's, the image's own. */
export function poolRunnerLabels(pool: RunnerPool): { custom: string[]; all: string[] } {
  const labels = deriveRunnerLabels({
    configured: pool.labels,
    requested: [],
    noDefaultLabels: Boolean(pool.template.env.NO_DEFAULT_LABELS),
  });
  return withImageDefaultLabel(labels, pool.template);
}

/**
 * The pool that serves a job: the first, in file order, whose labels (with the defaults) include all of the job's,
 * compared case-insensitively, and whose scope, if bound, is the job's repository or its organization. Null when
 * none fits: the job is left alone, as GitHub would leave it. The rule itself is the planner's (`fittingPool`).
 */
export function matchPool(
  pools: readonly RunnerPool[],
  job: { labels: readonly string[]; repository: string },
): RunnerPool | null {
  const fit = fittingPool(pools.map(toPlanPool), job);
  return fit === null ? null : (pools.find((pool) => pool.name === fit.name) ?? null);
}

/** A pool as the planner sees it. */
export function toPlanPool(pool: RunnerPool): PlanPool {
  return {
    name: pool.name,
    // A scale set is given the jobs its own labels fit, by GitHub.
    labels: pool.scaleSet === null ? poolRunnerLabels(pool).all : scaleSetLabels(pool),
    max: pool.max,
    minIdle: pool.minIdle,
    scope: pool.scope,
    scaleSet: pool.scaleSet !== null,
  };
}

/** A pool as the start-up log and `GET /api/v1/pools` show it: its settings, env names and placeholders only. */
export function describePool(pool: RunnerPool): Record<string, unknown> {
  return {
    name: pool.name,
    labels: poolRunnerLabels(pool).all,
    image: pool.image,
    max: pool.max,
    minIdle: pool.minIdle,
    scope: pool.scope === null ? null : { kind: pool.scope.kind, target: scopeTarget(pool.scope) },
    network: pool.network,
    docker: pool.docker,
    runtime: pool.runtime,
    placement: pool.placement,
    scaleSet: pool.scaleSet,
    resources: {
      memoryBytes: pool.limits.memoryBytes,
      cpus: pool.limits.nanoCpus / 1e9,
      pids: pool.limits.pidsLimit,
    },
    template: pool.template.source,
    env: redactRecord(pool.template.env),
  };
}
