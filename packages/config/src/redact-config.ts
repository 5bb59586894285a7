/** Which parts of a config are secret, for {@link redactConfig}. */
export interface RedactSpec {
  /** Top-level keys whose values are secrets: shown as `[set]` or `[unset]`. */
  readonly keys: readonly string[];
  /**
   * Top-level keys holding a record of free-form variables (such as `runnerenv`): an entry whose name looks
   * secret (contains TOKEN, SECRET, KEY, PASSWORD, PASSWD or CREDENTIAL) is shown as `[set]` unless its value is
   * only placeholders like `{registration_token}`, which are filled at run time and safe to show.
   */
  readonly records?: readonly string[];
}

const SECRET_NAME = /TOKEN|SECRET|KEY|PASSWORD|PASSWD|CREDENTIAL/i;
const ONLY_PLACEHOLDERS = /^(?:\{[A-Za-z0-9_]+\})+$/;

const isUnset = (value: unknown): boolean =>
  value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0);

function redactRecord(record: unknown): unknown {
  if (typeof record !== 'object' || record === null || Array.isArray(record)) return record;
  return Object.fromEntries(
    Object.entries(record).map(([name, value]) => {
      const hide =
        SECRET_NAME.test(name) && !(typeof value === 'string' && ONLY_PLACEHOLDERS.test(value.trim()));
      return [name, hide ? (isUnset(value) ? '[unset]' : '[set]') : value];
    }),
  );
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
