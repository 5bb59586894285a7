import { describe, expect, it } from 'vitest';
import { linePath, niceScale, seriesPoints, type PlotArea } from './chart-geometry';

const area: PlotArea = { left: 0, top: 0, width: 100, height: 100 };

describe('niceScale', () => {
  it('rounds the top up to a step of 1, 2 or 5 times a power of ten', () => {
    expect(niceScale([3400, null, 1200], 1000)).toEqual({ max: 4000, ticks: [0, 1000, 2000, 3000, 4000] });
    expect(niceScale([23_000], 1000)).toEqual({ max: 30_000, ticks: [0, 10_000, 20_000, 30_000] });
  });

  it('keeps an axis when there is no value at all', () => {
    expect(niceScale([null, null], 1000)).toEqual({ max: 1000, ticks: [0, 500, 1000] });
  });
});

describe('linePath', () => {
  it('breaks the line where a bucket had no jobs', () => {
    const scale = { max: 100, ticks: [0, 100] };
    const points = seriesPoints([0, 50, null, 100, 100], scale, area);
    expect(points.map((point) => point.index)).toEqual([0, 1, 3, 4]);
    expect(linePath(points)).toBe('M0 100 L25 50 M75 0 L100 0');
  });
});
