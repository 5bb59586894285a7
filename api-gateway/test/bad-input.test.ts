import { connect, type AddressInfo } from 'node:net';
import type { ErrorCodes } from '@gha-ephemeral/contract';
import type { InjectOptions } from 'fastify';
import { Client } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { bearer, startTestGateway, type TestGateway } from './helpers/gateway.js';
import { startStandInOrchestrator, type StandInOrchestrator } from './helpers/stand-in-orchestrator.js';

interface BadCase {
  name: string;
  request: InjectOptions;
  status: number;
  code: keyof typeof ErrorCodes;
  /** A word the message must hold, so it tells the client what to fix. */
  says: RegExp;
  /** Send over a real socket with the path as is (inject, like curl, would resolve dot segments first). */
  asIs?: boolean;
}

const json = { ...bearer(), 'content-type': 'application/json' };
const create = (payload: string, headers: Record<string, string> = json): InjectOptions => ({
  method: 'POST',
  url: '/api/v1/runners',
  headers,
  payload,
});
const createJson = (body: unknown) => create(JSON.stringify(body));
const get = (url: string): InjectOptions => ({ method: 'GET', url, headers: bearer() });
const invalid = (name: string, request: InjectOptions, says: RegExp): BadCase => ({
  name,
  request,
  status: 400,
  code: 'request.invalid',
  says,
});

