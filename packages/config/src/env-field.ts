import { z } from 'zod';

/**
 * A zod schema for one environment variable: it takes the raw `string | undefined` and gives a typed value.
 * Every builder of this package returns one; compose them into a `z.object({...})` keyed by variable name.
 */
export type EnvField<T> = z.ZodType<T, string | undefined>;

/** What a field parser returns: the typed value, or what was expected in words (never echoing the input). */
export type FieldResult<T> = { readonly value: T } | { readonly expected: string };

/**
 * The `params` flag on an issue that is about the variable's own value: `loadConfig` then appends what it
 * received (`got "abc"`, `(hidden)` for a secret, or `but it is not set`). Cross-field issues leave it off.
 */
export const VALUE_ISSUE_PARAM = 'envValueIssue';

/**
 * Builds an {@link EnvField} from a parser. Blank values (empty or only whitespace) reach the parser as
 * `undefined`: compose files write `NAME: ${NAME:-}`, and an empty value there means "not configured".
 *
 * Messages say what is expected, not what was received: `loadConfig` adds the received value itself, so a
 * secret never ends up in a message by way of a field.
 */
export function envField<T>(parse: (raw: string | undefined) => FieldResult<T>): EnvField<T> {
  return z
    .string()
    .optional()
    .transform((raw, ctx) => {
      const result = parse(raw === undefined || raw.trim() === '' ? undefined : raw);
      if ('value' in result) return result.value;
      ctx.addIssue({ code: 'custom', message: result.expected, params: { [VALUE_ISSUE_PARAM]: true } });
      return z.NEVER;
    });
}
