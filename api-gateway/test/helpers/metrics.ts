/**
 * The value of one sample of a Prometheus text exposition, by metric name and labels; `undefined` when no sample
 * has those labels (a labelled counter never incremented has no line). Throws when the exposition has no metric
 * `name` at all, so that a renamed or misspelt metric fails the test instead of reading as "none".
 */
export function metricValue(
  text: string,
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  if (!new RegExp(`^# TYPE ${name} `, 'm').test(text))
    throw new Error(`the exposition has no metric ${name}`);
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const match = /^([^{\s]+)(?:\{([^}]*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const have = Object.fromEntries(
      (match[2] ?? '')
        .split(',')
        .filter(Boolean)
        .map((pair) => {
          const [key, value] = pair.split('=');
          return [key, JSON.parse(value ?? '""') as string];
        }),
    );
    if (Object.entries(labels).every(([key, value]) => have[key] === value)) return Number(match[3]);
  }
  return undefined;
}
