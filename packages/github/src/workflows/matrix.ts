import { containsExpression } from './runs-on.js';

/** One combination of matrix values. */
export type MatrixCombination = Record<string, unknown>;

/** GitHub runs at most 256 jobs per matrix; a bound on the expansion as well. */
export const MAX_COMBINATIONS = 256;

type Outcome<T> = { ok: true; value: T } | { ok: false; reason: string };

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function product(keys: readonly string[], matrix: Record<string, unknown>): Outcome<MatrixCombination[]> {
  let combos: MatrixCombination[] = [{}];
  for (const key of keys) {
    const values = matrix[key];
    if (!Array.isArray(values)) return { ok: false, reason: `matrix.${key} is not a list` };
    const next: MatrixCombination[] = [];
    for (const combo of combos) {
      for (const value of values as unknown[]) next.push({ ...combo, [key]: value });
    }
    if (next.length > MAX_COMBINATIONS) return { ok: false, reason: 'the matrix is too large to expand' };
    combos = next;
  }
  return { ok: true, value: combos };
}

function matches(
  combo: MatrixCombination,
  filter: Record<string, unknown>,
  keys?: ReadonlySet<string>,
): boolean {
  return Object.entries(filter).every(
    ([key, value]) => (keys !== undefined && !keys.has(key)) || sameValue(combo[key], value),
  );
}

// GitHub's rule: an include entry extends every original combination whose original values it does not
// contradict; when it fits none, it becomes a combination of its own.
function applyIncludes(
  base: MatrixCombination[],
  baseKeys: ReadonlySet<string>,
  includes: readonly Record<string, unknown>[],
): MatrixCombination[] {
  const combos = base.map((combo) => ({ ...combo }));
  const originals = baseKeys.size === 0 ? [] : [...combos];
  for (const include of includes) {
    const targets = originals.filter((combo) => matches(combo, include, baseKeys));
    if (targets.length === 0) combos.push({ ...include });
    for (const combo of targets) Object.assign(combo, include);
  }
  return baseKeys.size === 0 && includes.length > 0 ? combos.slice(base.length) : combos;
}

function recordList(value: unknown, name: string): Outcome<Record<string, unknown>[]> {
  if (value === undefined || value === null) return { ok: true, value: [] };
  if (!Array.isArray(value)) return { ok: false, reason: `matrix.${name} is not a list` };
  return { ok: true, value: (value as unknown[]).filter(isRecord) };
}

/**
 * Every combination of a job's `strategy.matrix`, following GitHub's rules for `include` and `exclude`.
 * Fails (the caller then treats `runs-on` as dynamic) when the matrix or one of its lists is an expression, or
 * when it exceeds {@link MAX_COMBINATIONS}. A job without a matrix has one empty combination.
 */
export function matrixCombinations(strategy: unknown): Outcome<MatrixCombination[]> {
  if (strategy === undefined || strategy === null) return { ok: true, value: [{}] };
  if (!isRecord(strategy)) return { ok: false, reason: 'strategy is an expression' };
  const matrix = strategy['matrix'];
  if (matrix === undefined || matrix === null) return { ok: true, value: [{}] };
  if (!isRecord(matrix)) return { ok: false, reason: 'the matrix is an expression' };
  const keys = Object.keys(matrix).filter((key) => key !== 'include' && key !== 'exclude');
  for (const key of keys) {
    const values = matrix[key];
    if (typeof values === 'string' && containsExpression(values)) {
      return { ok: false, reason: `matrix.${key} is an expression` };
    }
  }
  const base = product(keys, matrix);
  const includes = recordList(matrix['include'], 'include');
  if (!base.ok) return base;
  if (!includes.ok) return includes;
  // An exclude written as an expression only removes combinations: ignoring it errs on the safe side.
  const excludes = recordList(matrix['exclude'], 'exclude');
  const kept = excludes.ok
    ? base.value.filter((combo) => !excludes.value.some((exclude) => matches(combo, exclude)))
    : base.value;
  const combos = applyIncludes(kept, new Set(keys), includes.value);
  if (combos.length > MAX_COMBINATIONS) return { ok: false, reason: 'the matrix is too large to expand' };
  return { ok: true, value: combos.length === 0 ? [{}] : combos };
}
