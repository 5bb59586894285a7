import type { ConfigProblem } from './config-error.js';

/** Reads a whole file as UTF-8 text; throws when it cannot. */
export type ReadFile = (path: string) => string;

const REASONS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'it is a directory',
};

function describeReadError(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return 'unreadable';
  return REASONS[code] === undefined ? code : `${REASONS[code]} (${code})`;
}

const isBlank = (value: string | undefined): value is undefined => value === undefined || value.trim() === '';

/**
 * Resolves `NAME_FILE` for each secret `NAME`: the file's content, trailing newlines trimmed, becomes `NAME`.
 * Returns the values to use and the problems found (both forms set, an unreadable or empty file); a problem
 * names the variable and the path, never the content, since a wrong path may point at another secret.
 */
export function resolveSecretFiles(
  env: Readonly<Record<string, string | undefined>>,
  secrets: readonly string[],
  readFile: ReadFile,
): { values: Record<string, string>; problems: ConfigProblem[] } {
  const values: Record<string, string> = {};
  const problems: ConfigProblem[] = [];
  for (const name of secrets) {
    const fileVariable = `${name}_FILE`;
    const path = env[fileVariable];
    if (isBlank(path)) continue;
    if (!isBlank(env[name])) {
      problems.push({ variable: name, message: `set either ${name} or ${fileVariable}, not both` });
      continue;
    }
    let content: string;
    try {
      content = readFile(path.trim()).replace(/(\r?\n)+$/, '');
    } catch (error) {
      problems.push({
        variable: fileVariable,
        message: `cannot read the file "${path.trim()}": ${describeReadError(error)}`,
      });
      continue;
    }
    if (content.trim() === '') {
      problems.push({ variable: fileVariable, message: `the file "${path.trim()}" is empty` });
      continue;
    }
    values[name] = content;
  }
  return { values, problems };
}
