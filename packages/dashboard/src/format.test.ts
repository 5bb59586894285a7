import { describe, expect, it } from 'vitest';
import { durationBetween, formatAge, formatDuration } from './format';

describe('formatDuration', () => {
  it.each([
    [0, '0.0 s'],
    [420, '0.4 s'],
    [9_940, '9.9 s'],
    [12_300, '12 s'],
    [60_000, '1 min'],
    [192_000, '3 min 12 s'],
    [7_500_000, '2 h 5 min'],
    [3 * 86_400_000 + 4 * 3_600_000, '3 d 4 h'],
    [-5, '0.0 s'],
  ])('%d ms reads %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});

describe('formatAge', () => {
  const now = Date.parse('2026-01-01T12:10:00.000Z');
  it('counts whole seconds, then minutes and seconds', () => {
    expect(formatAge('2026-01-01T12:09:57.400Z', now)).toBe('2 s');
    expect(formatAge('2026-01-01T12:06:48.000Z', now)).toBe('3 min 12 s');
  });
  it('shows a dash for a date it cannot read', () => {
    expect(formatAge('not a date', now)).toBe('—');
  });
});

describe('durationBetween', () => {
  it('is null when a step has not happened', () => {
    expect(durationBetween('2026-01-01T12:00:00.000Z', null)).toBeNull();
    expect(durationBetween('2026-01-01T12:00:00.000Z', '2026-01-01T12:00:01.500Z')).toBe(1500);
  });
});
