import { isAbsolute } from 'node:path';
import {
  collectPrefixed,
  envBool,
  envCsv,
  envEnum,
  envField,
  envInt,
  envPort,
  envSecret,
  envString,
  envUrl,
  loadConfig,
  redactConfig,
} from '@gha-ephemeral/config';
import { Label, OrganizationName } from '@gha-ephemeral/contract';
import { DEFAULT_WRITE_BURST } from '@gha-ephemeral/github';
import { LOG_FORMATS, LOG_LEVEL_ALIASES, LOG_LEVELS } from '@gha-ephemeral/logging';
import { z } from 'zod';
import { checkGitHubAuth, githubAppFields, type GitHubAppSettings } from './config-github-auth.js';
import {
  defaultStateDir,
  ensureOrchestratorId,
  ORCHESTRATOR_ID_PATTERN,
  ORCHESTRATOR_ID_RULE,
} from './orchestrator-id.js';
import { splitCommand } from './fleet/command.js';
import { envCpus, envMemory, envPidsLimit } from './fleet/limits.js';
import { DEFAULT_RUNNER_NETWORK } from './fleet/runner-network.js';
import { compileTemplate, type RunnerTemplate } from './fleet/template.js';
import { describePool, type RunnerPool } from './pools/pool.js';
import { defaultPool, PoolFileError, readPoolFile, type PoolDefaults } from './pools/pool-file.js';

/** The variables that hold secrets: they accept `NAME_FILE` and are never logged. */
export const SECRETS = ['GITHUB_RUNNER_TOKEN', 'GITHUB_APP_PRIVATE_KEY', 'ORCHESTRATOR_API_TOKEN'] as const;

const RUNNERENV_PREFIX = 'runnerenv_';

const baseSchema = z.object({
  GITHUB_RUNNER_TOKEN: envSecret(),
  ...githubAppFields,
  GITHUB_API_URL: envUrl('https://api.github.com'),
  GITHUB_WRITE_BURST: envInt({ default: DEFAULT_WRITE_BURST, min: 1, max: 150 }),
  GITHUB_REQUEST_TIMEOUT: envInt({ default: 20, min: 1, max: 300, unit: 'seconds' }),
  SHUTDOWN_TIMEOUT: envInt({ default: 25, min: 1, max: 600, unit: 'seconds' }),
  RUNNER_IMAGE: envString({ default: 'myoung34/github-runner:latest' }),
  RUNNER_COMMAND: envString(),
  RUNNER_ENTRYPOINT: envString(),
  RUNNER_NETWORK: envString({ default: DEFAULT_RUNNER_NETWORK }),
  // Where pools that do not say run their runners: the Docker engine, or services on a Swarm (docs/swarm.md).
  RUNNER_RUNTIME: envEnum(['docker', 'swarm'], 'docker'),
  RUNNER_MEMORY: envMemory,
  RUNNER_CPUS: envCpus,
  RUNNER_PIDS_LIMIT: envPidsLimit,
  // The Docker engine image of `docker: dind` pools (scripts/build-dind-image.sh builds it), and its privileges.
  DIND_IMAGE: envString({ default: 'gha-ephemeral/dind:local' }),
  DIND_MODE: envEnum(['caps', 'privileged'], 'caps'),
  // A YAML file of runner pools; unset: one pool, `default`, from the RUNNER_* variables.
  RUNNER_POOLS_FILE: envString(),
  RUNNER_LABELS: envCsv({ item: Label, default: [] }),
  RUNNER_GROUP_ID: envInt({ default: 1, min: 1 }),
  MAX_RUNNERS: envInt({ default: 10, min: 1, max: 1000 }),
  ORCHESTRATOR_HOST: envString({ default: '0.0.0.0' }),
  ORCHESTRATOR_PORT: envPort(8000),
  ORCHESTRATOR_API_TOKEN: envSecret(),
  // Unset: this install's own id, kept in ORCHESTRATOR_STATE_DIR (made at the first start).
  ORCHESTRATOR_ID: envField((raw) =>
    raw === undefined || ORCHESTRATOR_ID_PATTERN.test(raw.trim())
      ? { value: raw?.trim() }
      : { expected: `expected ${ORCHESTRATOR_ID_RULE}` },
  ),
  ORCHESTRATOR_STATE_DIR: envField((raw) =>
    raw === undefined || isAbsolute(raw.trim())
      ? { value: raw?.trim() }
      : { expected: 'expected an absolute path' },
  ),
  AUTO_CREATE_RUNNERS: envBool(false),
  // Public repositories take pull requests from forks: their jobs are anyone's code on this host.
  ALLOW_PUBLIC_REPOSITORIES: envBool(false),
  RUNNER_CHECK_INTERVAL: envInt({ default: 300, min: 1, max: 86_400, unit: 'seconds' }),
  RUNNER_PURGE_INTERVAL: envInt({ default: 300, min: 5, max: 86_400, unit: 'seconds' }),
  DISCOVERY_MODE: envEnum(['all', 'organization'], 'all'),
  DISCOVERY_REFRESH_INTERVAL: envInt({ default: 3600, min: 10, max: 7 * 86_400, unit: 'seconds' }),
  RUNNER_START_TIMEOUT: envInt({ default: 180, min: 5, max: 86_400, unit: 'seconds' }),
  // A warm runner idle this long is replaced (GitHub drops ephemeral runners offline a day).
  RUNNER_MAX_IDLE_AGE: envInt({ default: 43_200, min: 60, max: 86_000, unit: 'seconds' }),
  RUNNER_IDLE_TIMEOUT: envInt({ default: 300, min: 5, max: 7 * 86_400, unit: 'seconds' }),
  GITHUB_ORGANIZATION: envCsv({ item: OrganizationName, default: [] }),
  LOG_LEVEL: envEnum(LOG_LEVELS, 'INFO', { aliases: LOG_LEVEL_ALIASES }),
  LOG_VERBOSE: envBool(false),
  LOG_FORMAT: envEnum(LOG_FORMATS, 'auto'),
  APP_VERSION: envString(),
});

