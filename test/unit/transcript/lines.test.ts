import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readLines, readLinesBackward } from '../../../src/transcript/lines.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'cr-lines-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function forward(file: string, start = 0, chunk = 7): Promise<Array<[string, number, boolean]>> {
  const out: Array<[string, number, boolean]> = [];
  for await (const line of readLines(file, start, chunk)) out.push([line.bytes.toString(), line.offset, line.terminated]);
  return out;
}

async function backward(file: string, maxBytes = 1 << 20, chunk = 5): Promise<Array<[string, number, boolean]>> {
  const out: Array<[string, number, boolean]> = [];
  for await (const line of readLinesBackward(file, maxBytes, chunk)) out.push([line.bytes.toString(), line.offset, line.terminated]);
  return out;
}

describe('readLines', () => {
  const cases: Array<[string, string]> = [
    ['empty', ''],
    ['one line', 'abc\n'],
    ['torn last line', 'abc\ndefghijklmnop'],
    ['lines longer than a chunk', 'a'.repeat(20) + '\n' + 'b'.repeat(13) + '\n\nc\n'],
    ['multi-byte text', 'héllo · wörld\n✓\n'],
  ];
  for (const [name, content] of cases) {
    it(`${name}: every chunk size gives the same lines, with offsets`, async () => {
      const file = path.join(dir, `${name}.txt`);
      writeFileSync(file, content);
      const parts = content.split('\n');
      const expected: Array<[string, number, boolean]> = [];
      let offset = 0;
      parts.forEach((part, i) => {
        const terminated = i < parts.length - 1;
        if (terminated || part !== '') expected.push([part, offset, terminated]);
        offset += Buffer.byteLength(part) + 1;
      });
      for (const chunk of [1, 2, 3, 7, 64]) {
        expect(await forward(file, 0, chunk)).toEqual(expected);
        expect(await backward(file, 1 << 20, chunk)).toEqual([...expected].reverse());
      }
    });
  }

  it('starts at an offset', async () => {
    const file = path.join(dir, 'offset.txt');
    writeFileSync(file, 'one\ntwo\nthree\n');
    expect(await forward(file, 4)).toEqual([
      ['two', 4, true],
      ['three', 8, true],
    ]);
  });

  it('backward stops after maxBytes and drops the cut line', async () => {
    const file = path.join(dir, 'max.txt');
    writeFileSync(file, 'aaaa\nbbbb\ncccc\n');
    expect((await backward(file, 8, 3)).map(([text]) => text)).toEqual(['cccc']);
  });
});
