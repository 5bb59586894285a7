import { describe, expect, it } from 'vitest';
import { formatSince, parseRfc3339Nano, readTimeNano, toRuntimeEvent } from './event-mapping.js';

const actor = (attributes: Record<string, string>) => ({ ID: 'abc123', Attributes: attributes });

describe('toRuntimeEvent', () => {
  it.each([
    ['start', { type: 'started' }],
    ['die', { type: 'exited', exitCode: 137 }],
    ['destroy', { type: 'removed' }],
  ])('maps %s', (action, expected) => {
    const event = toRuntimeEvent({
      Type: 'container',
      Action: action,
      Actor: actor({ name: 'r1', image: 'img', exitCode: '137', 'gha-ephemeral.runner': 'r1' }),
    });
    expect(event).toEqual({
      containerId: 'abc123',
      name: 'r1',
      labels: { 'gha-ephemeral.runner': 'r1' },
      ...expected,
    });
  });

  it('ignores other actions, other types and malformed events', () => {
    expect(toRuntimeEvent({ Type: 'container', Action: 'kill', Actor: actor({}) })).toBeNull();
    expect(toRuntimeEvent({ Type: 'network', Action: 'start', Actor: actor({}) })).toBeNull();
    expect(toRuntimeEvent({ Type: 'container', Action: 'start' })).toBeNull();
    expect(toRuntimeEvent(null)).toBeNull();
  });

  it('reports an exit code the engine did not give as null', () => {
    expect(toRuntimeEvent({ Type: 'container', Action: 'die', Actor: actor({ name: 'r' }) })).toMatchObject({
      exitCode: null,
    });
  });
});

describe('event times', () => {
  it('reads timeNano exactly, beyond what a JSON number can hold', () => {
    expect(readTimeNano('{"time":1795804973,"timeNano":1795804973628977185}')).toBe(1795804973628977185n);
    expect(readTimeNano('{"time":1}')).toBeNull();
  });

  it("parses Docker's SystemTime with nanoseconds and any offset", () => {
    expect(parseRfc3339Nano('2026-11-27T18:42:54.192638386Z')).toBe(1795804974192638386n);
    expect(parseRfc3339Nano('2026-11-27T19:42:54.1+01:00')).toBe(1795804974100000000n);
    expect(parseRfc3339Nano('2026-11-27T18:42:54Z')).toBe(1795804974000000000n);
    expect(parseRfc3339Nano('yesterday')).toBeNull();
  });

  it('formats since as seconds.nanoseconds', () => {
    expect(formatSince(1795804974000000042n)).toBe('1795804974.000000042');
  });
});
