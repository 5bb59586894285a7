/**
 * The value of one sample in Prometheus text format: the first line of `name` whose labels include `labels`;
 * `undefined` when there is none (a labelled counter never incremented has no line). Throws when the exposition
 * has no metric `name` at all (no `# TYPE` for it or, for a histogram's `_count`/`_sum`/`_bucket`, its family), so
 * that a renamed or misspelt metric fails the test instead of reading as "none".
 */
export function sampleValue(
  text: string,
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  const families = new Set([...text.matchAll(/^# TYPE (\S+) /gm)].map(([, family]) => family));
  if (!families.has(name) && !families.has(name.replace(/_(count|sum|bucket)$/, '')))
    throw new Error(`the exposition has no metric ${name}`);
  for (const line of text.split('\n')) {
    const match = /^([^{\s]+)(?:\{([^}]*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const have = new Map(
      [...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map(([, key, value]) => [key, value]),
    );
    if (Object.entries(labels).every(([key, value]) => have.get(key) === value)) return Number(match[3]);
  }
  return undefined;
}

/**
 * A counter's value: {@link sampleValue}, with a series not yet created read as 0 (a labelled counter has no line
 * until it is first incremented). For counts taken before an action; the metric itself must exist.
 */
export function counterValue(text: string, name: string, labels: Record<string, string> = {}): number {
  return sampleValue(text, name, labels) ?? 0;
}

/** Scrapes `GET /metrics` of a server. */
export async function scrape(baseUrl: string): Promise<string> {
  const response = await fetch(`${baseUrl}/metrics`, { signal: AbortSignal.timeout(10_000) });
  if (!response.ok) throw new Error(`GET /metrics answered ${response.status}`);
  return response.text();
}
