import type { AddressInfo } from 'node:net';
import { CreateRunnersRequest, RUNNER_ID } from '@gha-ephemeral/contract';
import fc from 'fast-check';
import { Client } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_KEY, bearer, startTestGateway, type TestGateway } from './helpers/gateway.js';
import {
  sampleRunner,
  startStandInOrchestrator,
  type StandInOrchestrator,
} from './helpers/stand-in-orchestrator.js';

const NUM_RUNS = 250;

/** Names that pass GitHub's rules, and near misses. */
const owner = fc.stringMatching(/^[A-Za-z0-9](?:-?[A-Za-z0-9]){0,19}$/);
const repositoryName = fc.stringMatching(/^[A-Za-z0-9._-]{1,100}$/);
const nameish = fc.oneof(
  owner,
  fc.string({ maxLength: 45 }),
  fc.constantFrom('', '.', '..', '-', 'a--b', 'ä'),
);
const label = fc.oneof(fc.stringMatching(/^[A-Za-z0-9._-]{1,20}$/), fc.string({ maxLength: 110 }));

const validLabel = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,19}$/);
const validBody = fc
  .record({
    target: fc.oneof(
      fc.tuple(owner, repositoryName).map(([o, r]) => ({ repository: `${o}/${r}` })),
      owner.map((organization) => ({ organization })),
    ),
    labels: fc.option(fc.array(validLabel, { minLength: 1, maxLength: 5 }), { nil: undefined }),
    count: fc.option(fc.integer({ min: 1, max: 50 }), { nil: undefined }),
  })
  .map(({ target, labels, count }) => ({
    ...target,
    ...(labels === undefined ? {} : { labels }),
    ...(count === undefined ? {} : { count }),
  }));

/** One change to a valid body: a field set to anything (often a near miss), or removed, or an unknown one added. */
const mutation = fc.record({
  key: fc.constantFrom('repository', 'organization', 'labels', 'count', 'image', 'runnerenv'),
  value: fc.option(
    fc.oneof(
      nameish,
      fc.integer({ min: -5, max: 60 }),
      fc.double(),
      fc.array(label, { maxLength: 110 }),
      fc.jsonValue(),
    ),
    { nil: undefined },
  ),
});

/** Bodies: valid ones, valid ones with one mutation, and any JSON at all. */
const body = fc.oneof(
  validBody,
  fc.tuple(validBody, mutation).map(([value, { key, value: changed }]) => {
    const copy: Record<string, unknown> = { ...value };
    if (changed === undefined) delete copy[key];
    else copy[key] = changed;
    return copy;
  }),
  fc.jsonValue(),
);

