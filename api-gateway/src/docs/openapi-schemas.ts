import {
  CreateRunnersRequest,
  CreateRunnersResponse,
  DashboardEvent,
  DashboardSnapshot,
  ErrorBody,
  GitHubRateLimit,
  Health,
  JobLatency,
  OWNER_NAME,
  Percentiles,
  Pool,
  PoolList,
  RecentJob,
  RecentJobList,
  REPOSITORY_NAME,
  RepositoryFullName,
  Runner,
  RunnerId,
  RunnerList,
} from '@gha-ephemeral/contract';
import { z } from 'zod';

type JsonSchema = Record<string, unknown>;

/** The contract's schemas that the document names, by their `.meta({ id })`. */
const NAMED = {
  Runner,
  RunnerList,
  CreateRunnersRequest,
  CreateRunnersResponse,
  Error: ErrorBody,
  Health,
  Pool,
  PoolList,
  RecentJob,
  RecentJobList,
  JobLatency,
  Percentiles,
  GitHubRateLimit,
  DashboardSnapshot,
  DashboardEvent,
} as const;

/** `owner/name` as one regular expression: the refinement in the contract has no JSON Schema form of its own. */
const REPOSITORY_PATTERN = `${OWNER_NAME.source.slice(0, -1)}/${REPOSITORY_NAME.source.slice(1)}`;

/** Tidies what zod emits into what reads well in Swagger UI and ReDoc, without changing what is accepted. */
function override(ctx: { zodSchema: unknown; jsonSchema: JsonSchema }): void {
  const schema = ctx.jsonSchema;
  if (ctx.zodSchema === RepositoryFullName) {
    schema.pattern = REPOSITORY_PATTERN;
    schema.examples = ['octo-org/octo-repo'];
  }
  // zod bounds every integer to the safe range; that is JavaScript's limit, not the API's.
  if (schema.minimum === Number.MIN_SAFE_INTEGER) delete schema.minimum;
  if (schema.maximum === Number.MAX_SAFE_INTEGER) delete schema.maximum;
  // `format: date-time` says it; the equivalent 400-character pattern only buries it.
  if (schema.format === 'date-time') delete schema.pattern;
}

/** The `components.schemas` of the OpenAPI document, generated from the contract's zod schemas. */
export function componentSchemas(): Record<string, JsonSchema> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(NAMED)) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, {
    target: 'draft-2020-12',
    io: 'output',
    uri: (id) => `#/components/schemas/${id}`,
    override,
  });
  return Object.fromEntries(
    Object.entries(schemas).map(([id, schema]) => {
      const { $schema: _schema, $id: _id, ...rest } = schema as JsonSchema;
      return [id, rest];
    }),
  );
}

/** The JSON Schema of a runner id in a path. */
export function runnerIdSchema(): JsonSchema {
  const { $schema: _schema, ...rest } = z.toJSONSchema(RunnerId, { target: 'draft-2020-12' }) as JsonSchema;
  return rest;
}
