import { deriveApiUrl, hostToOrigin } from './api-url.js';

/** What the image's command line and environment ask for. */
export type ImagePlan =
  | { kind: 'jit'; jitConfig: string }
  | {
      kind: 'register';
      url: string;
      /** REST base for minting a token with ACCESS_TOKEN (from GITHUB_HOST, else the URL's origin). */
      tokenApiUrl: string;
      scope:
        | { kind: 'repo'; owner: string; repo: string }
        | { kind: 'org'; org: string }
        | { kind: 'ent'; enterprise: string };
      runnerToken: string | undefined;
      accessToken: string | undefined;
      /** APP_ID + APP_PRIVATE_KEY + APP_LOGIN: an App mints the access token. */
      app: { appId: string; privateKey: string; login: string } | undefined;
      name: string;
      labels: string[];
      ephemeral: boolean;
      noDefaultLabels: boolean;
      workFolder: string;
      runnerGroup: string;
      /** The entrypoint's exit trap (`DISABLE_AUTOMATIC_DEREGISTRATION` is exactly `false`, the default). */
      exitTrap: boolean;
      /** `UNSET_CONFIG_VARS=true`: the trap then finds no token, so `config.sh remove --token ''` fails. */
      unsetConfigVars: boolean;
    }
  | { kind: 'exec'; command: string[] }
  | { kind: 'error'; message: string };

type Env = Record<string, string | undefined>;

const RUNNER_COMMANDS = ['Runner.Listener', 'run.sh', 'run-helper.sh'];

function randomSuffix(): string {
  const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let out = '';
  for (let i = 0; i < 13; i += 1) out += chars[Math.floor(Math.random() * chars.length)] ?? 'x';
  return out;
}

function jitFromArgs(args: string[]): string | undefined {
  const i = args.indexOf('--jitconfig');
  if (i >= 0) return args[i + 1];
  const inline = args.find((a) => a.startsWith('--jitconfig='));
  return inline?.slice('--jitconfig='.length);
}

function registerPlan(env: Env): ImagePlan {
  const scopeName = (env['RUNNER_SCOPE'] ?? 'repo').toLowerCase();
  const origin = hostToOrigin(env['GITHUB_HOST']);
  let url: string;
  let scope: Extract<ImagePlan, { kind: 'register' }>['scope'];
  if (scopeName === 'org') {
    const org = env['ORG_NAME'];
    if (!org) return { kind: 'error', message: 'ORG_NAME required for org runners' };
    url = `${origin}/${org}`;
    scope = { kind: 'org', org };
  } else if (scopeName === 'ent' || scopeName === 'enterprise') {
    const enterprise = env['ENTERPRISE_NAME'];
    if (!enterprise) return { kind: 'error', message: 'ENTERPRISE_NAME required for enterprise runners' };
    url = `${origin}/enterprises/${enterprise}`;
    scope = { kind: 'ent', enterprise };
  } else if (scopeName === 'repo') {
    const repoUrl = env['REPO_URL'];
    if (!repoUrl) return { kind: 'error', message: 'REPO_URL required for repo runners' };
    let parts: string[];
    try {
      parts = new URL(repoUrl).pathname.split('/').filter(Boolean);
    } catch {
      return { kind: 'error', message: 'REPO_URL is not a URL' };
    }
    const [owner, repo] = parts;
    if (!owner || !repo) return { kind: 'error', message: 'REPO_URL must be https://HOST/OWNER/REPO' };
    url = repoUrl.replace(/\/+$/, '');
    scope = { kind: 'repo', owner, repo };
  } else return { kind: 'error', message: `RUNNER_SCOPE must be repo, org or ent, not ${scopeName}` };
  const runnerToken = env['RUNNER_TOKEN'] || undefined;
  const accessToken = env['ACCESS_TOKEN'] || undefined;
  const [appId, privateKey, login] = [env['APP_ID'], env['APP_PRIVATE_KEY'], env['APP_LOGIN']];
  if ((appId || privateKey || login) && !(appId && privateKey && login)) {
    return { kind: 'error', message: 'APP_ID, APP_PRIVATE_KEY and APP_LOGIN go together' };
  }
  // A PEM passed through an env file often has literal \n for its line breaks.
  const app =
    appId && privateKey && login ? { appId, privateKey: privateKey.replace(/\\n/g, '\n'), login } : undefined;
  if (!runnerToken && !accessToken && !app) {
    return { kind: 'error', message: 'RUNNER_TOKEN, ACCESS_TOKEN or APP_ID required' };
  }
  const name = env['RUNNER_NAME'] || `${env['RUNNER_NAME_PREFIX'] || 'github-runner'}-${randomSuffix()}`;
  return {
    kind: 'register',
    url,
    tokenApiUrl: env['GITHUB_HOST'] ? deriveApiUrl(origin) : deriveApiUrl(url),
    scope,
    runnerToken,
    accessToken,
    app,
    name,
    // The entrypoint's `_LABELS=${RUNNER_LABELS:-${LABELS:-default}}`.
    labels: (env['RUNNER_LABELS'] || env['LABELS'] || 'default')
      .split(',')
      .map((l) => l.trim())
      .filter(Boolean),
    // As in the myoung34 image: ANY non-empty value, even "false", turns these on.
    ephemeral: Boolean(env['EPHEMERAL']),
    noDefaultLabels: Boolean(env['NO_DEFAULT_LABELS']),
    workFolder: env['RUNNER_WORKDIR'] || `/_work/${name}`,
    runnerGroup: env['RUNNER_GROUP'] || 'Default',
    exitTrap: (env['DISABLE_AUTOMATIC_DEREGISTRATION'] || 'false') === 'false',
    unsetConfigVars: env['UNSET_CONFIG_VARS'] === 'true',
  };
}

/**
 * Decides what the container does from its arguments (the CMD, after the ENTRYPOINT) and environment:
 * `run.sh --jitconfig X` or ACTIONS_RUNNER_INPUT_JITCONFIG run a JIT runner (official image); the default
 * `./bin/Runner.Listener run --startuptype service` configures from the myoung34 variables and runs; any other
 * command is run as it is.
 */
export function planFromImageInput(args: string[], env: Env): ImagePlan {
  const [command, ...rest] = args;
  const base = command?.split('/').pop() ?? '';
  if (command !== undefined && !RUNNER_COMMANDS.includes(base)) return { kind: 'exec', command: args };
  const jit = jitFromArgs(rest) ?? (env['ACTIONS_RUNNER_INPUT_JITCONFIG'] || undefined);
  if (rest.includes('--jitconfig') && !jitFromArgs(rest))
    return { kind: 'error', message: '--jitconfig needs a value' };
  if (jit) return { kind: 'jit', jitConfig: jit };
  return registerPlan(env);
}
