import { describe, expect, it } from 'vitest';
import { createSecretRedactor, redactErrorInPlace, REDACTED } from './secret-redactor.js';

describe('createSecretRedactor', () => {
  it('replaces every occurrence of every value, longest first', () => {
    const redactor = createSecretRedactor(['token-abc', 'token-abc-extended', 'other']);
    expect(redactor.redact('a token-abc-extended b token-abc c other')).toBe(
      `a ${REDACTED} b ${REDACTED} c ${REDACTED}`,
    );
  });

  it('leaves values too short to be secrets alone', () => {
    expect(createSecretRedactor(['1', 'yes']).redact('HTTP 1 yes')).toBe('HTTP 1 yes');
  });
});

describe('redactErrorInPlace', () => {
  it("scrubs the message, the stack and the engine's JSON body of the same error object", () => {
    const secret = 'jit "quoted" secret';
    const error = Object.assign(new Error(`invalid env ${secret}`), {
      statusCode: 400,
      json: { message: `invalid env ${secret}`, nested: [secret] },
    });
    redactErrorInPlace(error, createSecretRedactor([secret]));
    expect(error.message).toBe(`invalid env ${REDACTED}`);
    expect(error.stack).not.toContain(secret);
    expect(error.json).toEqual({ message: `invalid env ${REDACTED}`, nested: [REDACTED] });
    expect(error.statusCode).toBe(400);
  });
});
