import { linePath, niceScale, seriesPoints, xAt, yAt, type PlotArea } from '../chart-geometry';
import { formatCount, formatLatency, formatShortClock } from '../format';
import type { JobLatency, Percentiles } from '../types';

type Bucket = JobLatency['buckets'][number];

/** The four lines: colour tells the measure, dashes tell the percentile, markers differ too (not colour alone). */
const SERIES = [
  { id: 'running-p50', label: 'Queued → running, median', pick: (b: Bucket) => b.toRunning.p50Ms },
  { id: 'running-p95', label: 'Queued → running, 95th percentile', pick: (b: Bucket) => b.toRunning.p95Ms },
  { id: 'taken-p50', label: 'Queued → taken, median', pick: (b: Bucket) => b.toTaken.p50Ms },
  { id: 'taken-p95', label: 'Queued → taken, 95th percentile', pick: (b: Bucket) => b.toTaken.p95Ms },
] as const;

const WIDTH = 720;
const HEIGHT = 260;
const AREA: PlotArea = { left: 56, top: 14, width: WIDTH - 56 - 20, height: HEIGHT - 14 - 34 };

/** An axis label: "0 s", "2.5 s", "90 s", "2 min". */
function axisLabel(ms: number): string {
  if (ms === 0) return '0';
  if (ms < 120_000) return `${Number((ms / 1000).toFixed(1))} s`;
  return `${Number((ms / 60_000).toFixed(1))} min`;
}

function describe(name: string, percentiles: Percentiles): string {
  if (percentiles.count === 0) return `${name}: no jobs`;
  return `${name}: median ${formatLatency(percentiles.p50Ms)}, 95th percentile ${formatLatency(percentiles.p95Ms)}`;
}

/** The chart's summary in words, for its accessible name and the line above it. */
export function latencySummary(latency: JobLatency): string {
  const { toRunning, toTaken } = latency.overall;
  return (
    `Last ${latency.windowMinutes} minutes, ${formatCount(toTaken.count)} jobs taken. ` +
    `${describe('Queued → running', toRunning)}. ${describe('Queued → taken', toTaken)}.`
  );
}

function Marker({ series, x, y }: { series: string; x: number; y: number }) {
  return series.startsWith('running') ? (
    <circle class={`marker series-${series}`} cx={x} cy={y} r={3.5} />
  ) : (
    <rect class={`marker series-${series}`} x={x - 3.5} y={y - 3.5} width={7} height={7} />
  );
}

function Axes({
  buckets,
  ticks,
  scale,
}: {
  buckets: Bucket[];
  ticks: number[];
  scale: ReturnType<typeof niceScale>;
}) {
  return (
    <g class="axes">
      {ticks.map((tick) => {
        const y = yAt(tick, scale, AREA);
        return (
          <g key={tick}>
            <line class="grid" x1={AREA.left} x2={AREA.left + AREA.width} y1={y} y2={y} />
            <text class="axis-label" x={AREA.left - 8} y={y + 4} text-anchor="end">
              {axisLabel(tick)}
            </text>
          </g>
        );
      })}
      {buckets.map((bucket, index) =>
        index % 3 === 0 || index === buckets.length - 1 ? (
          <text
            key={bucket.start}
            class="axis-label"
            x={xAt(index, buckets.length, AREA)}
            y={AREA.top + AREA.height + 22}
            text-anchor="middle"
          >
            {formatShortClock(bucket.start)}
          </text>
        ) : null,
      )}
    </g>
  );
}

function Legend() {
  return (
    <ul class="legend">
      {SERIES.map((series) => (
        <li key={series.id}>
          <svg width="36" height="12" aria-hidden="true" class="legend-swatch">
            <line class={`line series-${series.id}`} x1="2" x2="34" y1="6" y2="6" />
            <Marker series={series.id} x={18} y={6} />
          </svg>
          {series.label}
        </li>
      ))}
    </ul>
  );
}

function NumbersTable({ latency }: { latency: JobLatency }) {
  return (
    // Hidden inside a div: a table ignores the 1px width of the visually-hidden pattern and would widen the page.
    <div class="visually-hidden">
      <table>
        <caption>Job latency by {latency.bucketMinutes}-minute bucket</caption>
        <thead>
          <tr>
            <th scope="col">From</th>
            <th scope="col">Jobs taken</th>
            {SERIES.map((series) => (
              <th key={series.id} scope="col">
                {series.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {latency.buckets.map((bucket) => (
            <tr key={bucket.start}>
              <th scope="row">{formatShortClock(bucket.start)}</th>
              <td>{formatCount(bucket.toTaken.count)}</td>
              {SERIES.map((series) => (
                <td key={series.id}>{formatLatency(series.pick(bucket))}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Queued → running and queued → taken, median and 95th percentile, per bucket over the last hour. */
export function LatencyChart({ latency }: { latency: JobLatency | null }) {
  if (latency === null) return <p class="muted">Waiting for the first report…</p>;
  const buckets = latency.buckets;
  const scale = niceScale(
    buckets.flatMap((bucket) => SERIES.map((series) => series.pick(bucket))),
    1000,
  );
  const summary = latencySummary(latency);
  return (
    <figure class="chart">
      <figcaption>{summary}</figcaption>
      <Legend />
      <div class="chart-scroll">
        <svg
          class="chart-svg"
          viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
          role="img"
          aria-label={`Latency chart. ${summary}`}
        >
          <Axes buckets={buckets} ticks={scale.ticks} scale={scale} />
          {SERIES.map((series) => {
            const points = seriesPoints(buckets.map(series.pick), scale, AREA);
            return (
              <g key={series.id}>
                <path class={`line series-${series.id}`} d={linePath(points)} />
                {points.map((point) => (
                  <Marker key={point.index} series={series.id} x={point.x} y={point.y} />
                ))}
              </g>
            );
          })}
        </svg>
      </div>
      <NumbersTable latency={latency} />
    </figure>
  );
}
