import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EscapeBoundary } from '../../../src/terminal/escape-boundary.js';
import { random, randomChunks, referenceBoundaries, tuiTokens } from '../guard/tui.js';

const SCREENS = path.join(import.meta.dirname, '..', '..', 'fixtures', 'real', 'screens');

/** atBoundary after each chunk, against the reference over the whole prefix; returns the first mismatch. */
function firstMismatch(data: Buffer, chunks: Buffer[]): string | null {
  const reference = referenceBoundaries(data);
  const boundary = new EscapeBoundary();
  let at = 0;
  for (const chunk of chunks) {
    boundary.push(chunk);
    at += chunk.length;
    if (boundary.atBoundary !== reference[at]) {
      return `at byte ${at}: got ${boundary.atBoundary}, reference ${reference[at]}; last bytes ${JSON.stringify(data.subarray(Math.max(0, at - 24), at).toString('latin1'))}`;
    }
  }
  return null;
}

describe('EscapeBoundary', () => {
  it('agrees with the reference parser at every chunk end, over random chunkings of TUI-like output', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const next = random(seed);
      const data = Buffer.concat(tuiTokens(next, 200, { odd: seed % 3 === 0 }));
      const max = [1, 2, 3, 7, 64, 4096][seed % 6] as number;
      expect(firstMismatch(data, randomChunks(next, data, max)), `seed ${seed}`).toBeNull();
    }
  });

  it('agrees with the reference on every single-byte chunking of the real CLI captures', () => {
    for (const name of readdirSync(SCREENS).filter((file) => file.endsWith('.bin'))) {
      const data = readFileSync(path.join(SCREENS, name));
      const bytes = Array.from({ length: data.length }, (_, i) => data.subarray(i, i + 1));
      expect(firstMismatch(data, bytes), name).toBeNull();
      expect(firstMismatch(data, randomChunks(random(data.length), data, 300)), name).toBeNull();
    }
  });

  it('is at a boundary exactly at the edges of whole sequences and characters', () => {
    const next = random(42);
    const tokens = tuiTokens(next, 400);
    const edges = new Set<number>([0]);
    let length = 0;
    for (const token of tokens) {
      // Inside a text run every character start is an edge too.
      if (token[0] !== 0x1b) token.forEach((byte, i) => ((byte & 0xc0) !== 0x80 ? edges.add(length + i) : undefined));
      edges.add((length += token.length));
    }
    const data = Buffer.concat(tokens);
    const boundary = new EscapeBoundary();
    const wrong: number[] = [];
    for (let i = 0; i < data.length; i++) {
      boundary.push(data.subarray(i, i + 1));
      if (boundary.atBoundary !== edges.has(i + 1)) wrong.push(i + 1);
    }
    expect(wrong).toEqual([]);
  });

  it('follows sequences split anywhere', () => {
    const cases: Array<[string, boolean]> = [
      ['\u001b', false],
      ['\u001b[', false],
      ['\u001b[38;5;22', false],
      ['\u001b[38;5;220m', true],
      ['\u001b]0;title', false],
      ['\u001b]0;title\u001b', false],
      ['\u001b]0;title\u001b\\', true],
      ['\u001b]8;;https://x\u0007', true],
      ['\u001bP+q544e', false],
      ['\u001bP+q\u0007still inside', false],
      ['\u001bP+q\u001b\\', true],
      ['\u001b(', false],
      ['\u001b(B', true],
      ['\u001b7', true],
      ['\u001b[12\u0018', true],
      ['─', true],
    ];
    for (const [text, expected] of cases) {
      const boundary = new EscapeBoundary();
      boundary.push(Buffer.from(text));
      expect(boundary.atBoundary, JSON.stringify(text)).toBe(expected);
    }
    const boundary = new EscapeBoundary();
    const box = Buffer.from('│─');
    boundary.push(box.subarray(0, 1));
    expect(boundary.atBoundary).toBe(false);
    boundary.push(box.subarray(1, 3));
    expect(boundary.atBoundary).toBe(true);
    boundary.push(box.subarray(3, 5));
    expect(boundary.atBoundary).toBe(false);
    boundary.push(box.subarray(5));
    expect(boundary.atBoundary).toBe(true);
  });

  it('carries a long OSC string across many chunks', () => {
    const boundary = new EscapeBoundary();
    boundary.push(Buffer.from('text \u001b]52;c;'));
    for (let i = 0; i < 100; i++) {
      boundary.push(Buffer.from('QUJD'.repeat(1000)));
      expect(boundary.atBoundary).toBe(false);
    }
    boundary.push(Buffer.from('QUJD\u0007more text'));
    expect(boundary.atBoundary).toBe(true);
  });
});