type BaseConfig = z.output<typeof baseSchema>;

/** Where `ORCHESTRATOR_ID` came from: the variable, or the state directory's file (read, or made at this start). */
export type OrchestratorIdSource = 'environment' | 'state-file' | 'new-state-file';

/** The orchestrator's configuration: the variables, plus the checked runner template and command. */
export interface OrchestratorConfig extends Readonly<
  Omit<BaseConfig, 'ORCHESTRATOR_ID' | 'ORCHESTRATOR_STATE_DIR'>
> {
  /** This orchestrator's id: `ORCHESTRATOR_ID`, else the one kept in the state directory. */
  readonly ORCHESTRATOR_ID: string;
  /** `ORCHESTRATOR_STATE_DIR`, or its default (used only when `ORCHESTRATOR_ID` is unset). */
  readonly ORCHESTRATOR_STATE_DIR: string;
  readonly orchestratorIdSource: OrchestratorIdSource;
  readonly runnerenv: Readonly<Record<string, string>>;
  readonly template: RunnerTemplate;
  readonly command: readonly string[] | null;
  /** The runner pools, in file order (jobs go to the first that fits); one, `default`, without a pool file. */
  readonly pools: readonly RunnerPool[];
  /** GitHub App credentials when the App variables are set (then `GITHUB_RUNNER_TOKEN` is not), else null. */
  readonly githubApp: GitHubAppSettings | null;
}

/** This orchestrator's id, where it came from, and the state directory. */
interface Identity {
  id: string;
  stateDir: string;
  source: OrchestratorIdSource;
}

const isBlank = (raw: string | undefined) => raw === undefined || raw.trim() === '';

/**
 * `ORCHESTRATOR_ID` when it is set; else the id kept in the state directory, made there at the first start, so
 * that every install has its own (runner names and container labels carry it: two orchestrators with one id take
 * each other's runners for their own) and keeps it across restarts. Null, with an issue, when neither works.
 */
