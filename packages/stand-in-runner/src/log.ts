/** Where the runner writes its lines. */
export type LogSink = (line: string) => void;

/** A timestamp in the runner's log style: `2024-01-31 12:00:00Z`. */
export function stamp(date = new Date()): string {
  return `${date.toISOString().slice(0, 19).replace('T', ' ')}Z`;
}

/** The runner's version as it reports it. */
export const RUNNER_VERSION = '2.330.0';
