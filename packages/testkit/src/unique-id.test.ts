import { describe, expect, it } from 'vitest';
import { uniqueId } from './unique-id.js';

// The product's runner id rule (packages/contract), which container names also satisfy.
const RUNNER_ID = /^[a-z0-9][a-z0-9-]{0,62}$/;

describe('uniqueId', () => {
  it('is unique, keeps the prefix, and is a valid container name and runner id', () => {
    const ids = new Set(Array.from({ length: 100 }, () => uniqueId('My Test_Case')));
    expect(ids.size).toBe(100);
    for (const id of ids) {
      expect(id).toMatch(/^my-test-case-/);
      expect(id).toMatch(RUNNER_ID);
    }
  });
});
