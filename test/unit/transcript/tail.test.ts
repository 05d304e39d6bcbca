import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readNewLines, scanBackward, type BackwardLine } from '../../../src/transcript/tail.js';

let dir: string;
let file: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cr-tail-'));
  file = path.join(dir, 't.jsonl');
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('readNewLines', () => {
  it('reads only what was appended since the offset and leaves a torn last line for later', () => {
    fs.writeFileSync(file, 'one\ntwo\nthr');
    const first = readNewLines(file, 0);
    expect(first).toMatchObject({ lines: ['one', 'two'], offset: 8, size: 11, reset: false, skipped: false });
    expect(readNewLines(file, first.offset).lines).toEqual([]);
    fs.appendFileSync(file, 'ee\nfour\n');
    const second = readNewLines(file, first.offset);
    expect(second).toMatchObject({ lines: ['three', 'four'], offset: 19 });
  });

  it('keeps multi-byte characters whole', () => {
    fs.writeFileSync(file, 'a·b\n●\n');
    expect(readNewLines(file, 0).lines).toEqual(['a·b', '●']);
  });

  it('starts again when the file shrank (rewritten)', () => {
    fs.writeFileSync(file, 'aaaa\nbbbb\ncccc\n');
    const read = readNewLines(file, 0);
    fs.writeFileSync(file, 'x\n');
    expect(readNewLines(file, read.offset)).toMatchObject({ lines: ['x'], reset: true, offset: 2 });
  });

  it('reads only the last maxBytes of a large append, from a line start', () => {
    fs.writeFileSync(file, `${'a'.repeat(100)}\n${'b'.repeat(100)}\nccc\n`);
    expect(readNewLines(file, 0, 110)).toMatchObject({ lines: ['b'.repeat(100), 'ccc'], skipped: true });
  });

  it('throws the fs error for a missing file', () => {
    expect(() => readNewLines(path.join(dir, 'missing'), 0)).toThrow(/ENOENT/);
  });
});

describe('scanBackward', () => {
  const collect = (options: Parameters<typeof scanBackward>[2] = {}, stopAt?: string): BackwardLine[] => {
    const seen: BackwardLine[] = [];
    scanBackward(
      file,
      (line) => {
        seen.push(line);
        return line.text === stopAt;
      },
      options,
    );
    return seen;
  };

  it('visits complete lines newest first across block boundaries, skipping a torn last line', () => {
    const lines = Array.from({ length: 50 }, (_, i) => `line-${i}-${'x'.repeat(i % 13)}`);
    fs.writeFileSync(file, `${lines.join('\n')}\n{"torn`);
    for (const blockSize of [1, 2, 3, 7, 64, 4096]) {
      expect(collect({ blockSize }).map((line) => line.text)).toEqual([...lines].reverse());
    }
  });

  it('stops when the visitor says so', () => {
    fs.writeFileSync(file, 'a\nb\nc\nd\n');
    expect(collect({ blockSize: 2 }, 'c').map((line) => line.text)).toEqual(['d', 'c']);
  });

  it('reports an oversize line by its length only, and goes on', () => {
    fs.writeFileSync(file, `first\n${'z'.repeat(5000)}\nlast\n`);
    expect(collect({ blockSize: 256, maxLineBytes: 1000 })).toEqual([
      { text: 'last', bytes: 4 },
      { text: null, bytes: 5000 },
      { text: 'first', bytes: 5 },
    ]);
  });

  it('reads no further back than limitBytes and does not report the line cut by the limit', () => {
    fs.writeFileSync(file, `${'a'.repeat(100)}\nbb\ncc\n`);
    expect(collect({ limitBytes: 8, blockSize: 3 }).map((line) => line.text)).toEqual(['cc', 'bb']);
    expect(collect({ limitBytes: 6, blockSize: 3 }).map((line) => line.text)).toEqual(['cc']);
  });

  it('handles an empty file and a file without any newline', () => {
    fs.writeFileSync(file, '');
    expect(collect()).toEqual([]);
    fs.writeFileSync(file, 'no newline yet');
    expect(collect()).toEqual([]);
  });

  it('finds the last lines of a 64 MB file after reading only its tail', () => {
    const fd = fs.openSync(file, 'w');
    const block = `${'{"type":"user","message":{"content":"' + 'q'.repeat(1000)}"}}\n`.repeat(1024);
    for (let i = 0; i < 64; i++) fs.writeSync(fd, block);
    fs.writeSync(fd, '{"type":"assistant","last":true}\n');
    fs.closeSync(fd);
    let visited = 0;
    let found: string | null = null;
    scanBackward(file, (line) => {
      visited++;
      if (line.text?.includes('"assistant"')) found = line.text;
      return visited >= 3;
    });
    expect(found).toBe('{"type":"assistant","last":true}');
    expect(visited).toBe(3);
  });
});
