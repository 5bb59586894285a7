import { describe, expect, it } from 'vitest';
import { Redactor } from './redactor.js';
import { randomText, seededRandom } from './testing/random-text.js';

/** The old redactor's matching, one regular expression of every value longest first: the reference. */
function redactByRegExp(text: string, values: Iterable<string>): string {
  const alternatives = [...new Set(values)]
    .filter((value) => value.length >= 6)
    .sort((a, b) => b.length - a.length)
    .map((value) => value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return alternatives.length === 0
    ? text
    : text.replace(new RegExp(alternatives.join('|'), 'g'), '[REDACTED]');
}

describe('Redactor with many learnt secrets', () => {
  // Like encoded just-in-time configurations: ~2 KB of base64, and half of them sharing a long prefix.
  const random = seededRandom(2_000);
  const sharedPrefix = randomText(random, 40);
  const secrets = Array.from({ length: 2_000 }, (_, index) =>
    index % 2 === 0 ? randomText(random, 2_048) : sharedPrefix + randomText(random, 2_008),
  );
  const redactor = new Redactor();
  const forgets = secrets.map((secret) => redactor.add(secret));

  it('hides each of 2,000 secrets of 2 KB, also when one appears twice in a line', () => {
    const [first, second, last] = [secrets[0]!, secrets[1]!, secrets[1_999]!];
    expect(redactor.redact(`a ${first} b ${last} c ${first}`)).toBe('a [REDACTED] b [REDACTED] c [REDACTED]');
    expect(redactor.redact(`${second}${second}`)).toBe('[REDACTED][REDACTED]');
    expect(redactor.redact(JSON.stringify({ msg: `docker said ${encodeURIComponent(last)}` }))).toBe(
      '{"msg":"docker said [REDACTED]"}',
    );
  });

  it('hides a secret that starts inside a near miss of another', () => {
    const secret = secrets[3]!;
    // The start of a secret, then the whole of it: the scan must not skip past the failed first attempt.
    expect(redactor.redact(`${secret.slice(0, 1_500)}${secret}!`)).toBe(
      `${secret.slice(0, 1_500)}[REDACTED]!`,
    );
    expect(redactor.redact(`${sharedPrefix}${secrets[5]!}`)).toBe(`${sharedPrefix}[REDACTED]`);
  });

  it('replaces nested secrets whole, the longest first', () => {
    const outer = secrets[7]!;
    const inner = outer.slice(500, 560);
    const head = outer.slice(0, 64);
    const forgetInner = redactor.add(inner);
    const forgetHead = redactor.add(head);
    expect(redactor.redact(`<${outer}>`)).toBe('<[REDACTED]>');
    expect(redactor.redact(`<${inner}>`)).toBe('<[REDACTED]>');
    expect(redactor.redact(`<${outer.slice(0, 1_000)}>`)).toBe(
      `<[REDACTED]${outer.slice(64, 500)}[REDACTED]${outer.slice(560, 1_000)}>`,
    );
    forgetInner();
    forgetHead();
    expect(redactor.redact(`<${inner}>`)).toBe(`<${inner}>`);
  });

  it('forgets half of them and hides only the other half', () => {
    for (let index = 0; index < secrets.length; index += 2) forgets[index]!();
    const line = `${secrets[10]!} ${secrets[11]!} ${secrets[1_998]!} ${secrets[1_999]!}`;
    expect(redactor.redact(line)).toBe(`${secrets[10]!} [REDACTED] ${secrets[1_998]!} [REDACTED]`);
  });
});

describe('Redactor against the regular expression it replaced', () => {
  it('redacts random text exactly as one regular expression of the live values would', () => {
    const random = seededRandom(99);
    // A two-letter alphabet makes values overlap, nest and share prefixes all the time.
    const redactor = new Redactor(['abababab']);
    const live: { value: string; forget: () => void }[] = [];
    for (let round = 0; round < 1_500; round += 1) {
      if (live.length > 0 && random() < 0.4) {
        const [gone] = live.splice(Math.floor(random() * live.length), 1);
        gone?.forget();
      } else {
        const value = randomText(random, 6 + Math.floor(random() * 6), 'ab');
        live.push({ value, forget: redactor.add(value) });
      }
      const text = randomText(random, 40, 'ab ');
      expect(redactor.redact(text)).toBe(
        redactByRegExp(text, ['abababab', ...live.map((item) => item.value)]),
      );
    }
  });
});
