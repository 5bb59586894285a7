/**
 * The variables whose names start with `prefix` (case-sensitive), keyed by the rest of the name with its case
 * kept: `collectPrefixed(env, 'runnerenv_')` turns `runnerenv_RUNNER_SCOPE=repo` into `{ RUNNER_SCOPE: 'repo' }`.
 * Unset values and a bare `prefix` are skipped.
 */
export function collectPrefixed(
  env: Readonly<Record<string, string | undefined>>,
  prefix: string,
): Record<string, string> {
  const entries: [string, string][] = [];
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || !name.startsWith(prefix) || name.length === prefix.length) continue;
    entries.push([name.slice(prefix.length), value]);
  }
  // fromEntries defines own properties, so a variable named `runnerenv___proto__` cannot touch the prototype.
  return Object.fromEntries(entries.sort(([a], [b]) => a.localeCompare(b)));
}
