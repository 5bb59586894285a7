import type { SimStore } from '../state/store.js';
import type { SimLabel } from '../state/types.js';

/** Labels every self-hosted Linux x64 runner gets unless configured with `--no-default-labels`. */
export const DEFAULT_LABELS = ['self-hosted', 'Linux', 'X64'] as const;

const BUILT_IN = new Set(['self-hosted', 'linux', 'x64', 'windows', 'macos', 'arm', 'arm64', 'x86']);

/**
 * Builds a runner's label list: the default labels first (read-only, as GitHub reports them) unless
 * `noDefaultLabels`, then the custom ones, de-duplicated case-insensitively.
 */
export function buildLabels(
  store: SimStore,
  custom: readonly string[],
  noDefaultLabels: boolean,
): SimLabel[] {
  const names = [...(noDefaultLabels ? [] : DEFAULT_LABELS), ...custom.map((l) => l.trim()).filter(Boolean)];
  const seen = new Set<string>();
  const labels: SimLabel[] = [];
  for (const name of names) {
    const k = name.toLowerCase();
    if (seen.has(k)) continue;
    seen.add(k);
    labels.push({ id: store.ids.take('label'), name, type: BUILT_IN.has(k) ? 'read-only' : 'custom' });
  }
  return labels;
}
