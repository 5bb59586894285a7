// Formatting shared by the bench suites' reports: numbers, ratios and Markdown tables.

/** Milliseconds, rounded, with thousands separators; `n/a` when missing. */
export const ms = (value) =>
  value === undefined || value === null ? 'n/a' : Math.round(value).toLocaleString('en-US');

/** `a / b` as `1.23×`; `n/a` when `b` is not positive. */
export const ratio = (a, b) => (b > 0 ? `${(a / b).toFixed(2)}×` : 'n/a');

/** A Markdown table: the first row is the header, the first column left-aligned, the others right-aligned. */
export function table(rows) {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => row[c].length)));
  const line = (row) =>
    `| ${row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join(' | ')} |`;
  const rule = `|${widths.map((w, c) => (c === 0 ? `:${'-'.repeat(w + 1)}` : `${'-'.repeat(w + 1)}:`)).join('|')}|`;
  return [line(rows[0]), rule, ...rows.slice(1).map(line)].join('\n');
}
