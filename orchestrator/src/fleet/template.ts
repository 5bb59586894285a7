/**
 * The `runnerenv_*` template: each `runnerenv_NAME=value` becomes `NAME=value` in a runner's container, with
 * `{placeholder}`s filled per runner. Placeholders are checked once at start-up, so a typo stops the service
 * with a clear message instead of starting runners with an empty value.
 */
export const PLACEHOLDERS = {
  scope_name: '"owner/repo" for a repository runner, the organization for an organization runner',
  runner_name: "the runner's unique name (also its id and container name)",
  registration_token: 'a registration token for the scope (minted only when the template uses it)',
  jit_config: 'the encoded just-in-time runner configuration (minted only when the template uses it)',
  repo_owner: 'the repository owner, or the organization',
  repo_name: 'the repository name (empty for an organization runner)',
  runner_scope: '"repo" or "org", as myoung34/github-runner\'s RUNNER_SCOPE expects',
  labels: "the runner's custom labels, comma-separated",
  github_url: 'the web URL runners register against (https://github.com, or your GHES host)',
  github_host: 'the host part of github_url ("github.com"; scheme included when it is not https)',
  timestamp: 'the creation time, seconds since the epoch',
  hostname: "the orchestrator's host name",
  orchestrator_id: "the orchestrator's id (ORCHESTRATOR_ID)",
} as const;

export type Placeholder = keyof typeof PLACEHOLDERS;
export type PlaceholderValues = Record<Placeholder, string>;

const PLACEHOLDER_PATTERN = /\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/**
 * The built-in template, used when no `runnerenv_*` variable is set: a just-in-time runner. The container gets a
 * configuration for its one runner and no registration token, so no job step can register a runner of its own.
 * With `BUILT_IN_ENTRYPOINT` it works on `myoung34/github-runner` (whose entrypoint has no just-in-time support:
 * `run.sh` of the bundled actions/runner reads the variable itself) and on any image laid out like it.
 */
export const JIT_TEMPLATE: Readonly<Record<string, string>> = Object.freeze({
  ACTIONS_RUNNER_INPUT_JITCONFIG: '{jit_config}',
});

/** The entry point of the built-in template, unless `RUNNER_ENTRYPOINT` says otherwise. */
export const BUILT_IN_ENTRYPOINT: readonly string[] = Object.freeze(['/actions-runner/run.sh']);

/**
 * The registration-token preset for `myoung34/github-runner`'s own entrypoint (set as `runnerenv_*` variables, see
 * docs/security.md): the token it holds is readable by the job for as long as it is valid (an hour, repository- or
 * organization-wide), so it is no longer the default.
 */
export const MYOUNG34_TEMPLATE: Readonly<Record<string, string>> = Object.freeze({
  RUNNER_SCOPE: '{runner_scope}',
  REPO_URL: '{github_url}/{scope_name}',
  ORG_NAME: '{repo_owner}',
  GITHUB_HOST: '{github_host}',
  RUNNER_NAME: '{runner_name}',
  RUNNER_TOKEN: '{registration_token}',
  LABELS: '{labels}',
  EPHEMERAL: 'true',
  DISABLE_AUTO_UPDATE: 'true',
  UNSET_CONFIG_VARS: 'true',
  DISABLE_AUTOMATIC_DEREGISTRATION: 'true',
});

/** A problem with the template, and the variable it is in. */
export interface TemplateProblem {
  variable: string;
  message: string;
}

/** A checked template. */
export interface RunnerTemplate {
  readonly env: Readonly<Record<string, string>>;
  /** Where it came from, for the start-up log. */
  readonly source: 'built-in (just-in-time)' | 'runnerenv_* variables';
  /** Replaces the image's entry point (`RUNNER_ENTRYPOINT`, or the built-in template's); null keeps the image's. */
  readonly entrypoint: readonly string[] | null;
  /** Placeholders used anywhere in the template (and the command), so only what is used gets minted. */
  readonly uses: ReadonlySet<Placeholder>;
}

function placeholdersIn(text: string): string[] {
  return [...text.matchAll(PLACEHOLDER_PATTERN)].map((match) => match[1] ?? '');
}

function isPlaceholder(name: string): name is Placeholder {
  return Object.hasOwn(PLACEHOLDERS, name);
}

/**
 * Checks a template. `runnerenv` is `{NAME: value}` with the prefix removed; empty means the default template.
 * `commandWords` are the words of `RUNNER_COMMAND`, which may use placeholders too.
 * Returns the template, or the list of problems.
 */
export function compileTemplate(
  runnerenv: Readonly<Record<string, string>>,
  commandWords: readonly string[] = [],
  entrypointWords: readonly string[] | null = null,
): { template: RunnerTemplate; problems: [] } | { template: null; problems: TemplateProblem[] } {
  const custom = Object.keys(runnerenv).length > 0;
  const env = custom ? { ...runnerenv } : { ...JIT_TEMPLATE };
  const entrypoint = entrypointWords ?? (custom ? null : BUILT_IN_ENTRYPOINT);
  const uses = new Set<Placeholder>();
  const problems: TemplateProblem[] = [];
  const known = Object.keys(PLACEHOLDERS).join(', ');
  const check = (where: string, text: string) => {
    for (const name of placeholdersIn(text)) {
      if (isPlaceholder(name)) uses.add(name);
      else
        problems.push({
          variable: where,
          message: `uses the unknown placeholder {${name}}; known placeholders: ${known}`,
        });
    }
  };
  for (const [name, value] of Object.entries(env)) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      problems.push({
        variable: `runnerenv_${name}`,
        message: `"${name}" is not a valid environment variable name`,
      });
    }
    check(`runnerenv_${name}`, value);
  }
  commandWords.forEach((word) => check('RUNNER_COMMAND', word));
  entrypointWords?.forEach((word) => check('RUNNER_ENTRYPOINT', word));
  if (uses.has('registration_token') && uses.has('jit_config')) {
    problems.push({
      variable: 'runnerenv_*',
      message:
        'the runner template uses both {registration_token} and {jit_config}; a runner needs one of them: {jit_config} for images that support just-in-time runners, {registration_token} otherwise',
    });
  }
  if (problems.length > 0) return { template: null, problems };
  return {
    template: Object.freeze({
      env: Object.freeze(env),
      source: custom ? 'runnerenv_* variables' : 'built-in (just-in-time)',
      entrypoint: entrypoint === null ? null : Object.freeze([...entrypoint]),
      uses,
    }),
    problems: [],
  };
}

/** Replaces every placeholder in `text` (all were checked by {@link compileTemplate}). */
export function fillText(text: string, values: Readonly<PlaceholderValues>): string {
  return text.replace(PLACEHOLDER_PATTERN, (whole, name: string) =>
    isPlaceholder(name) ? values[name] : whole,
  );
}

/**
 * The container environment for one runner. A variable whose filled value is empty is left out, so the image's
 * own default applies (for example `LABELS` with no custom labels).
 */
export function fillTemplate(
  template: RunnerTemplate,
  values: Readonly<PlaceholderValues>,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(template.env)) {
    const filled = fillText(value, values);
    if (filled !== '') env[name] = filled;
  }
  return env;
}
