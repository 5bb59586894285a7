/** The routes of the gateway with their methods, for a 405 that says which method to use instead of a bare 404. */
const ROUTES: readonly (readonly [RegExp, readonly string[], string])[] = [
  [/^\/runners\/?$/, ['GET', 'HEAD'], 'create runners with POST /api/v1/runners'],
  [/^\/runners\/[^/]+\/?$/, ['GET', 'HEAD'], 'delete a runner with DELETE /api/v1/runners/{id}'],
  [/^\/api\/v1\/runners\/?$/, ['GET', 'HEAD', 'POST'], ''],
  [/^\/api\/v1\/runners\/[^/]+\/?$/, ['GET', 'HEAD', 'DELETE'], ''],
  [/^\/health\/?$/, ['GET', 'HEAD'], ''],
  [/^\/openapi\.json$/, ['GET', 'HEAD'], ''],
  [/^\/metrics\/?$/, ['GET', 'HEAD'], ''],
  [/^\/webhooks\/github\/?$/, ['POST'], 'point a GitHub webhook here (event: Workflow jobs)'],
];

/** The methods `path` (no query string) answers to, with a hint for writes sent to a read-only path; null if none. */
export function allowedMethods(path: string): { methods: readonly string[]; hint: string } | null {
  for (const [pattern, methods, hint] of ROUTES) if (pattern.test(path)) return { methods, hint };
  return null;
}
