/** One Server-Sent Event as a test sees it: its type, and its data parsed as JSON (the text when it is not JSON). */
export interface SseEvent {
  event: string;
  data: unknown;
  id: string | null;
}

/** How a stream ended: the server ended it, it broke (a reset), or the test closed it. */
export type SseEnd = 'server' | 'broken' | 'client';

/** Options of {@link openSse}. */
export interface OpenSseOptions {
  headers?: Record<string, string>;
  /** How long to wait for the response's headers. Default 10 000 ms. */
  timeoutMs?: number;
}

/**
 * An open event stream, read in the background. {@link SseClient.next} takes events in order: each call starts
 * after the event the previous one returned, so a sequence of calls asserts an order.
 */
export class SseClient {
  readonly status: number;
  readonly headers: Headers;
  readonly #abort: AbortController;
  readonly #received: SseEvent[] = [];
  readonly #wakers = new Set<() => void>();
  readonly #ended: Promise<SseEnd>;
  #cursor = 0;
  #end: SseEnd | null = null;

  constructor(response: Response, abort: AbortController) {
    this.status = response.status;
    this.headers = response.headers;
    this.#abort = abort;
    this.#ended = this.#read(response.body!).then((end) => {
      this.#end = end;
      this.#wake();
      return end;
    });
  }

  /** Every event received so far, in order (comments are not events). */
  get received(): readonly SseEvent[] {
    return this.#received;
  }

  /** How the stream ended, or null while it is open. */
  get ended(): SseEnd | null {
    return this.#end;
  }

  /**
   * The next event (after the last one returned) that `predicate` accepts; those before it are passed over.
   * @throws when the stream ends or `timeoutMs` passes first, naming the events received.
   */
  async next(predicate: (event: SseEvent) => boolean = () => true, timeoutMs = 10_000): Promise<SseEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      while (this.#cursor < this.#received.length) {
        const event = this.#received[this.#cursor++]!;
        if (predicate(event)) return event;
      }
      if (this.#end !== null) throw new Error(`The stream ended (${this.#end}) first; ${this.#summary()}`);
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(`Timed out after ${timeoutMs} ms waiting for an event; ${this.#summary()}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#wakers.add(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Waits for the stream to end. @throws when it is still open after `timeoutMs`. */
  async end(timeoutMs = 10_000): Promise<SseEnd> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`The stream was still open after ${timeoutMs} ms; ${this.#summary()}`)),
        timeoutMs,
      );
    });
    try {
      return await Promise.race([this.#ended, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Closes the stream from this side. */
  close(): void {
    this.#abort.abort();
  }

  async #read(body: ReadableStream<Uint8Array>): Promise<SseEnd> {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of body) {
        buffer += decoder.decode(chunk, { stream: true }).replace(/\r\n?/g, '\n');
        let blank: number;
        while ((blank = buffer.indexOf('\n\n')) !== -1) {
          this.#dispatch(buffer.slice(0, blank));
          buffer = buffer.slice(blank + 2);
        }
      }
      return 'server';
    } catch {
      return this.#abort.signal.aborted ? 'client' : 'broken';
    }
  }

  #dispatch(block: string): void {
    let event = 'message';
    let id: string | null = null;
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line === '' || line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon === -1 ? line : line.slice(0, colon);
      const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'event') event = value;
      else if (field === 'id') id = value;
      else if (field === 'data') data.push(value);
    }
    if (data.length === 0) return;
    const text = data.join('\n');
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // Not JSON: the test sees the text.
    }
    this.#received.push({ event, data: parsed, id });
    this.#wake();
  }

  #wake(): void {
    for (const wake of this.#wakers) wake();
    this.#wakers.clear();
  }

  #summary(): string {
    const types = this.#received.map((event) => event.event);
    return `received ${types.length} event(s): ${types.slice(-30).join(', ') || 'none'}`;
  }
}

/**
 * Opens an event stream with `GET url`.
 * @throws when the server answers anything but 200 `text/event-stream` (the message holds its status and body).
 */
export async function openSse(url: string, options: OpenSseOptions = {}): Promise<SseClient> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), options.timeoutMs ?? 10_000);
  try {
    const response = await fetch(url, {
      headers: { accept: 'text/event-stream', ...options.headers },
      signal: abort.signal,
    });
    const type = response.headers.get('content-type') ?? '';
    if (response.status !== 200 || !type.startsWith('text/event-stream') || response.body === null) {
      const body = await response.text();
      throw new Error(`GET ${url} answered ${response.status} (${type}): ${body.slice(0, 500)}`);
    }
    return new SseClient(response, abort);
  } finally {
    clearTimeout(timer);
  }
}
