import { AppError, type ErrorBody } from '@gha-ephemeral/contract';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { frameworkErrorHandler, registerErrorHandler } from './index.js';

const options = { service: 'test service', bodyLimit: 1024 };
let app: FastifyInstance | undefined;

async function build(logs: string[] = []): Promise<FastifyInstance> {
  app = Fastify({
    logger: { level: 'debug', stream: { write: (line: string) => void logs.push(line) } },
    bodyLimit: options.bodyLimit,
    frameworkErrors: frameworkErrorHandler(options),
  });
  registerErrorHandler(app, {
    ...options,
    beforeSend: (error, reply) => {
      if (error.retryable) void reply.header('retry-after', '30');
    },
  });
  app.get('/capacity', () => {
    throw new AppError('runner.capacity_reached', 'No room', { details: { max: 2 } });
  });
  app.get('/bug', () => {
    throw new Error('connect to postgres://admin:hunter2@db failed');
  });
  app.post('/echo', (request) => request.body);
  await app.ready();
  return app;
}

afterEach(async () => {
  await app?.close();
  app = undefined;
});

describe('registerErrorHandler', () => {
  it('sends an AppError as its status and {code, message, details}, with the service extras', async () => {
    const response = await (await build()).inject({ method: 'GET', url: '/capacity' });
    expect(response.statusCode).toBe(429);
    expect(response.headers['retry-after']).toBe('30');
    expect(response.json<ErrorBody>()).toEqual({
      code: 'runner.capacity_reached',
      message: 'No room',
      details: { max: 2 },
    });
  });

  it('answers an unexpected error as internal without its message, and logs the cause', async () => {
    const logs: string[] = [];
    const response = await (await build(logs)).inject({ method: 'GET', url: '/bug' });
    expect(response.statusCode).toBe(500);
    expect(response.body).not.toContain('hunter2');
    expect(response.json<ErrorBody>()).toEqual({
      code: 'internal',
      message: 'Internal error; the test service log has the details',
    });
    const line = logs
      .map((text) => JSON.parse(text) as Record<string, unknown>)
      .find((entry) => entry['msg'] === 'request failed');
    expect(JSON.stringify(line)).toContain('postgres://');
  });

  it.each([
    ['{"a": ', 'application/json', 400, 'request.invalid_json'],
    ['', 'application/json', 400, 'request.invalid_json'],
    ['{"__proto__": {"x": 1}}', 'application/json', 400, 'request.invalid_json'],
    ['a=1', 'application/x-www-form-urlencoded', 415, 'request.unsupported_media_type'],
    [JSON.stringify({ a: 'x'.repeat(2000) }), 'application/json', 413, 'request.too_large'],
  ])('maps Fastify’s body error for %j (%s) to %i %s', async (payload, type, status, code) => {
    const response = await (
      await build()
    ).inject({
      method: 'POST',
      url: '/echo',
      payload,
      headers: { 'content-type': type },
    });
    expect(response.statusCode).toBe(status);
    expect(response.json<ErrorBody>().code).toBe(code);
  });

  it('names the body limit when a body is too large', async () => {
    const response = await (
      await build()
    ).inject({
      method: 'POST',
      url: '/echo',
      payload: JSON.stringify({ a: 'x'.repeat(2000) }),
      headers: { 'content-type': 'application/json' },
    });
    expect(response.json<ErrorBody>().message).toMatch(/at most 1 KiB/);
  });
});

describe('frameworkErrorHandler', () => {
  it('answers a malformed URL in the product’s shape', async () => {
    const response = await (await build()).inject({ method: 'GET', url: '/bug%zz' });
    expect(response.statusCode).toBe(400);
    expect(response.json<ErrorBody>()).toMatchObject({ code: 'request.invalid' });
  });
});
