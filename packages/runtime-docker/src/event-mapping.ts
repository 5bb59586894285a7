import type { RuntimeEvent } from './runtime.js';

/** The part of a Docker event this package reads. */
interface DockerEvent {
  Type?: string;
  Action?: string;
  Actor?: { ID?: string; Attributes?: Record<string, string> };
}

// Docker mixes its own facts into a container event's attributes next to the container's labels.
const NON_LABEL_ATTRIBUTES = new Set(['name', 'image', 'exitCode', 'signal', 'execDuration']);

/**
 * A Docker event (one line of `GET /events`) as a {@link RuntimeEvent}, or null for events this port does not
 * report. Labels are the event's attributes minus Docker's own keys (`name`, `image`, `exitCode`, ...), so a label
 * with one of those names cannot be told apart; this product's labels all start with `gha-ephemeral.`.
 */
export function toRuntimeEvent(raw: unknown): RuntimeEvent | null {
  const event = raw as DockerEvent | null;
  if (event === null || typeof event !== 'object' || event.Type !== 'container') return null;
  const containerId = event.Actor?.ID;
  if (typeof containerId !== 'string') return null;
  const attributes = event.Actor?.Attributes ?? {};
  const name = attributes.name ?? '';
  const labels = Object.fromEntries(
    Object.entries(attributes).filter(([key]) => !NON_LABEL_ATTRIBUTES.has(key)),
  );
  switch (event.Action ?? '') {
    case 'start':
      return { type: 'started', containerId, name, labels };
    case 'die':
      return { type: 'exited', containerId, name, labels, exitCode: parseExitCode(attributes.exitCode) };
    case 'destroy':
      return { type: 'removed', containerId, name, labels };
    default:
      return null;
  }
}

function parseExitCode(value: string | undefined): number | null {
  if (value === undefined || !/^-?\d+$/.test(value)) return null;
  return Number(value);
}

/**
 * The event's `timeNano` as an exact bigint, read from the raw text: as a JSON number it exceeds 2^53 and
 * `JSON.parse` would round it, which breaks the de-duplication after a reconnect.
 */
export function readTimeNano(text: string): bigint | null {
  const match = /"timeNano"\s*:\s*(\d+)/.exec(text);
  return match?.[1] === undefined ? null : BigInt(match[1]);
}

/** An RFC 3339 time with up to nanosecond precision (Docker's `SystemTime`) as nanoseconds since the epoch. */
export function parseRfc3339Nano(value: string): bigint | null {
  const match = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/.exec(value);
  if (match?.[1] === undefined || match[3] === undefined) return null;
  const milliseconds = Date.parse(`${match[1]}${match[3]}`);
  if (Number.isNaN(milliseconds)) return null;
  const fraction = (match[2] ?? '').padEnd(9, '0');
  return BigInt(milliseconds) * 1_000_000n + BigInt(fraction);
}

/** Nanoseconds since the epoch in the `since` form Docker accepts: `seconds.nanoseconds`. */
export function formatSince(timeNano: bigint): string {
  const seconds = timeNano / 1_000_000_000n;
  const nanos = timeNano % 1_000_000_000n;
  return `${seconds}.${nanos.toString().padStart(9, '0')}`;
}