function resolveIdentity(
  env: Readonly<Record<string, string | undefined>>,
  config: Partial<BaseConfig>,
  ctx: z.RefinementCtx,
): Identity | null {
  // A variable that is set but invalid is already reported, and its value here is no string: never fall back to a
  // default for it (a typo in ORCHESTRATOR_STATE_DIR must not make an id somewhere else).
  const { ORCHESTRATOR_ID: given, ORCHESTRATOR_STATE_DIR: dir } = config;
  const stateDir = typeof dir === 'string' ? dir : defaultStateDir(env);
  if (!isBlank(env.ORCHESTRATOR_ID)) {
    return typeof given === 'string' ? { id: given, stateDir, source: 'environment' } : null;
  }
  if (!isBlank(env.ORCHESTRATOR_STATE_DIR) && typeof dir !== 'string') return null;
  try {
    const stored = ensureOrchestratorId(stateDir);
    return { id: stored.id, stateDir, source: stored.created ? 'new-state-file' : 'state-file' };
  } catch (error) {
    ctx.addIssue({ code: 'custom', path: ['ORCHESTRATOR_STATE_DIR'], message: (error as Error).message });
    return null;
  }
}

/** The pools of `RUNNER_POOLS_FILE`, or the `default` pool of the variables; problems go to `ctx`. */
function checkPools(
  config: Partial<BaseConfig>,
  runnerenv: Readonly<Record<string, string>>,
  command: readonly string[] | null,
  entrypoint: readonly string[] | null,
  ctx: z.RefinementCtx,
): RunnerPool[] {
  const number = (value: unknown, fallback: number) => (typeof value === 'number' ? value : fallback);
  const defaults: PoolDefaults = {
    image: config.RUNNER_IMAGE ?? 'myoung34/github-runner:latest',
    command,
    entrypoint,
    runnerenv,
    limits: {
      memoryBytes: number(config.RUNNER_MEMORY, 4 * 1024 ** 3),
      nanoCpus: number(config.RUNNER_CPUS, 2e9),
      pidsLimit: number(config.RUNNER_PIDS_LIMIT, 4096),
    },
    network: config.RUNNER_NETWORK ?? DEFAULT_RUNNER_NETWORK,
    maxRunners: number(config.MAX_RUNNERS, 10),
    runtime: config.RUNNER_RUNTIME ?? 'docker',
  };
  if (config.RUNNER_POOLS_FILE === undefined) {
    const pool = defaultPool(defaults, Array.isArray(config.RUNNER_LABELS) ? config.RUNNER_LABELS : []);
    return pool === null ? [] : [pool];
  }
  try {
    return readPoolFile(config.RUNNER_POOLS_FILE, defaults);
  } catch (error) {
    if (!(error instanceof PoolFileError)) throw error;
    for (const problem of error.problems)
      ctx.addIssue({ code: 'custom', path: ['RUNNER_POOLS_FILE'], message: problem });
    return [];
  }
}

/** The words of a command variable (`RUNNER_COMMAND`, `RUNNER_ENTRYPOINT`), or null when unset or empty. */
function commandWords(name: string, value: string | undefined, ctx: z.RefinementCtx): string[] | null {
  if (value === undefined) return null;
  try {
    const words = splitCommand(value);
    return words.length === 0 ? null : words;
  } catch (error) {
    ctx.addIssue({ code: 'custom', path: [name], message: (error as Error).message });
    return null;
  }
}

/**
 * Reads and checks the orchestrator's environment. Every problem, including unknown template placeholders and a
 * `RUNNER_COMMAND` that needs a shell, is reported at once in one `ConfigError`.
 */
