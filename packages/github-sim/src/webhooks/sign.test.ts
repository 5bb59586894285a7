import { describe, expect, it } from 'vitest';
import { signWebhookBody } from './sign.js';

describe('signWebhookBody', () => {
  it('matches GitHub’s documented test vector', () => {
    expect(signWebhookBody("It's a Secret to Everybody", 'Hello, World!')).toBe(
      'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17',
    );
  });
});
