import { StringDecoder } from 'node:string_decoder';

/** One line of a newline-delimited JSON stream: the raw text and its parsed value. */
export interface JsonLine {
  text: string;
  value: unknown;
}

// A line longer than this is not an event or a progress message: drop it rather than grow without bound.
const MAX_LINE_CHARS = 1024 * 1024;

/**
 * Splits the engine's newline-delimited JSON (events, pull progress) into parsed lines. Lines that are not JSON
 * are skipped: one bad line must not end a stream the reconciler depends on.
 */
export async function* readJsonLines(
  stream: AsyncIterable<unknown> | Iterable<unknown>,
): AsyncGenerator<JsonLine> {
  const decoder = new StringDecoder('utf8');
  let buffer = '';
  for await (const chunk of stream) {
    buffer += typeof chunk === 'string' ? chunk : decoder.write(chunk as Buffer);
    let newline = buffer.indexOf('\n');
    while (newline >= 0) {
      const parsed = parseLine(buffer.slice(0, newline));
      buffer = buffer.slice(newline + 1);
      if (parsed !== null) yield parsed;
      newline = buffer.indexOf('\n');
    }
    if (buffer.length > MAX_LINE_CHARS) buffer = '';
  }
  const last = parseLine(buffer + decoder.end());
  if (last !== null) yield last;
}

function parseLine(line: string): JsonLine | null {
  const text = line.trim();
  if (text === '') return null;
  try {
    return { text, value: JSON.parse(text) as unknown };
  } catch {
    return null;
  }
}
