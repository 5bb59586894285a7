import type { LogDestination } from '@gha-ephemeral/logging';

/** What {@link BatchedLogSink} writes to: `process.stdout` in production. */
export interface LogStream {
  write(chunk: string): unknown;
  readonly isTTY?: boolean;
}

/** Past this many buffered characters the sink writes at once rather than at the end of the turn. */
const MAX_BUFFERED_CHARS = 64 * 1024;

/**
 * Gathers the log lines written during one turn of the event loop and writes them in one call. Writes to a file or
 * a pipe are synchronous system calls in Node, and the gateway logs two lines a request: under load, one write per
 * line costs more than the forwarding itself. Lines keep their order; `flush()` (called on exit) writes the rest.
 */
export class BatchedLogSink implements LogDestination {
  readonly #stream: LogStream;
  #buffer: string[] = [];
  #size = 0;
  #scheduled = false;

  constructor(stream: LogStream) {
    this.#stream = stream;
  }

  /** A terminal gets the pretty format (`LOG_FORMAT=auto`), as the stream itself would. */
  get isTTY(): boolean {
    return this.#stream.isTTY === true;
  }

  write(chunk: string): boolean {
    this.#buffer.push(chunk);
    this.#size += chunk.length;
    if (this.#size >= MAX_BUFFERED_CHARS) this.flush();
    else if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(() => this.flush());
    }
    return true;
  }

  /** Writes whatever is buffered, now. */
  flush(): void {
    this.#scheduled = false;
    if (this.#buffer.length === 0) return;
    const text = this.#buffer.join('');
    this.#buffer = [];
    this.#size = 0;
    this.#stream.write(text);
  }
}
