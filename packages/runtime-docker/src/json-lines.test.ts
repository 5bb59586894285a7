import { describe, expect, it } from 'vitest';
import { readJsonLines } from './json-lines.js';

async function collect(chunks: Array<string | Buffer>): Promise<unknown[]> {
  const values: unknown[] = [];
  for await (const { value } of readJsonLines(chunks)) values.push(value);
  return values;
}

describe('readJsonLines', () => {
  it('joins lines split across chunks, including inside a multi-byte character', async () => {
    const bytes = Buffer.from('{"a":"é"}\n{"b":2}\n');
    const split = bytes.indexOf(0xa9);
    expect(await collect([bytes.subarray(0, split), bytes.subarray(split)])).toEqual([{ a: 'é' }, { b: 2 }]);
  });

  it('skips blank and non-JSON lines, and reads a last line without a newline', async () => {
    expect(await collect(['{"a":1}\n\nnot json\r\n', '{"b":2}'])).toEqual([{ a: 1 }, { b: 2 }]);
  });
});