describe('property: only what the contract accepts is forwarded', () => {
  let upstream: StandInOrchestrator;
  let gateway: TestGateway;
  let client: Client;

  beforeAll(async () => {
    upstream = await startStandInOrchestrator();
    upstream.respondWith((request, response) => {
      const id = request.url.split('/').pop() ?? '';
      const text = JSON.stringify(
        request.method === 'POST' ? { runners: [] } : sampleRunner(decodeURIComponent(id)),
      );
      response.writeHead(request.method === 'POST' ? 201 : 200, { 'content-type': 'application/json' });
      response.end(text);
    });
    gateway = await startTestGateway({
      orchestratorUrl: upstream.url,
      listen: true,
      rateLimit: { max: 1_000_000, windowSeconds: 60 },
    });
    const { port } = gateway.app.server.address() as AddressInfo;
    client = new Client(`http://127.0.0.1:${port}`);
  });
  afterAll(async () => {
    await client.close();
    await gateway.close();
    await upstream.close();
  });

  it('a create body is forwarded, as parsed, exactly when the schema accepts it; else 400 with the problems', async () => {
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(body, async (value) => {
        const wire = JSON.stringify(value);
        const expected = CreateRunnersRequest.safeParse(JSON.parse(wire));
        upstream.requests.length = 0;
        const response = await gateway.app.inject({
          method: 'POST',
          url: '/api/v1/runners',
          headers: { ...bearer(), 'content-type': 'application/json' },
          payload: wire,
        });
        if (expected.success) {
          accepted += 1;
          expect(response.statusCode).toBe(201);
          expect(upstream.requests).toHaveLength(1);
          expect(JSON.parse(upstream.requests[0]?.body ?? '')).toEqual(expected.data);
        } else {
          expect(response.statusCode).toBe(400);
          const error = response.json<{ code: string; message: string; details?: { problems?: string[] } }>();
          expect(['request.invalid', 'request.invalid_json']).toContain(error.code);
          if (error.code === 'request.invalid') {
            expect(error.message).toMatch(/^Invalid request body: /);
            expect(error.details?.problems?.length).toBeGreaterThan(0);
          }
          expect(upstream.requests).toEqual([]);
        }
      }),
      { numRuns: NUM_RUNS },
    );
    // Both sides of the property must have been exercised, not only the refusals.
    expect(accepted).toBeGreaterThan(NUM_RUNS / 50);
    expect(accepted).toBeLessThan(NUM_RUNS);
  });

  it('a path id is forwarded exactly when it is a runner id; else 4xx and nothing sent', async () => {
    const id = fc.oneof(
      fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,62}$/),
      fc.string({ minLength: 1, maxLength: 80 }),
      fc.string({ minLength: 1, maxLength: 10, unit: 'binary' }),
      fc.constantFrom('.', '..', '...', '%', '%2e', '\\', '~', '-a', 'a_b', 'A'),
    );
    let forwarded = 0;
    await fc.assert(
      fc.asyncProperty(id, fc.constantFrom('/runners/', '/api/v1/runners/'), async (value, prefix) => {
        upstream.requests.length = 0;
        const response = await client.request({
          method: 'GET',
          path: `${prefix}${encodeURIComponent(value)}`,
          headers: bearer(),
        });
        const answer = (await response.body.json()) as { code?: string; id?: string };
        if (RUNNER_ID.test(value)) {
          forwarded += 1;
          expect(response.statusCode).toBe(200);
          expect(answer.id).toBe(value);
          expect(upstream.requests.map((request) => request.url)).toEqual([`/api/v1/runners/${value}`]);
        } else {
          expect(response.statusCode).toBeGreaterThanOrEqual(400);
          expect(response.statusCode).toBeLessThan(500);
          expect(answer.code).toMatch(/^request\./);
          expect(upstream.requests).toEqual([]);
        }
      }),
      { numRuns: NUM_RUNS },
    );
    expect(forwarded).toBeGreaterThan(NUM_RUNS / 10);
    expect(forwarded).toBeLessThan(NUM_RUNS);
  });

  it('any Authorization header but a configured key gets 401 and nothing sent', async () => {
    const header = fc.oneof(
      fc.string({ maxLength: 60 }).filter((text) => /^[\x20-\x7e]*$/.test(text)),
      fc
        .string({ maxLength: 40 })
        .filter((text) => /^[\x21-\x7e]+$/.test(text))
        .map((key) => `Bearer ${key}`),
      fc.constantFrom(
        `Bearer ${API_KEY} `,
        `Bearer  ${API_KEY}x`,
        `Basic ${API_KEY}`,
        API_KEY,
        `Token ${API_KEY}`,
      ),
    );
    await fc.assert(
      fc.asyncProperty(header, async (authorization) => {
        fc.pre(!new RegExp(`^bearer[ \\t]+${API_KEY}[ \\t]*$`, 'i').test(authorization));
        upstream.requests.length = 0;
        const response = await gateway.app.inject({
          method: 'GET',
          url: '/api/v1/runners',
          headers: { authorization },
        });
        expect(response.statusCode).toBe(401);
        expect(response.json<{ code: string }>().code).toMatch(/^auth\.(missing|invalid)$/);
        expect(upstream.requests).toEqual([]);
      }),
      { numRuns: NUM_RUNS },
    );
  });
});
