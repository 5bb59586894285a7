/** Which parts of a config are secret, for {@link redactConfig}. */
export interface RedactSpec {
  /** Top-level keys whose values are secrets: shown as `[set]` or `[unset]`. */
  readonly keys: readonly string[];
  /**
   * Top-level keys holding a record of free-form variables (such as `runnerenv`): their names and placeholders
   * (like `{registration_token}`, filled at run time) are shown, their literal text never, whatever the name: a
   * value that is only placeholders is shown as is, any other has each literal run replaced by `[literal]`
   * (`https://x/{repo_owner}` becomes `[literal]{repo_owner}`). A secret's name need not look secret
   * (`NPM_AUTH`, `GH_PAT`, a URL with a password in it).
   */
  readonly records?: readonly string[];
}

const PLACEHOLDER = /\{[A-Za-z0-9_]+\}/g;
const LITERAL = '[literal]';

const isUnset = (value: unknown): boolean =>
  value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0);

/** The placeholders of `value` in place, each run of literal text between them as `[literal]`. */
function maskLiterals(value: unknown): unknown {
  if (isUnset(value)) return '[unset]';
  if (typeof value !== 'string') return LITERAL;
  const parts: string[] = [];
  let last = 0;
  for (const match of value.matchAll(PLACEHOLDER)) {
    if (match.index > last) parts.push(LITERAL);
    parts.push(match[0]);
    last = match.index + match[0].length;
  }
  if (last < value.length) parts.push(LITERAL);
  return parts.join('');
}

/** A record of free-form variables as it may be logged: names kept, literal values masked (see `redactConfig`). */
export function redactRecord(record: unknown): unknown {
  if (typeof record !== 'object' || record === null || Array.isArray(record)) return record;
  return Object.fromEntries(Object.entries(record).map(([name, value]) => [name, maskLiterals(value)]));
}

/**
 * A plain copy of `config` that is safe to log: secret keys become `"[set]"` or `"[unset]"` (an empty list counts
 * as unset), everything else is kept as is. Pass the secret key names, or a {@link RedactSpec} to also screen
 * records of free-form variables.
 */
export function redactConfig(
  config: object,
  secrets: readonly string[] | RedactSpec,
): Record<string, unknown> {
  const spec: RedactSpec = Array.isArray(secrets) ? { keys: secrets } : (secrets as RedactSpec);
  const keys = new Set(spec.keys);
  const records = new Set(spec.records ?? []);
  return Object.fromEntries(
    Object.entries(config).map(([key, value]) => {
      if (keys.has(key)) return [key, isUnset(value) ? '[unset]' : '[set]'];
      if (records.has(key)) return [key, redactRecord(value)];
      return [key, value];
    }),
  );
}
