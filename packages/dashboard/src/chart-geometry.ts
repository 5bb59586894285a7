/** The drawing area of a chart inside its SVG `viewBox`. */
export interface PlotArea {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** A value axis from zero: its top and the ticks to label, in the values' unit. */
export interface ValueScale {
  max: number;
  ticks: number[];
}

/**
 * A scale from zero up to a round number at or above the largest value, with 3 to 6 ticks at steps of 1, 2 or 5
 * times a power of ten. `floor` is the smallest top (an empty or flat chart still has an axis).
 */
export function niceScale(values: readonly (number | null)[], floor: number): ValueScale {
  const largest = Math.max(floor, ...values.filter((value): value is number => value !== null));
  const rough = largest / 4;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((factor) => factor * power).find((candidate) => candidate >= rough) ?? rough;
  const max = Math.ceil(largest / step) * step;
  const ticks: number[] = [];
  for (let tick = 0; tick <= max + step / 2; tick += step) ticks.push(tick);
  return { max, ticks };
}

/** The x of point `index` of `count`, spread over the area's width (a single point sits in the middle). */
export function xAt(index: number, count: number, area: PlotArea): number {
  if (count <= 1) return area.left + area.width / 2;
  return area.left + (index / (count - 1)) * area.width;
}

/** The y of `value` on `scale`: zero at the bottom of the area. */
export function yAt(value: number, scale: ValueScale, area: PlotArea): number {
  return area.top + area.height - (value / scale.max) * area.height;
}

/** A point of a series that has a value. */
export interface ChartPoint {
  index: number;
  x: number;
  y: number;
  value: number;
}

/** The points of a series that have a value (null: no job in that bucket, so no point). */
export function seriesPoints(
  values: readonly (number | null)[],
  scale: ValueScale,
  area: PlotArea,
): ChartPoint[] {
  const points: ChartPoint[] = [];
  values.forEach((value, index) => {
    if (value !== null)
      points.push({ index, x: xAt(index, values.length, area), y: yAt(value, scale, area), value });
  });
  return points;
}

/** An SVG path through the points: a gap (a bucket without jobs) breaks the line rather than bridging it. */
export function linePath(points: readonly ChartPoint[]): string {
  const round = (n: number): string => String(Math.round(n * 10) / 10);
  return points
    .map((point, i) => {
      const joined = i > 0 && points[i - 1]?.index === point.index - 1;
      return `${joined ? 'L' : 'M'}${round(point.x)} ${round(point.y)}`;
    })
    .join(' ');
}
