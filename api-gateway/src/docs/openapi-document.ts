import { errorResponses, paths } from './openapi-paths.js';
import { componentSchemas } from './openapi-schemas.js';

const DESCRIPTION = `Ephemeral GitHub Actions self-hosted runners on a Docker engine. This gateway is the one public door.

**Authentication.** The runner routes need \`Authorization: Bearer <key>\` with a key from the gateway's \`GATEWAY_API_KEYS\`. \`/health\`, \`/metrics\`, \`/docs\`, \`/redoc\` and \`/openapi.json\` need none. \`POST /webhooks/github\` is authenticated by GitHub's signature (\`X-Hub-Signature-256\`, with \`GITHUB_WEBHOOK_SECRET\`).

**Rate limits.** At most \`RATE_LIMIT_MAX\` requests per \`RATE_LIMIT_WINDOW\` per client (per API key, else per address, an IPv6 client by its /64); \`/health\` has a bucket of its own (\`RATE_LIMIT_HEALTH_MAX\` a minute), \`/metrics\` and \`/webhooks/github\` are not limited. Every limited response carries \`X-RateLimit-Limit\`, \`X-RateLimit-Remaining\` and \`X-RateLimit-Reset\`; a 429 carries \`Retry-After\` (seconds).

**Errors.** Every error is JSON \`{code, message, details?}\`: \`message\` is for people, \`code\` is stable and namespaced (\`request.invalid\`, \`auth.missing\`, \`runner.not_found\`, \`upstream.timeout\` …) for programs.`;

/**
 * The gateway's OpenAPI 3.1 document, built from the contract's zod schemas (the same ones that validate every
 * request), so the documentation cannot drift from what is enforced. `api-gateway/docs/openapi.json` is this
 * document for the package's `VERSION`; a test fails when they differ (`pnpm --filter
 * @gha-ephemeral/api-gateway openapi:write` rewrites it).
 */
export function buildOpenApiDocument(options: { version: string }): Record<string, unknown> {
  return {
    openapi: '3.1.0',
    info: {
      title: 'gha-ephemeral-runners API',
      version: options.version,
      description: DESCRIPTION,
      license: { name: 'MIT', identifier: 'MIT' },
    },
    tags: [
      { name: 'runners', description: 'Start, list and remove ephemeral runners.' },
      {
        name: 'webhooks',
        description: "GitHub's workflow_job deliveries: a runner the moment a job is queued.",
      },
      {
        name: 'dashboard',
        description:
          'Recent jobs and the live event stream behind the dashboard at `/ui`; public for scripts.',
      },
      { name: 'health', description: 'Liveness of the gateway and the orchestrator behind it, and metrics.' },
    ],
    security: [{ apiKey: [] }],
    paths: paths(),
    components: {
      securitySchemes: {
        apiKey: {
          type: 'http',
          scheme: 'bearer',
          description: "A key from the gateway's `GATEWAY_API_KEYS`, sent as `Authorization: Bearer <key>`.",
        },
      },
      schemas: componentSchemas(),
      responses: errorResponses(),
    },
  };
}

/** The document as committed: two-space JSON and a final newline. */
export function serializeOpenApiDocument(document: Record<string, unknown>): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}
