import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { BatchedLogSink } from './log-sink.js';

function stream(isTTY?: boolean) {
  const writes: string[] = [];
  return {
    writes,
    stream: { write: (chunk: string) => writes.push(chunk), ...(isTTY === undefined ? {} : { isTTY }) },
  };
}

describe('BatchedLogSink', () => {
  it('writes the lines of one turn in one write, in order', async () => {
    const { writes, stream: target } = stream();
    const sink = new BatchedLogSink(target);
    sink.write('a\n');
    sink.write('b\n');
    expect(writes).toEqual([]);
    await nextTurn();
    expect(writes).toEqual(['a\nb\n']);
    sink.write('c\n');
    await nextTurn();
    expect(writes).toEqual(['a\nb\n', 'c\n']);
  });

  it('writes at once past 64 KiB, and everything on flush()', () => {
    const { writes, stream: target } = stream();
    const sink = new BatchedLogSink(target);
    sink.write('x'.repeat(70_000));
    expect(writes).toHaveLength(1);
    sink.write('tail\n');
    sink.flush();
    expect(writes).toEqual(['x'.repeat(70_000), 'tail\n']);
    sink.flush();
    expect(writes).toHaveLength(2);
  });

  it('says whether the stream is a terminal', () => {
    expect(new BatchedLogSink(stream(true).stream).isTTY).toBe(true);
    expect(new BatchedLogSink(stream().stream).isTTY).toBe(false);
  });
});
