import { matrixCombinations } from './matrix.js';
import { parseRunsOn } from './runs-on.js';
import { substituteMatrix } from './substitute-matrix.js';
import type { RunsOnTarget, WorkflowJobAnalysis } from './types.js';
import { hasSelfHostedLabel, targetVerdict, targetsVerdict } from './verdict.js';

function targetKey(target: RunsOnTarget): string {
  const labels = target.labels.map((label) => label.toLowerCase()).sort();
  return JSON.stringify([target.group?.toLowerCase() ?? null, labels]);
}

function dynamic(id: string, literal: RunsOnTarget, expression: string, why: string): WorkflowJobAnalysis {
  const hasLiteral = literal.labels.length > 0 || literal.group !== null;
  const selfHosted = hasSelfHostedLabel(literal.labels) ? 'yes' : 'maybe';
  return {
    id,
    kind: 'dynamic',
    targets: hasLiteral ? [literal] : [],
    expression,
    uses: null,
    selfHosted,
    reason:
      selfHosted === 'yes'
        ? `runs-on names self-hosted beside an expression (${why})`
        : `runs-on holds an expression known only when the run is queued (${why})`,
  };
}

function expandOverMatrix(
  id: string,
  runsOn: unknown,
  strategy: unknown,
  literal: RunsOnTarget,
  firstExpression: string,
): WorkflowJobAnalysis {
  const combos = matrixCombinations(strategy);
  if (!combos.ok) return dynamic(id, literal, firstExpression, combos.reason);
  const targets = new Map<string, RunsOnTarget>();
  for (const combo of combos.value) {
    const substituted = substituteMatrix(runsOn, combo);
    if (!substituted.ok) return dynamic(id, literal, substituted.expression, 'not a matrix value');
    const parsed = parseRunsOn(substituted.value);
    if (parsed.kind === 'expression') {
      return dynamic(
        id,
        literal,
        parsed.expressions[0] ?? firstExpression,
        'a matrix value holds an expression',
      );
    }
    // A combination that leaves runs-on empty fails on GitHub too; the others still run.
    if (parsed.kind === 'static') targets.set(targetKey(parsed.target), parsed.target);
  }
  if (targets.size === 0) return dynamic(id, literal, firstExpression, 'the matrix yields no labels');
  const list = [...targets.values()];
  const { verdict, reason } = targetsVerdict(list);
  return { id, kind: 'matrix', targets: list, expression: null, uses: null, selfHosted: verdict, reason };
}

/** Analyzes one entry of `jobs:`. */
export function analyzeJob(id: string, job: unknown): WorkflowJobAnalysis {
  const base = { id, targets: [], expression: null, uses: null };
  if (job === null || typeof job !== 'object' || Array.isArray(job)) {
    return { ...base, kind: 'invalid', selfHosted: 'no', reason: 'the job is not a mapping' };
  }
  const raw = job as Record<string, unknown>;
  if (typeof raw['uses'] === 'string') {
    return {
      ...base,
      kind: 'reusable',
      uses: raw['uses'],
      selfHosted: 'maybe',
      reason: 'calls a reusable workflow: its jobs run in this repository, on runs-on written in that file',
    };
  }
  const parsed = parseRunsOn(raw['runs-on']);
  if (parsed.kind === 'invalid') return { ...base, kind: 'invalid', selfHosted: 'no', reason: parsed.reason };
  if (parsed.kind === 'static') {
    const { verdict, reason } = targetVerdict(parsed.target);
    return { ...base, kind: 'static', targets: [parsed.target], selfHosted: verdict, reason };
  }
  const first = parsed.expressions[0] ?? '';
  return expandOverMatrix(id, raw['runs-on'], raw['strategy'], parsed.literal, first);
}
