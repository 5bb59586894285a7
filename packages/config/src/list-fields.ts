import type { z } from 'zod';
import { envField, type EnvField } from './env-field.js';

/** Options of {@link envCsv}. */
export interface EnvCsvOptions<T> {
  /** The list when unset (default: empty). */
  default?: readonly T[];
  /** Validates and converts each item (already trimmed); its messages must not echo the item. */
  item?: z.ZodType<T>;
}

/**
 * A comma-separated list (a newline also separates, handy in a `NAME_FILE`): items trimmed, empty items dropped
 * (`"a, b,,"` is `["a", "b"]`). A bad item is reported by position, never by value, so the same builder serves
 * lists of secrets (API keys).
 */
export function envCsv(options?: { default?: readonly string[] }): EnvField<string[]>;
export function envCsv<T>(options: EnvCsvOptions<T> & { item: z.ZodType<T> }): EnvField<T[]>;
export function envCsv<T>(options: EnvCsvOptions<T> = {}): EnvField<T[]> {
  return envField((raw) => {
    if (raw === undefined) return { value: [...(options.default ?? [])] };
    const items = raw
      .split(/[,\n]/)
      .map((item) => item.trim())
      .filter((item) => item !== '');
    if (options.item === undefined) return { value: items as T[] };
    const values: T[] = [];
    const problems: string[] = [];
    items.forEach((item, index) => {
      const result = options.item?.safeParse(item);
      if (result?.success === true) values.push(result.data);
      else problems.push(`item ${index + 1}: ${result?.error.issues[0]?.message ?? 'invalid'}`);
    });
    return problems.length === 0
      ? { value: values }
      : { expected: `expected a comma-separated list (${problems.join('; ')})` };
  });
}

/** Options of {@link envEnum}. */
export interface EnvEnumOptions<V extends string> {
  /** Other accepted words (any case) and the value each stands for, e.g. `{ WARN: 'WARNING' }`. */
  aliases?: Readonly<Record<string, V>>;
}

/** One of `values`, matched in any case (also the aliases), given back in its canonical spelling. */
export function envEnum<const V extends readonly [string, ...string[]]>(
  values: V,
  defaultValue: V[number],
  options: EnvEnumOptions<V[number]> = {},
): EnvField<V[number]> {
  const byWord = new Map<string, V[number]>();
  for (const [alias, value] of Object.entries(options.aliases ?? {})) byWord.set(alias.toLowerCase(), value);
  for (const value of values) byWord.set(value.toLowerCase(), value);
  const aliasNote = options.aliases === undefined ? '' : `; also ${Object.keys(options.aliases).join(', ')}`;
  const description = `expected one of ${values.join(', ')} (any case${aliasNote})`;
  return envField((raw) => {
    if (raw === undefined) return { value: defaultValue };
    const value = byWord.get(raw.trim().toLowerCase());
    return value === undefined ? { expected: description } : { value };
  });
}
