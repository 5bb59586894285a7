import { describe, expect, it } from 'vitest';
import { tokensMatch } from './app.js';

describe('tokensMatch', () => {
  const expected = 'f3b1c0d9e8a7b6c5d4e3f2a1b0c9d8e7';

  it('accepts the token and refuses any other', () => {
    expect(tokensMatch(expected, expected)).toBe(true);
    expect(tokensMatch(`${expected}x`, expected)).toBe(false);
    expect(tokensMatch(expected.slice(0, -1), expected)).toBe(false);
    expect(tokensMatch('', expected)).toBe(false);
    expect(tokensMatch('é'.repeat(16), expected)).toBe(false);
  });

  it.each([0, 1, expected.length - 1, expected.length, expected.length + 1, 4096])(
    'runs the constant-time comparison on 32 bytes each for a %i-character guess, so timing tells no length',
    (length) => {
      const compared: [number, number][] = [];
      tokensMatch('a'.repeat(length), expected, (a, b) => {
        compared.push([a.length, b.length]);
        return a.equals(b);
      });
      expect(compared).toEqual([[32, 32]]);
    },
  );
});