const CORPUS: BadCase[] = [
  // not JSON, or not JSON's media type
  {
    name: 'truncated JSON',
    request: create('{"organization": "a"'),
    status: 400,
    code: 'request.invalid_json',
    says: /JSON/,
  },
  {
    name: 'trailing garbage',
    request: create('{"organization":"a"} x'),
    status: 400,
    code: 'request.invalid_json',
    says: /JSON/,
  },
  {
    name: 'single quotes',
    request: create("{'organization':'a'}"),
    status: 400,
    code: 'request.invalid_json',
    says: /JSON/,
  },
  {
    name: 'empty body declared JSON',
    request: create(''),
    status: 400,
    code: 'request.invalid_json',
    says: /empty/,
  },
  {
    name: 'no content type, no body',
    request: { method: 'POST', url: '/api/v1/runners', headers: bearer() },
    status: 415,
    code: 'request.unsupported_media_type',
    says: /application\/json/,
  },
  {
    name: 'text/plain',
    request: create('{"organization":"a"}', { ...bearer(), 'content-type': 'text/plain' }),
    status: 415,
    code: 'request.unsupported_media_type',
    says: /application\/json/,
  },
  {
    name: 'form encoded',
    request: create('organization=a', { ...bearer(), 'content-type': 'application/x-www-form-urlencoded' }),
    status: 415,
    code: 'request.unsupported_media_type',
    says: /JSON/,
  },
  {
    name: 'multipart',
    request: create('--x\r\n\r\n--x--', { ...bearer(), 'content-type': 'multipart/form-data; boundary=x' }),
    status: 415,
    code: 'request.unsupported_media_type',
    says: /JSON/,
  },
  {
    name: 'XML',
    request: create('<organization>a</organization>', { ...bearer(), 'content-type': 'application/xml' }),
    status: 415,
    code: 'request.unsupported_media_type',
    says: /JSON/,
  },
  {
    name: 'body over 64 KiB',
    request: createJson({ organization: 'a', labels: ['x'.repeat(70_000)] }),
    status: 413,
    code: 'request.too_large',
    says: /too large/,
  },
  // prototype pollution
  {
    name: '__proto__ key',
    request: create('{"organization":"a","__proto__":{"admin":true}}'),
    status: 400,
    code: 'request.invalid_json',
    says: /JSON/,
  },
  {
    name: 'constructor.prototype key',
    request: create('{"organization":"a","constructor":{"prototype":{"x":1}}}'),
    status: 400,
    code: 'request.invalid_json',
    says: /JSON/,
  },
  // wrong shapes
  invalid('a JSON array', createJson([{ organization: 'a' }]), /object/),
  invalid('a JSON string', createJson('octo-org'), /object/),
  invalid('JSON null', create('null'), /object/),
  invalid('an empty object', createJson({}), /exactly one|repository/),
  invalid(
    'both repository and organization',
    createJson({ repository: 'a/b', organization: 'a' }),
    /exactly one|not both|repository/,
  ),
  invalid('an unknown field', createJson({ organization: 'a', image: 'evil/image' }), /image/),
  invalid('an unknown field named like a secret', createJson({ organization: 'a', token: 'x' }), /token/),
  // names checked against GitHub's rules
  invalid('repository without owner', createJson({ repository: 'octo-repo' }), /owner\/name/),
  invalid('repository with three segments', createJson({ repository: 'a/b/c' }), /owner\/name/),
  invalid('repository path trick ../', createJson({ repository: '../etc/passwd' }), /owner\/name/),
  invalid('repository named ..', createJson({ repository: 'octo/..' }), /owner\/name/),
  invalid('owner starting with a hyphen', createJson({ repository: '-octo/repo' }), /owner\/name/),
  invalid('organization with a double hyphen', createJson({ organization: 'octo--org' }), /organization/),
  invalid('organization of 40 characters', createJson({ organization: 'a'.repeat(40) }), /organization/),
  invalid('organization with a non-ASCII letter', createJson({ organization: 'örg' }), /organization/),
  invalid('organization with a slash', createJson({ organization: 'octo/org' }), /organization/),
  invalid('organization as a number', createJson({ organization: 123 }), /organization/),
  invalid('repository as an array', createJson({ repository: ['a/b'] }), /repository/),
  // absurd counts
  invalid('count 0', createJson({ organization: 'a', count: 0 }), /count/),
  invalid('negative count', createJson({ organization: 'a', count: -1 }), /count/),
  invalid('count over 50', createJson({ organization: 'a', count: 51 }), /count.*50/),
  invalid('count of a million', createJson({ organization: 'a', count: 1_000_000 }), /count/),
  invalid('fractional count', createJson({ organization: 'a', count: 1.5 }), /count/),
  invalid('count as a string', createJson({ organization: 'a', count: '2' }), /count/),
  invalid('count overflowing to Infinity', create('{"organization":"a","count":1e999}'), /count/),
  // labels bounded as GitHub bounds them
  invalid('empty label list', createJson({ organization: 'a', labels: [] }), /labels/),
  invalid(
    '101 labels',
    createJson({ organization: 'a', labels: Array.from({ length: 101 }, (_, i) => `l${i}`) }),
    /100/,
  ),
  invalid('label with a comma', createJson({ organization: 'a', labels: ['gpu,arm'] }), /comma/),
  invalid('label with a space', createJson({ organization: 'a', labels: ['my gpu'] }), /label/),
  invalid(
    'label with a control character',
    createJson({ organization: 'a', labels: ['gpu\u0000'] }),
    /label/,
  ),
  invalid('label of 257 characters', createJson({ organization: 'a', labels: ['x'.repeat(257)] }), /1-256/),
  // hostile labels: filled into the runner's environment and RUNNER_COMMAND (often `sh -c '…'`)
  ...[
    ['a shell command list', 'gpu;curl x|sh'],
    ['a command substitution', '$(id)'],
    ['backquotes', '`id`'],
    ['a newline and a variable', 'gpu\nEVIL=1'],
    ['an assignment', 'a=b'],
    ['a leading hyphen', '--help'],
    ['a quote', "gpu'"],
    ['a very long one', 'x'.repeat(10_000)],
  ].map(([name, label]) =>
    invalid(
      `label with ${name}`,
      createJson({ organization: 'a', labels: ['gpu', label] }),
      /labels\.1: a label is 1-256 ASCII letters, digits, "\.", "_" or "-"/,
    ),
  ),
  invalid('labels as a string', createJson({ organization: 'a', labels: 'gpu' }), /labels/),
  invalid('labels holding a number', createJson({ organization: 'a', labels: [7] }), /labels/),
  invalid(
    'deeply nested value',
    create(`{"organization":${'['.repeat(5000)}${']'.repeat(5000)}}`),
    /organization/,
  ),
  // ids and path tricks
  invalid('upper-case id', get('/runners/Runner-A'), /runner id/),
  { ...invalid('id .. (encoded dots)', get('/runners/%2e%2e'), /runner id/), asIs: true },
  invalid('id with encoded slashes', get('/api/v1/runners/..%2F..%2Fhealth'), /runner id/),
  invalid('id with a NUL byte', get('/runners/abc%00'), /runner id/),
  invalid('id of 64 characters', get(`/runners/${'a'.repeat(64)}`), /runner id/),
  invalid('id starting with a hyphen', get('/runners/-abc'), /runner id/),
  invalid('id with a non-ASCII letter', get('/runners/r%C3%A9'), /runner id/),
  invalid('id with a dot', get('/runners/runner.1'), /runner id/),
  invalid('overlong id', get(`/runners/${'a'.repeat(2000)}`), /long|runner id/),
  invalid('malformed percent-encoding', get('/runners/%E0%A4%A'), /malformed/),
  invalid(
    'DELETE with a path trick',
    { method: 'DELETE', url: '/api/v1/runners/..%2f..%2fapi%2fv1%2frunners', headers: bearer() },
    /runner id/,
  ),
  {
    name: 'a nested path',
    request: get('/api/v1/runners/a/b'),
    status: 404,
    code: 'request.not_found',
    says: /\/docs/,
  },
  {
    name: 'dot segments',
    request: get('/runners/../health'),
    status: 404,
    code: 'request.not_found',
    says: /No route/,
    asIs: true,
  },
  {
    name: 'encoded dot segments',
    request: get('/api/v1/runners/%2e%2e/%2e%2e/health'),
    status: 404,
    code: 'request.not_found',
    says: /No route/,
    asIs: true,
  },
  // methods
  {
    name: 'DELETE on the short path',
    request: { method: 'DELETE', url: '/runners/abc', headers: bearer() },
    status: 405,
    code: 'request.method_not_allowed',
    says: /\/api\/v1\/runners/,
  },
  {
    name: 'POST on the short path',
    request: { method: 'POST', url: '/runners', headers: json, payload: '{}' },
    status: 405,
    code: 'request.method_not_allowed',
    says: /POST \/api\/v1\/runners/,
  },
  {
    name: 'PUT on the collection',
    request: { method: 'PUT', url: '/api/v1/runners', headers: json, payload: '{}' },
    status: 405,
    code: 'request.method_not_allowed',
    says: /GET/,
  },
  {
    name: 'PATCH on a runner',
    request: { method: 'PATCH', url: '/api/v1/runners/abc', headers: json, payload: '{}' },
    status: 405,
    code: 'request.method_not_allowed',
    says: /DELETE/,
  },
  // unauthenticated, whatever else is wrong
  {
    name: 'bad JSON without a key',
    request: create('{', { 'content-type': 'application/json' }),
    status: 401,
    code: 'auth.missing',
    says: /Bearer/,
  },
  {
    name: 'valid body with a wrong key',
    request: create('{"organization":"a"}', {
      authorization: 'Bearer wrong-key-0123456789abcdef',
      'content-type': 'application/json',
    }),
    status: 401,
    code: 'auth.invalid',
    says: /not valid/,
  },
];