export function loadOrchestratorConfig(
  env: Readonly<Record<string, string | undefined>> = process.env,
): OrchestratorConfig {
  const runnerenv = collectPrefixed(env, RUNNERENV_PREFIX);
  // The runnerenv_* variables join the schema so that their problems land in the same list as the others'.
  const runnerenvShape = Object.fromEntries(
    Object.keys(runnerenv).map((name) => [`${RUNNERENV_PREFIX}${name}`, envString()]),
  );
  let template: RunnerTemplate | null = null;
  let command: string[] | null = null;
  let githubApp: GitHubAppSettings | null = null;
  let pools: RunnerPool[] = [];
  let identity: Identity | null = null;
  const schema = baseSchema.extend(runnerenvShape).superRefine(
    (raw, ctx) => {
      const config = raw as unknown as BaseConfig;
      githubApp = checkGitHubAuth(config, ctx);
      identity = resolveIdentity(env, config, ctx);
      if (config.DISCOVERY_MODE === 'organization' && (config.GITHUB_ORGANIZATION ?? []).length === 0) {
        ctx.addIssue({
          code: 'custom',
          path: ['GITHUB_ORGANIZATION'],
          message:
            'is required when DISCOVERY_MODE=organization: one or more organization names, comma-separated',
        });
      }
      if (config.RUNNER_NETWORK === 'none') {
        ctx.addIssue({
          code: 'custom',
          path: ['RUNNER_NETWORK'],
          message: 'cannot be none: a runner must reach GitHub to take its job',
        });
      }
      command = commandWords('RUNNER_COMMAND', config.RUNNER_COMMAND, ctx);
      const entrypoint = commandWords('RUNNER_ENTRYPOINT', config.RUNNER_ENTRYPOINT, ctx);
      const compiled = compileTemplate(runnerenv, command ?? [], entrypoint);
      template = compiled.template;
      pools = checkPools(config, runnerenv, command, entrypoint, ctx);
      const scaleSet = pools.find((pool) => pool.scaleSet !== null);
      if (scaleSet !== undefined && config.AUTO_CREATE_RUNNERS !== true) {
        ctx.addIssue({
          code: 'custom',
          path: ['AUTO_CREATE_RUNNERS'],
          message: `must be true: pool "${scaleSet.name}" is a scale set, whose runners the orchestrator starts as GitHub assigns jobs`,
        });
      }
      for (const problem of compiled.problems) {
        ctx.addIssue({ code: 'custom', path: [problem.variable], message: problem.message });
      }
      // Run even when some fields are invalid, so that every problem is reported at once; the checks above only
      // look at fields that are either valid or, when invalid, absent from `config`.
    },
    { when: () => true },
  );
  const config = loadConfig(schema, { env, secrets: SECRETS });
  if (template === null) throw new Error('unreachable: the runner template was not checked');
  if (identity === null) throw new Error('unreachable: the orchestrator id was not resolved');
  const { id, stateDir, source }: Identity = identity;
  const picked = config as Record<string, unknown>;
  const base = Object.fromEntries(Object.keys(baseSchema.shape).map((key) => [key, picked[key]]));
  return Object.freeze({
    ...(base as BaseConfig),
    ORCHESTRATOR_ID: id,
    ORCHESTRATOR_STATE_DIR: stateDir,
    orchestratorIdSource: source,
    runnerenv,
    template,
    command,
    githubApp,
    pools,
  });
}

/** The configuration as it may be logged: secrets shown as [set]/[unset], runnerenv as names and placeholders only. */
export function redactedOrchestratorConfig(config: OrchestratorConfig): Record<string, unknown> {
  const { template: _template, command: _command, githubApp, pools, ...rest } = config;
  return redactConfig(
    {
      ...rest,
      runnerTemplate: config.template.source,
      RUNNER_COMMAND: config.command?.join(' ') ?? '(image CMD)',
      RUNNER_ENTRYPOINT: config.template.entrypoint?.join(' ') ?? '(image ENTRYPOINT)',
      githubAuth: githubApp === null ? 'token' : 'app',
      pools: pools.map(describePool),
    },
    { keys: SECRETS, records: ['runnerenv'] },
  );
}
