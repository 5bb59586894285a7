import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CreateRunnersRequest, ErrorCodes } from '@gha-ephemeral/contract';
import { describe, expect, it } from 'vitest';
import { VERSION } from '../version.js';
import { buildOpenApiDocument, serializeOpenApiDocument } from './openapi-document.js';

const COMMITTED = fileURLToPath(new URL('../../docs/openapi.json', import.meta.url));

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a walk through a JSON document
type Json = Record<string, any>;

describe('the OpenAPI document', () => {
  const document = buildOpenApiDocument({ version: VERSION }) as Json;

  it('is the committed api-gateway/docs/openapi.json (else run: pnpm --filter @gha-ephemeral/api-gateway openapi:write)', () => {
    expect(readFileSync(COMMITTED, 'utf8')).toBe(serializeOpenApiDocument(document));
  });

  it('describes every route of the contract, with the key required on runner routes only', () => {
    const operations = Object.entries(document.paths as Json).flatMap(([path, item]) =>
      Object.keys(item as Json).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(operations.sort()).toEqual(
      [
        'GET /health',
        'GET /metrics',
        'POST /webhooks/github',
        'GET /runners',
        'GET /runners/{id}',
        'GET /api/v1/runners',
        'POST /api/v1/runners',
        'GET /api/v1/pools',
        'GET /api/v1/runners/{id}',
        'DELETE /api/v1/runners/{id}',
        'GET /api/v1/jobs',
        'GET /api/v1/events',
      ].sort(),
    );
    expect(document.security).toEqual([{ apiKey: [] }]);
    expect(document.paths['/health'].get.security).toEqual([]);
    expect(document.paths['/metrics'].get.security).toEqual([]);
    expect(document.paths['/webhooks/github'].post.security).toEqual([]);
    expect(document.components.securitySchemes.apiKey).toMatchObject({ type: 'http', scheme: 'bearer' });
  });

  it('resolves every $ref and uses only error codes that exist', () => {
    const text = JSON.stringify(document);
    // Every reference is into the document's components (ReDoc cannot resolve zod's `__shared#/...` ones).
    const refs = [...text.matchAll(/"\$ref":"([^"]*)"/g)].map(([, ref]) => ref);
    expect(refs.filter((ref) => !/^#\/components\/\w+\/\w+$/.test(ref!))).toEqual([]);
    for (const [, kind, name] of text.matchAll(/"#\/components\/(\w+)\/(\w+)"/g)) {
      expect(document.components[kind!]?.[name!], `${kind}/${name}`).toBeDefined();
    }
    const namespaces = new Set(Object.keys(ErrorCodes).map((code) => code.split('.')[0]));
    const named = [...text.matchAll(/`([a-z_]+)\.([a-z_*]+)`/g)].filter(([, namespace]) =>
      namespaces.has(namespace),
    );
    expect(named.length).toBeGreaterThan(10);
    for (const [, namespace, reason] of named) {
      if (reason === '*') continue;
      expect(Object.keys(ErrorCodes)).toContain(`${namespace}.${reason}`);
    }
  });

  it('shows request examples the gateway itself accepts', () => {
    const examples = document.paths['/api/v1/runners'].post.requestBody.content['application/json']
      .examples as Json;
    for (const example of Object.values(examples)) {
      expect(CreateRunnersRequest.safeParse((example as Json).value).success).toBe(true);
    }
  });

  it('writes the repository rule as a pattern that agrees with the schema', () => {
    const repository = document.components.schemas.CreateRunnersRequest.properties.repository as Json;
    const pattern = new RegExp(repository.pattern as string);
    for (const value of [
      'octo-org/octo-repo',
      'a/b',
      'a-b/.github',
      'x/..',
      'x/.',
      '-a/b',
      'a--b/c',
      'a/b/c',
      'a/',
      '/b',
    ]) {
      const accepted = CreateRunnersRequest.safeParse({ repository: value }).success;
      expect(pattern.test(value), value).toBe(accepted);
    }
  });
});
