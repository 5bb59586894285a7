import type { RunsOnTarget } from './types.js';

/** A `runs-on` value read without evaluating anything. */
export type ParsedRunsOn =
  | { kind: 'static'; target: RunsOnTarget }
  /** Holds expressions; `literal` keeps the labels (and group) written beside them. */
  | { kind: 'expression'; literal: RunsOnTarget; expressions: string[] }
  | { kind: 'invalid'; reason: string };

const EXPRESSION = /\$\{\{[\s\S]*?\}\}/;

/** True when the text holds a `${{ … }}` expression. */
export function containsExpression(text: string): boolean {
  return EXPRESSION.test(text);
}

function scalarText(value: unknown): string | null {
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return null;
}

interface LabelList {
  labels: string[];
  expressions: string[];
  invalid: string | null;
}

function readLabels(value: unknown): LabelList {
  const items = Array.isArray(value) ? (value as unknown[]) : [value];
  const out: LabelList = { labels: [], expressions: [], invalid: null };
  for (const item of items) {
    const text = scalarText(item);
    if (text === null) {
      out.invalid = 'runs-on holds something other than labels';
    } else if (containsExpression(text)) {
      out.expressions.push(text);
    } else if (text !== '') {
      out.labels.push(text);
    }
  }
  return out;
}

function result(labels: LabelList, group: string | null, groupExpression: string | null): ParsedRunsOn {
  if (labels.invalid !== null) return { kind: 'invalid', reason: labels.invalid };
  const expressions =
    groupExpression === null ? labels.expressions : [groupExpression, ...labels.expressions];
  if (expressions.length > 0) {
    return { kind: 'expression', literal: { labels: labels.labels, group }, expressions };
  }
  if (labels.labels.length === 0 && group === null) return { kind: 'invalid', reason: 'runs-on is empty' };
  return { kind: 'static', target: { labels: labels.labels, group } };
}

/**
 * Reads `runs-on` in any of its shapes: a label (`ubuntu-latest`), a list of labels, or `{group, labels}`
 * (labels a string or a list). Scalars that YAML reads as numbers or booleans count as their text.
 */
export function parseRunsOn(value: unknown): ParsedRunsOn {
  if (value === undefined || value === null) return { kind: 'invalid', reason: 'the job has no runs-on' };
  if (typeof value !== 'object' || Array.isArray(value)) return result(readLabels(value), null, null);
  const raw = value as Record<string, unknown>;
  const labels =
    raw['labels'] === undefined || raw['labels'] === null
      ? { labels: [], expressions: [], invalid: null }
      : readLabels(raw['labels']);
  const groupText = raw['group'] === undefined || raw['group'] === null ? null : scalarText(raw['group']);
  if (groupText === null && raw['group'] !== undefined && raw['group'] !== null) {
    return { kind: 'invalid', reason: 'runs-on group is not a name' };
  }
  if (groupText !== null && containsExpression(groupText)) return result(labels, null, groupText);
  return result(labels, groupText === '' ? null : groupText, null);
}
