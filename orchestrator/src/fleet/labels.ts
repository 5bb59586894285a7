import { AppError, LABEL, LABEL_RULE } from '@gha-ephemeral/contract';

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
  ensureValidLabels([...options.configured, ...options.requested]);
  const custom = mergeLabels(options.configured, options.requested).filter(
    (label) =>
      options.noDefaultLabels || !GITHUB_DEFAULT_LABELS.some((d) => d.toLowerCase() === label.toLowerCase()),
  );
  const all = mergeLabels(options.noDefaultLabels ? [] : GITHUB_DEFAULT_LABELS, custom);
  return { custom, all };
}

/**
 * Refuses labels outside GitHub's rules as this product applies them (contract `LABEL`): the API schema checks
 * them already; this is the last check before labels reach a runner's environment and command, whatever path
 * they came by. Throws a 400 `request.invalid` that says what a label may hold.
 */
export function ensureValidLabels(labels: readonly string[]): void {
  const bad = labels.filter((label) => !LABEL.test(label));
  if (bad.length === 0) return;
  throw new AppError(
    'request.invalid',
    `Invalid labels ${bad.map((label) => JSON.stringify(label.slice(0, 40))).join(', ')}: ${LABEL_RULE}`,
  );
}

/** The label myoung34/github-runner's entrypoint registers when its `LABELS` is empty or unset. */
export const IMAGE_DEFAULT_LABEL = 'default';

/**
 * The labels GitHub will list for a runner of `template`: the image's entrypoint (`_LABELS=${RUNNER_LABELS:-
 * ${LABELS:-default}}`) registers `default` when the template leaves `LABELS` empty, which it does for a runner
 * without custom labels (`fillTemplate` drops empty variables). Just-in-time runners and a replaced
 * entrypoint register exactly what they are given.
 */
export function withImageDefaultLabel(
  labels: { custom: string[]; all: string[] },
  template: {
    env: Readonly<Record<string, string>>;
    uses: ReadonlySet<string>;
    entrypoint?: readonly string[] | null;
  },
): { custom: string[]; all: string[] } {
  const passed = template.env.LABELS;
  const leavesEmpty = passed !== undefined && passed.replace(/\{labels\}/g, '').trim() === '';
  const viaEntrypoint = !template.uses.has('jit_config') && (template.entrypoint ?? null) === null;
  if (labels.custom.length > 0 || !leavesEmpty || !viaEntrypoint) return labels;
  return { custom: labels.custom, all: mergeLabels(labels.all, [IMAGE_DEFAULT_LABEL]) };
}
