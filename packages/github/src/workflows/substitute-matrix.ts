import type { MatrixCombination } from './matrix.js';

/** The result of putting a matrix combination's values into a `runs-on` value. */
export type Substituted = { ok: true; value: unknown } | { ok: false; expression: string };

const EXPRESSIONS = /\$\{\{([\s\S]*?)\}\}/g;
const WHOLE = /^\$\{\{([\s\S]*?)\}\}$/;
const MATRIX_REF = /^matrix((?:\.[A-Za-z_][\w-]*)+)$/;

// Expression property access is case-insensitive in GitHub Actions.
function property(value: unknown, name: string): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const lower = name.toLowerCase();
  const key = Object.keys(value).find((k) => k.toLowerCase() === lower);
  return key === undefined ? undefined : (value as Record<string, unknown>)[key];
}

/** The value of `matrix.a.b` in a combination; undefined when the expression is anything else or names nothing. */
function lookup(expression: string, combo: MatrixCombination): unknown {
  const match = MATRIX_REF.exec(expression.trim());
  if (!match?.[1]) return undefined;
  let value: unknown = combo;
  for (const name of match[1].slice(1).split('.')) value = property(value, name);
  return value;
}

function substituteText(text: string, combo: MatrixCombination): Substituted {
  const whole = WHOLE.exec(text.trim());
  if (whole?.[1] !== undefined && !whole[1].includes('}}')) {
    const value = lookup(whole[1], combo);
    return value === undefined ? { ok: false, expression: text.trim() } : { ok: true, value };
  }
  let failed: string | null = null;
  const replaced = text.replace(EXPRESSIONS, (expression, inner: string) => {
    const value = lookup(inner, combo);
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
      return String(value);
    if (value === null) return '';
    // Undefined, a list or a mapping cannot go inside text.
    failed ??= expression;
    return '';
  });
  return failed === null ? { ok: true, value: replaced } : { ok: false, expression: failed };
}

/**
 * Puts a matrix combination's values into a `runs-on` value (a string, a list, or `{group, labels}`): an
 * expression that is exactly `${{ matrix.x }}` takes the value as it is (a label, a list or an object); one inside
 * text (`ubuntu-${{ matrix.v }}`) takes its text. Any other expression fails the substitution.
 */
export function substituteMatrix(value: unknown, combo: MatrixCombination): Substituted {
  if (typeof value === 'string') return substituteText(value, combo);
  if (Array.isArray(value)) {
    const items: unknown[] = [];
    for (const item of value as unknown[]) {
      const next = substituteMatrix(item, combo);
      if (!next.ok) return next;
      if (Array.isArray(next.value)) items.push(...(next.value as unknown[]));
      else items.push(next.value);
    }
    return { ok: true, value: items };
  }
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      const next = substituteMatrix(inner, combo);
      if (!next.ok) return next;
      out[key] = next.value;
    }
    return { ok: true, value: out };
  }
  return { ok: true, value };
}
