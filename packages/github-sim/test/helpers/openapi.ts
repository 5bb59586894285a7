import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv } from 'ajv';
import type { ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

interface Spec {
  paths: Record<
    string,
    Record<string, { responses: Record<string, { $ref?: string; content?: Record<string, unknown> }> }>
  >;
}

const require = createRequire(import.meta.url);
const specPath = require.resolve('@octokit/openapi/generated/api.github.com.json');
const spec = JSON.parse(readFileSync(specPath, 'utf8')) as Spec;

// OpenAPI 3.0's `nullable: true` admits null even beside an `enum` without null (GitHub's job `conclusion`,
// which GitHub sends as null) or without a `type` (an installation's `account`); ajv needs it spelled out.
function admitNullInNullableEnums(node: unknown): void {
  if (Array.isArray(node)) {
    for (const item of node) admitNullInNullableEnums(item);
    return;
  }
  if (typeof node !== 'object' || node === null) return;
  const schema = node as Record<string, unknown>;
  for (const value of Object.values(schema)) admitNullInNullableEnums(value);
  if (schema['nullable'] !== true) return;
  if (Array.isArray(schema['enum']) && !schema['enum'].includes(null)) schema['enum'].push(null);
  if (schema['type'] !== undefined) return;
  delete schema['nullable'];
  const alternatives = schema['anyOf'] ?? schema['oneOf'];
  if (Array.isArray(alternatives)) {
    alternatives.push({ type: 'null' });
    return;
  }
  const copy = { ...schema };
  for (const k of Object.keys(schema)) delete schema[k];
  schema['anyOf'] = [copy, { type: 'null' }];
}
admitNullInNullableEnums(spec);

// ajv-formats is CommonJS with a default export; under NodeNext its namespace is what we import.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
const ajv = new Ajv({ strict: false, validateSchema: false, allErrors: true });
addFormats(ajv);
ajv.addSchema(spec, 'api.json');

const cache = new Map<string, ValidateFunction>();
const pointer = (...parts: string[]): string =>
  parts.map((p) => encodeURIComponent(p.replace(/~/g, '~0').replace(/\//g, '~1'))).join('/');

/**
 * A validator for the JSON body of `method PATH` answering `status`, from GitHub's OpenAPI description.
 * A status the description does not list is validated as GitHub's `basic-error` when it is an error.
 */
export function responseValidator(path: string, method: string, status: number): ValidateFunction {
  const key = `${method} ${path} ${status}`;
  const cached = cache.get(key);
  if (cached) return cached;
  const operation = spec.paths[path]?.[method.toLowerCase()];
  if (!operation) throw new Error(`the OpenAPI description has no ${method} ${path}`);
  let ref: string;
  const response = operation.responses[String(status)];
  if (response?.$ref) {
    ref = `api.json${response.$ref}/content/application~1json/schema`;
  } else if (response?.content?.['application/json']) {
    ref = `api.json#/${pointer('paths', path, method.toLowerCase(), 'responses', String(status), 'content', 'application/json', 'schema')}`;
  } else if (status >= 400) {
    ref = 'api.json#/components/schemas/basic-error';
  } else {
    throw new Error(`the OpenAPI description has no JSON body for ${key}`);
  }
  const validate = ajv.compile({ $ref: ref });
  cache.set(key, validate);
  return validate;
}

/** Asserts that `body` matches the documented response; throws with ajv's errors otherwise. */
export function expectSchema(path: string, method: string, status: number, body: unknown): void {
  const validate = responseValidator(path, method, status);
  if (!validate(body)) {
    throw new Error(
      `${method} ${path} ${status} does not match GitHub's schema: ${ajv.errorsText(validate.errors, { separator: '\n' })}`,
    );
  }
}

/** Whether the description lists this status for the operation (for tests that document gaps). */
export function documentedStatuses(path: string, method: string): string[] {
  return Object.keys(spec.paths[path]?.[method.toLowerCase()]?.responses ?? {});
}
