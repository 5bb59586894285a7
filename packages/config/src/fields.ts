import { envField, type EnvField, type FieldResult } from './env-field.js';

const ok = <T>(value: T): FieldResult<T> => ({ value });
const expected = (text: string): FieldResult<never> => ({ expected: text });

/** A string, trimmed; with a default, or `required`, or else optional (`undefined` when unset). */
export function envString(options: { default: string }): EnvField<string>;
export function envString(options: { required: true }): EnvField<string>;
export function envString(options?: { required?: false }): EnvField<string | undefined>;
export function envString(
  options: { default?: string; required?: boolean } = {},
): EnvField<string | undefined> {
  return envField((raw) => {
    if (raw !== undefined) return ok(raw.trim());
    if (options.default !== undefined) return ok(options.default);
    return options.required === true ? expected('expected a non-empty value') : ok(undefined);
  });
}

/**
 * An optional secret (token, key, password): `undefined` when unset or blank, else the value trimmed. List its
 * variable in `loadConfig`'s `secrets` so that `NAME_FILE` works and the value never appears in a message.
 */
export function envSecret(): EnvField<string | undefined> {
  return envField((raw) => ok(raw?.trim()));
}

const TRUE_WORDS = new Set(['true', '1', 'yes', 'on']);
const FALSE_WORDS = new Set(['false', '0', 'no', 'off']);

/** A boolean: true/false, 1/0, yes/no or on/off in any case. */
export function envBool(defaultValue: boolean): EnvField<boolean> {
  return envField((raw) => {
    if (raw === undefined) return ok(defaultValue);
    const word = raw.trim().toLowerCase();
    if (TRUE_WORDS.has(word)) return ok(true);
    if (FALSE_WORDS.has(word)) return ok(false);
    return expected('expected true/false, 1/0, yes/no or on/off (any case)');
  });
}

/** Options of {@link envInt}. */
export interface EnvIntOptions {
  /** The value when unset; without it the field is optional (`undefined` when unset). */
  default?: number;
  min?: number;
  max?: number;
  /** Shown in the message: `expected a whole number of seconds (>= 10)`. */
  unit?: string;
}

function describeInt({ min, max, unit }: EnvIntOptions): string {
  const what = unit === undefined ? 'a whole number' : `a whole number of ${unit}`;
  if (min !== undefined && max !== undefined) return `${what} (${min}-${max})`;
  if (min !== undefined) return `${what} (>= ${min})`;
  if (max !== undefined) return `${what} (<= ${max})`;
  return what;
}

/** Decimal digits only: `1e3`, `0x10` and `12.5` are refused rather than read as something surprising. */
function parseWholeNumber(text: string, min = -Infinity, max = Infinity): number | undefined {
  const trimmed = text.trim();
  const value = Number(trimmed);
  if (!/^[+-]?\d+$/.test(trimmed) || !Number.isSafeInteger(value)) return undefined;
  return value < min || value > max ? undefined : value;
}

/** A whole number within optional bounds. */
export function envInt(options: EnvIntOptions & { default: number }): EnvField<number>;
export function envInt(options?: Omit<EnvIntOptions, 'default'>): EnvField<number | undefined>;
export function envInt(options: EnvIntOptions = {}): EnvField<number | undefined> {
  const description = `expected ${describeInt(options)}`;
  return envField((raw) => {
    if (raw === undefined) return ok(options.default);
    const value = parseWholeNumber(raw, options.min, options.max);
    return value === undefined ? expected(description) : ok(value);
  });
}

/** A TCP port (1-65535). */
export function envPort(defaultValue: number): EnvField<number> {
  return envField((raw) => {
    if (raw === undefined) return ok(defaultValue);
    const value = parseWholeNumber(raw, 1, 65535);
    return value === undefined ? expected('expected a TCP port number (1-65535)') : ok(value);
  });
}

/**
 * An absolute http(s) URL, normalized by WHATWG URL parsing and without a trailing slash, so callers can append
 * `/path` (`https://ghe.example/api/v3/` becomes `https://ghe.example/api/v3`). Optional without a default.
 */
export function envUrl(defaultValue: string): EnvField<string>;
export function envUrl(): EnvField<string | undefined>;
export function envUrl(defaultValue?: string): EnvField<string | undefined> {
  return envField((raw) => {
    if (raw === undefined) return ok(defaultValue);
    let url: URL;
    try {
      url = new URL(raw.trim());
    } catch {
      return expected('expected an absolute http:// or https:// URL');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      return expected('expected an absolute http:// or https:// URL');
    }
    return ok(url.href.replace(/\/+$/, ''));
  });
}
