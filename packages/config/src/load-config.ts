import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import { ConfigError, type ConfigProblem } from './config-error.js';
import { deepFreeze, type DeepReadonly } from './deep-freeze.js';
import { VALUE_ISSUE_PARAM } from './env-field.js';
import { resolveSecretFiles, type ReadFile } from './secret-files.js';

/** Options of {@link loadConfig}. */
export interface LoadConfigOptions<Name extends string> {
  /** Where variables come from (default `process.env`). */
  env?: Readonly<Record<string, string | undefined>>;
  /** The variables that hold secrets: they accept `NAME_FILE`, and their values never appear in a message. */
  secrets: readonly Name[];
  /** Reads a `NAME_FILE` file (default: `fs.readFileSync(path, 'utf8')`). */
  readFile?: ReadFile;
}

const MAX_SHOWN_LENGTH = 80;

function describeReceived(raw: string | undefined, secret: boolean): string {
  if (raw === undefined || raw.trim() === '') return 'but it is not set';
  if (secret) return 'got (hidden)';
  const shown = raw.length > MAX_SHOWN_LENGTH ? `${raw.slice(0, MAX_SHOWN_LENGTH)}…` : raw;
  return `got ${JSON.stringify(shown)}`;
}

function toProblem(
  issue: z.core.$ZodIssue,
  input: Readonly<Record<string, string | undefined>>,
  secrets: ReadonlySet<string>,
): ConfigProblem {
  const key = issue.path[0];
  const variable = issue.path.length === 0 ? '(configuration)' : issue.path.map(String).join('.');
  // Zod's own checks and our fields are about the variable's value; a custom issue from a cross-field
  // rule is not, and saying what the variable held there would only mislead.
  const aboutValue = issue.code !== 'custom' || issue.params?.[VALUE_ISSUE_PARAM] === true;
  if (!aboutValue || typeof key !== 'string') return { variable, message: issue.message };
  return { variable, message: `${issue.message}, ${describeReceived(input[key], secrets.has(key))}` };
}

/**
 * Reads the variables named by the keys of `schema` (a zod object whose fields take `string | undefined`, such as
 * the `env*` builders), resolves `NAME_FILE` for the secrets, validates, and returns a deep-frozen result.
 *
 * Every problem (unreadable secret files and every zod issue, including the schema's `superRefine` rules, which
 * zod runs once the fields themselves are valid) is thrown at once as one {@link ConfigError}.
 */
export function loadConfig<S extends z.ZodObject>(
  schema: S,
  options: LoadConfigOptions<keyof z.output<S> & string>,
): DeepReadonly<z.output<S>> {
  const env = options.env ?? process.env;
  const readFile = options.readFile ?? ((path: string) => readFileSync(path, 'utf8'));
  const secrets = new Set<string>(options.secrets);
  const keys = Object.keys(schema.shape);

  const files = resolveSecretFiles(env, options.secrets, readFile);
  const input: Record<string, string | undefined> = {};
  for (const key of keys) input[key] = files.values[key] ?? env[key];

  const result = schema.safeParse(input);
  const failedFiles = new Set(files.problems.map((problem) => problem.variable.replace(/_FILE$/, '')));
  const issues = result.success ? [] : result.error.issues;
  const problems = [
    ...files.problems,
    // A variable whose file could not be read would also be reported as missing: say it once.
    ...issues
      .filter((issue) => !failedFiles.has(String(issue.path[0])))
      .map((i) => toProblem(i, input, secrets)),
  ];
  if (problems.length > 0 || !result.success) {
    const order = (problem: ConfigProblem) => {
      const index = keys.indexOf(problem.variable.replace(/_FILE$/, '').split('.')[0] ?? '');
      return index === -1 ? keys.length : index;
    };
    throw new ConfigError(problems.sort((a, b) => order(a) - order(b)));
  }
  return deepFreeze(result.data);
}
