/** The part of a Node `http.ServerResponse` (or a socket) an event stream writes to. */
export interface SseSink {
  write(chunk: string | Uint8Array): boolean;
  end(): void;
  destroy(): void;
  readonly writableLength: number;
  readonly destroyed: boolean;
  once(event: 'close', listener: () => void): unknown;
}

/** Options of {@link SseStreams}. */
export interface SseStreamsOptions {
  /** Most streams open at once; one more is refused. */
  maxStreams: number;
  /** Bytes a stream may have waiting to be sent before its client is dropped as too slow. */
  maxBufferedBytes: number;
  /** How often an idle stream sends a comment, so proxies and clients see it is alive; 0: never (a relay). */
  heartbeatMs: number;
}

/** One open event stream: events are written at once, or the stream is dropped if its client cannot keep up. */
export class SseStream {
  readonly #sink: SseSink;
  readonly #maxBuffered: number;
  #open = true;
  #nextId = 1;
  /** A relay's last chunk ended an event: a last event of our own may follow without corrupting one. */
  #atBoundary = true;

  constructor(sink: SseSink, maxBufferedBytes: number) {
    this.#sink = sink;
    this.#maxBuffered = maxBufferedBytes;
  }

  get open(): boolean {
    return this.#open && !this.#sink.destroyed;
  }

  /** Sends one event (its data one line of JSON); false when the stream is closed or was dropped for it. */
  send(type: string, data: unknown): boolean {
    return this.sendJson(type, JSON.stringify(data));
  }

  /** {@link send} with the data already serialized (one line of JSON), for broadcasts. */
  sendJson(type: string, json: string): boolean {
    if (!this.open) return false;
    // Never more than the bound waits in memory: a client that stopped reading loses its stream, not our memory.
    if (this.#sink.writableLength > this.#maxBuffered) {
      this.drop();
      return false;
    }
    this.#sink.write(`id: ${this.#nextId++}\nevent: ${type}\ndata: ${json}\n\n`);
    return true;
  }

  /** Passes on bytes of a stream relayed as it is (whole events or not); false when the stream was dropped. */
  relay(chunk: Uint8Array): boolean {
    if (!this.open) return false;
    if (this.#sink.writableLength > this.#maxBuffered) {
      this.drop();
      return false;
    }
    this.#sink.write(chunk);
    this.#atBoundary = chunk.length >= 2 && chunk[chunk.length - 1] === 10 && chunk[chunk.length - 2] === 10;
    return true;
  }

  /** A comment line: keeps the connection from looking idle. */
  heartbeat(): void {
    if (this.open && this.#sink.writableLength <= this.#maxBuffered) this.#sink.write(': keep-alive\n\n');
  }

  /** Ends the stream after a last event (if it can still be sent). */
  close(type?: string, data?: unknown): void {
    if (!this.open) return;
    if (type !== undefined && this.#atBoundary && this.#sink.writableLength <= this.#maxBuffered) {
      this.#sink.write(`event: ${type}\ndata: ${JSON.stringify(data)}\n\n`);
    }
    this.#open = false;
    this.#sink.end();
  }

  /** Cuts the connection without waiting for buffered bytes (the client is too slow to be waited for). */
  drop(): void {
    this.#open = false;
    if (!this.#sink.destroyed) this.#sink.destroy();
  }
}

/**
 * The event streams a server has open, bounded in number and in what each may buffer, with one heartbeat timer
 * for all and a way to end them all at shutdown (an open stream would otherwise hold the server's close forever).
 */
export class SseStreams {
  readonly #options: SseStreamsOptions;
  readonly #streams = new Set<SseStream>();
  #timer: NodeJS.Timeout | null = null;
  #closed = false;

  constructor(options: SseStreamsOptions) {
    this.#options = options;
  }

  get size(): number {
    return this.#streams.size;
  }

  /** True once {@link closeAll} was called: the server is stopping. */
  get closing(): boolean {
    return this.#closed;
  }

  /** True when no stream more may open (the limit, or closing). */
  get full(): boolean {
    return this.#closed || this.#streams.size >= this.#options.maxStreams;
  }

  /** Adds a stream on `sink`, or returns null when the limit is reached or the server is closing. */
  open(sink: SseSink, onClose?: () => void): SseStream | null {
    if (this.#closed || this.#streams.size >= this.#options.maxStreams) return null;
    const stream = new SseStream(sink, this.#options.maxBufferedBytes);
    this.#streams.add(stream);
    sink.once('close', () => {
      this.#streams.delete(stream);
      if (this.#streams.size === 0) this.#stopHeartbeat();
      onClose?.();
    });
    if (this.#options.heartbeatMs > 0)
      this.#timer ??= setInterval(() => {
        for (const open of this.#streams) open.heartbeat();
      }, this.#options.heartbeatMs).unref();
    return stream;
  }

  /** Sends an event to every open stream. */
  broadcast(type: string, data: unknown): void {
    if (this.#streams.size === 0) return;
    const json = JSON.stringify(data);
    for (const stream of this.#streams) stream.sendJson(type, json);
  }

  /**
   * Ends every stream with a last event and refuses new ones. A client that has not taken its last bytes within
   * `graceMs` is cut: a stalled client (a laptop asleep) must not hold the server's shutdown.
   */
  closeAll(type?: string, data?: unknown, graceMs = 1_000): void {
    this.#closed = true;
    const closing = [...this.#streams];
    for (const stream of closing) stream.close(type, data);
    this.#stopHeartbeat();
    if (closing.length > 0) setTimeout(() => closing.forEach((stream) => stream.drop()), graceMs).unref();
  }

  #stopHeartbeat(): void {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
  }
}
