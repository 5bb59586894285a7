/**
 * The labels GitHub gives every self-hosted runner unless it is configured with `--no-default-labels`.
 * The OS and architecture labels are those of the Linux x64 hosts this project targets.
 */
export const GITHUB_DEFAULT_LABELS: readonly string[] = ['self-hosted', 'Linux', 'X64'];

/** Merges label lists, dropping empties and case-insensitive duplicates (GitHub compares labels case-insensitively). */
export function mergeLabels(...lists: readonly (readonly string[])[]): string[] {
  const seen = new Set<string>();
  const merged: string[] = [];
  for (const label of lists.flat()) {
    const trimmed = label.trim();
    const key = trimmed.toLowerCase();
    if (trimmed === '' || seen.has(key)) continue;
    seen.add(key);
    merged.push(trimmed);
  }
  return merged;
}

/**
 * The one place a runner's label set is derived: GitHub's defaults (unless `noDefaultLabels`), then the
 * configured labels (`RUNNER_LABELS`), then the ones asked for (API request or job).
 * `custom` is what goes into the container's `LABELS`; `all` is what GitHub will list and what jobs match against.
 */
export function deriveRunnerLabels(options: {
  configured: readonly string[];
  requested: readonly string[];
  noDefaultLabels: boolean;
}): { custom: string[]; all: string[] } {
  const custom = mergeLabels(options.configured, options.requested).filter(
    (label) =>
      options.noDefaultLabels || !GITHUB_DEFAULT_LABELS.some((d) => d.toLowerCase() === label.toLowerCase()),
  );
  const all = mergeLabels(options.noDefaultLabels ? [] : GITHUB_DEFAULT_LABELS, custom);
  return { custom, all };
}
