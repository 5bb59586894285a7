import { isGitHubHostedLabel } from './github-hosted-labels.js';
import type { RunsOnTarget, SelfHostedVerdict } from './types.js';

const RANK: Record<SelfHostedVerdict, number> = { no: 0, maybe: 1, yes: 2 };

/** The stronger of two verdicts (`yes` over `maybe` over `no`). */
export function strongerVerdict(a: SelfHostedVerdict, b: SelfHostedVerdict): SelfHostedVerdict {
  return RANK[a] >= RANK[b] ? a : b;
}

/** True when the labels ask for `self-hosted`, in any case. */
export function hasSelfHostedLabel(labels: readonly string[]): boolean {
  return labels.some((label) => label.trim().toLowerCase() === 'self-hosted');
}

/**
 * Whether a fixed label set may land on a self-hosted runner: `yes` when it names `self-hosted`; `no` when every
 * label is a standard GitHub-hosted image; `maybe` otherwise (a runner group, or custom labels, which a
 * self-hosted runner can carry without `self-hosted` being asked for).
 */
export function targetVerdict(target: RunsOnTarget): { verdict: SelfHostedVerdict; reason: string } {
  if (hasSelfHostedLabel(target.labels)) return { verdict: 'yes', reason: 'runs-on names self-hosted' };
  if (target.group !== null) {
    return { verdict: 'maybe', reason: `runner group "${target.group}" may hold self-hosted runners` };
  }
  if (target.labels.length > 0 && target.labels.every(isGitHubHostedLabel)) {
    return { verdict: 'no', reason: 'runs-on names GitHub-hosted images only' };
  }
  return { verdict: 'maybe', reason: 'custom labels, which a self-hosted runner may carry' };
}

/** The verdict over several label sets: the strongest one, with its reason. */
export function targetsVerdict(targets: readonly RunsOnTarget[]): {
  verdict: SelfHostedVerdict;
  reason: string;
} {
  let best: { verdict: SelfHostedVerdict; reason: string } = { verdict: 'no', reason: 'no label set' };
  for (const target of targets) {
    const next = targetVerdict(target);
    if (best.reason === 'no label set' || RANK[next.verdict] > RANK[best.verdict]) best = next;
  }
  return best;
}
