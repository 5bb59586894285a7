import { mintInstallationToken } from './app-token.js';
import { RunnerExit, statusName } from './errors.js';
import { requestJson } from './http.js';
import type { ImagePlan } from './image-config.js';
import type { LogSink } from './log.js';
import { removeRunner } from './register.js';
import { runStandInRunner } from './run-stand-in-runner.js';

/** The myoung34 image's registration plan. */
export type RegisterPlan = Extract<ImagePlan, { kind: 'register' }>;

/** The entrypoint runs `export -n` on these: the runner (and so every job step) never gets them. */
const NOT_EXPORTED = ['ACCESS_TOKEN', 'RUNNER_TOKEN', 'APP_ID', 'APP_PRIVATE_KEY'];

/** What the entrypoint's `unset_config_vars` removes when `UNSET_CONFIG_VARS=true`. */
const CONFIG_VARS = [
  'RUN_AS_ROOT',
  'RUNNER_NAME',
  'RUNNER_NAME_PREFIX',
  'RANDOM_RUNNER_SUFFIX',
  'ACCESS_TOKEN',
  'APP_ID',
  'APP_PRIVATE_KEY',
  'APP_LOGIN',
  'RUNNER_SCOPE',
  'ORG_NAME',
  'ENTERPRISE_NAME',
  'LABELS',
  'REPO_URL',
  'RUNNER_TOKEN',
  'RUNNER_WORKDIR',
  'RUNNER_GROUP',
  'GITHUB_HOST',
  'GITHUB_API_HOST',
  'GITHUB_API_PATH',
  'DISABLE_AUTOMATIC_DEREGISTRATION',
  'CONFIGURED_ACTIONS_RUNNER_FILES_DIR',
  'EPHEMERAL',
  'DISABLE_AUTO_UPDATE',
  'START_DOCKER_SERVICE',
  'NO_DEFAULT_LABELS',
  'UNSET_CONFIG_VARS',
];

/** Exit status of a bash entrypoint killed by SIGTERM with no trap set (128 + 15), as dumb-init passes it on. */
export const KILLED_BY_SIGTERM = 143;

/**
 * The environment the runner (and so each job step) gets from the myoung34 entrypoint. The container's first
 * processes keep the full environment in `/proc/PID/environ`, as they do in the real image.
 */
export function listenerEnv(env: NodeJS.ProcessEnv, unsetConfigVars: boolean): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = { ...env, RUNNER_ALLOW_RUNASROOT: '1' };
  for (const name of unsetConfigVars ? [...NOT_EXPORTED, ...CONFIG_VARS] : NOT_EXPORTED) delete out[name];
  return out;
}

/** Mints a registration token with ACCESS_TOKEN, as the myoung34 image's token.sh does. */
async function mintToken(plan: RegisterPlan, accessToken: string): Promise<string> {
  if (plan.scope.kind === 'ent')
    throw new RunnerExit(1, 'enterprise runners are not supported by the simulator');
  const path =
    plan.scope.kind === 'repo'
      ? `/repos/${plan.scope.owner}/${plan.scope.repo}/actions/runners/registration-token`
      : `/orgs/${plan.scope.org}/actions/runners/registration-token`;
  const res = await requestJson(`${plan.tokenApiUrl}${path}`, {
    method: 'POST',
    headers: {
      authorization: `token ${accessToken}`,
      accept: 'application/vnd.github+json',
      'x-github-api-version': '2022-11-28',
    },
  });
  const token = (res.body as { token?: unknown } | undefined)?.token;
  if (res.status !== 201 || typeof token !== 'string') {
    throw new RunnerExit(
      1,
      `Could not get a registration token: ${statusName(res.status)} from 'POST ${plan.tokenApiUrl}${path}'`,
    );
  }
  return token;
}

/** RUNNER_TOKEN, or one minted with ACCESS_TOKEN or the App, as configure_runner (and the exit trap) get it. */
async function registrationToken(plan: RegisterPlan): Promise<string> {
  const accessToken = plan.app ? await mintInstallationToken(plan.tokenApiUrl, plan.app) : plan.accessToken;
  return accessToken ? mintToken(plan, accessToken) : (plan.runnerToken ?? '');
}

/**
 * The entrypoint's `deregister_runner` trap: `config.sh remove --token "$RUNNER_TOKEN"`, where the token is empty
 * once `unset_config_vars` ran, so nothing is removed. It then exits 1 after a signal, else with the runner's code.
 */
async function deregister(plan: RegisterPlan, runnerId: number | undefined, log: LogSink): Promise<void> {
  const token = plan.unsetConfigVars ? '' : await registrationToken(plan).catch(() => '');
  if (!token || runnerId === undefined) {
    log('Error: the runner was not removed: config.sh remove got no token');
    return;
  }
  const removed = await removeRunner({ url: plan.url, token }, runnerId, 600);
  log(removed ? '√ Runner removed successfully' : 'Failed to remove the runner');
}

/** Configures and runs a runner from the myoung34 variables, with the entrypoint's exit trap; returns the exit code. */
export async function runImageRegistration(
  plan: RegisterPlan,
  options: { signal: AbortSignal; log: LogSink; env: NodeJS.ProcessEnv },
): Promise<number> {
  const { signal, log } = options;
  let token: string;
  try {
    token = await registrationToken(plan);
  } catch (error) {
    log(`Error: ${error instanceof Error ? error.message : 'could not get a registration token'}`);
    return 1;
  }
  const result = await runStandInRunner({
    mode: 'register',
    url: plan.url,
    token,
    name: plan.name,
    labels: plan.labels,
    ephemeral: plan.ephemeral,
    noDefaultLabels: plan.noDefaultLabels,
    workFolder: plan.workFolder,
    runnerGroup: plan.runnerGroup,
    replace: true,
    stepEnv: listenerEnv(options.env, plan.unsetConfigVars),
    signal,
    log,
  });
  if (result.reason === 'configuration-failed') return result.exitCode;
  if (!plan.exitTrap) return signal.aborted ? KILLED_BY_SIGTERM : result.exitCode;
  log(`Caught ${signal.aborted ? 'SIGTERM' : 'EXIT'} - Deregistering runner`);
  await deregister(plan, result.runnerId, log);
  return signal.aborted ? 1 : result.exitCode;
}
