import { describe, expect, it } from 'vitest';
import { waitFor } from './wait-for.js';

describe('waitFor', () => {
  it('returns the first truthy value, treating errors as "not yet"', async () => {
    let calls = 0;
    const value = await waitFor(
      () => {
        calls += 1;
        if (calls === 1) throw new Error('not ready');
        return calls >= 3 ? { calls } : null;
      },
      { message: 'three calls', intervalMs: 1 },
    );
    expect(value).toEqual({ calls: 3 });
  });

  it('throws with the message, and the last error as cause, on timeout', async () => {
    const failure = new Error('still down');
    const error = await waitFor(
      () => {
        throw failure;
      },
      { message: 'the engine', timeoutMs: 30, intervalMs: 5 },
    ).catch((rejection: unknown) => rejection as Error);
    expect(error.message).toBe('Timed out after 30 ms waiting for the engine (last error: still down)');
    expect(error.cause).toBe(failure);
  });
});