describe('bad input never reaches the orchestrator', () => {
  let upstream: StandInOrchestrator;
  let gateway: TestGateway;

  beforeAll(async () => {
    upstream = await startStandInOrchestrator();
    gateway = await startTestGateway({ orchestratorUrl: upstream.url, listen: true });
  });
  afterAll(async () => {
    await gateway.close();
    await upstream.close();
  });
  beforeEach(() => upstream.reset());

  it('has a corpus of at least 40 bad requests', () => {
    expect(CORPUS.length).toBeGreaterThanOrEqual(40);
  });

  async function send(
    badCase: BadCase,
  ): Promise<{ statusCode: number; contentType: unknown; body: unknown }> {
    if (badCase.asIs !== true) {
      const response = await gateway.app.inject(badCase.request);
      return {
        statusCode: response.statusCode,
        contentType: response.headers['content-type'],
        body: response.json(),
      };
    }
    const { port } = gateway.app.server.address() as AddressInfo;
    const client = new Client(`http://127.0.0.1:${port}`);
    try {
      const response = await client.request({
        method: badCase.request.method ?? 'GET',
        path: badCase.request.url as string,
        headers: badCase.request.headers as Record<string, string>,
      });
      return {
        statusCode: response.statusCode,
        contentType: response.headers['content-type'],
        body: await response.body.json(),
      };
    } finally {
      await client.close();
    }
  }

  it.each(CORPUS.map((badCase) => [badCase.name, badCase] as const))('%s', async (_name, badCase) => {
    const response = await send(badCase);
    expect(response.statusCode).toBe(badCase.status);
    expect(response.contentType).toMatch(/^application\/json/);
    const body = response.body as { code: string; message: string };
    expect(body.code).toBe(badCase.code);
    expect(body.message).toMatch(badCase.says);
    expect(upstream.requests).toEqual([]);
  });

  async function raw(text: string): Promise<string> {
    const { port } = gateway.app.server.address() as AddressInfo;
    const socket = connect(port, '127.0.0.1');
    socket.write(text);
    const chunks: Buffer[] = [];
    for await (const chunk of socket) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }

  it('answers garbage instead of HTTP with a JSON 400', async () => {
    const answer = await raw('HELLO /runners SMTP/9\r\n\r\n');
    expect(answer).toMatch(/^HTTP\/1\.1 400/);
    expect(JSON.parse(answer.split('\r\n\r\n')[1] ?? '')).toMatchObject({ code: 'request.invalid' });
    expect(upstream.requests).toEqual([]);
  });

  it('answers headers over the size limit with a JSON 431', async () => {
    const answer = await raw(`GET /runners HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    expect(answer).toMatch(/^HTTP\/1\.1 431/);
    expect(JSON.parse(answer.split('\r\n\r\n')[1] ?? '')).toMatchObject({ code: 'request.too_large' });
    expect(upstream.requests).toEqual([]);
  });
});
