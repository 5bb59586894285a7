import { AppError } from '@gha-ephemeral/contract';
import { describe, expect, it } from 'vitest';
import { serializeError } from './serialize-error.js';
import { dockerError, octokitError } from './testing/error-fixtures.js';

describe('serializeError', () => {
  it('keeps an Octokit RequestError to its request line and status', () => {
    const serialized = serializeError(octokitError(`ghs_${'abcdefghijklmnopqrstuvwxyz'}0123456789`));
    expect(serialized).toEqual({
      type: 'HttpError',
      message: 'Bad credentials - https://docs.github.com/rest',
      stack: expect.stringContaining('HttpError: Bad credentials'),
      status: 401,
      request: {
        method: 'POST',
        url: 'https://api.github.com/repos/octo/repo/actions/runners/generate-jitconfig',
      },
    });
  });

  it('keeps a dockerode error to statusCode, reason and json.message', () => {
    const serialized = serializeError(dockerError());
    expect(serialized).toMatchObject({
      type: 'Error',
      statusCode: 409,
      reason: 'unexpected',
      json: { message: 'Conflict. The container name is already in use' },
    });
    expect(JSON.stringify(serialized)).not.toContain('leak');
  });

  it('keeps the AppError facts and walks the cause chain', () => {
    const root = Object.assign(new Error('connect ECONNREFUSED /var/run/docker.sock'), {
      code: 'ECONNREFUSED',
      syscall: 'connect',
      address: '/var/run/docker.sock',
    });
    const error = new AppError('runtime.unavailable', 'The Docker engine is not reachable', {
      cause: new AppError('runtime.failed', 'Could not start the runner', { cause: root }),
      details: { engine: 'docker' },
    });
    const serialized = serializeError(error);
    expect(serialized).toMatchObject({
      type: 'AppError',
      code: 'runtime.unavailable',
      statusCode: 503,
      retryable: true,
      details: { engine: 'docker' },
      cause: {
        type: 'AppError',
        code: 'runtime.failed',
        cause: { type: 'Error', code: 'ECONNREFUSED', syscall: 'connect', address: '/var/run/docker.sock' },
      },
    });
  });

  it('copes with cycles, aggregates and values that are not errors', () => {
    const a = new Error('a');
    const b = new Error('b', { cause: a });
    (a as { cause?: unknown }).cause = b;
    expect(serializeError(a).cause?.cause).toEqual({ type: 'Circular', message: '[circular reference]' });
    const aggregate = new AggregateError([new Error('v4'), new Error('v6')], 'fetch failed');
    expect(serializeError(aggregate).errors?.map((inner) => inner.message)).toEqual(['v4', 'v6']);
    expect(serializeError('plain string')).toEqual({ type: 'string', message: 'plain string' });
    expect(serializeError({ message: 'shaped', secretField: 'x' })).toEqual({
      type: 'Object',
      message: 'shaped',
    });
  });
});
