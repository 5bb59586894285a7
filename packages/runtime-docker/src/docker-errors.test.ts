import { describe, expect, it } from 'vitest';
import {
  engineMessage,
  engineUnavailableError,
  isEngineUnreachable,
  runtimeFailedError,
} from './docker-errors.js';
import { createSecretRedactor, noSecrets } from './secret-redactor.js';

const engineError = (statusCode: number, message: string) =>
  Object.assign(new Error(`(HTTP code ${statusCode}) unexpected - ${message} `), {
    statusCode,
    json: { message },
  });
const systemError = (code: string) =>
  Object.assign(new Error(`connect ${code} /var/run/docker.sock`), { code });

describe('docker errors', () => {
  it("reads the engine's own message", () => {
    expect(engineMessage(engineError(404, 'No such image: x'))).toBe('No such image: x');
    expect(engineMessage(new Error('(HTTP code 500) server error - boom '))).toBe('boom');
  });

  it('tells an unreachable engine from an engine that said no', () => {
    expect(isEngineUnreachable(systemError('ECONNREFUSED'))).toBe(true);
    expect(isEngineUnreachable(systemError('ENOENT'))).toBe(true);
    expect(isEngineUnreachable(new Error('socket hang up'))).toBe(true);
    expect(isEngineUnreachable(engineError(500, 'boom'))).toBe(false);
  });

  it('says how to fix an unreachable engine, and what to do about permissions', () => {
    expect(engineUnavailableError(systemError('ENOENT'), 'unix:///x.sock').message).toMatch(
      /unix:\/\/\/x\.sock \(ENOENT\)\. Is dockerd running\? .*DOCKER_HOST/,
    );
    expect(engineUnavailableError(systemError('EACCES'), 'unix:///x.sock').message).toMatch(/docker group/);
  });

  it('makes 4xx refusals not retryable and 5xx retryable, with secrets removed', () => {
    const bad = runtimeFailedError(
      'start container "r"',
      engineError(400, 'exec: "x": secret-value-1'),
      createSecretRedactor(['secret-value-1']),
    );
    expect(bad).toMatchObject({ code: 'runtime.failed', retryable: false });
    expect(bad.message).toBe('Docker could not start container "r" (HTTP 400): exec: "x": [REDACTED]');
    expect(runtimeFailedError('list containers', engineError(500, 'boom'), noSecrets).retryable).toBe(true);
  });
});
