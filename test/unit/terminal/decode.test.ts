import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { describe, expect, it } from 'vitest';
import { endsInsideCharacter, Utf8Stream } from '../../../src/terminal/decode.js';

const SCREENS = path.join(__dirname, '..', '..', 'fixtures', 'real', 'screens');

/** Deterministic pseudo-random numbers in [0, 1). */
function random(seed: number): () => number {
  let x = seed >>> 0;
  return () => (x = (Math.imul(x, 1103515245) + 12345) >>> 0) / 2 ** 32;
}

/** Decodes `bytes` cut at `cuts` with both decoders; returns each chunk's text from each. */
function both(bytes: Buffer, cuts: number[]): { ours: string[]; node: string[] } {
  const stream = new Utf8Stream();
  const decoder = new StringDecoder('utf8');
  const ours: string[] = [];
  const node: string[] = [];
  let at = 0;
  for (const cut of [...cuts, bytes.length]) {
    const chunk = bytes.subarray(at, cut);
    ours.push(stream.write(chunk));
    node.push(decoder.write(chunk));
    at = cut;
  }
  ours.push(stream.end());
  node.push(decoder.end());
  return { ours, node };
}

describe('Utf8Stream', () => {
  it('gives the same text as StringDecoder, chunk for chunk, on every real capture cut at random sizes', () => {
    const next = random(1);
    for (const name of readdirSync(SCREENS).filter((n) => n.endsWith('.bin'))) {
      const bytes = readFileSync(path.join(SCREENS, name));
      for (const max of [1, 3, 7, 64, 4096]) {
        const cuts: number[] = [];
        for (let at = 1 + Math.floor(next() * max); at < bytes.length; at += 1 + Math.floor(next() * max)) cuts.push(at);
        const { ours, node } = both(bytes, cuts);
        expect(ours, `${name}, chunks up to ${max} bytes`).toEqual(node);
      }
    }
  });

  it('splits every 1- to 4-byte character at every position, with ASCII chunks before and after', () => {
    const text = 'ab·●⎿❯\u00a0─😀é\ufeffz';
    const bytes = Buffer.from(text, 'utf8');
    for (let a = 0; a <= bytes.length; a++) {
      for (let b = a; b <= bytes.length; b++) {
        const { ours, node } = both(bytes, [a, b]);
        expect(ours).toEqual(node);
        expect(ours.join('')).toBe(text);
      }
    }
  });

  it('keeps a BOM and replaces invalid bytes as StringDecoder does (a replacement may come a chunk earlier)', () => {
    const next = random(7);
    const pieces = [0xc2, 0xe2, 0xf0, 0xf4, 0xed, 0xe0, 0x80, 0x9f, 0xbf, 0xa0, 0xc0, 0xff, 0x41, 0x0a];
    for (let run = 0; run < 3000; run++) {
      const length = 1 + Math.floor(next() * 24);
      const bytes = Buffer.from(Array.from({ length }, () => (next() < 0.3 ? Math.floor(next() * 256) : (pieces[Math.floor(next() * pieces.length)] as number))));
      const cuts = [Math.floor(next() * (length + 1)), Math.floor(next() * (length + 1))].sort((x, y) => x - y);
      const { ours, node } = both(bytes, cuts);
      // StringDecoder holds `f4 a0` as the start of a character; ICU replaces it at once.
      expect(ours.join(''), bytes.toString('hex')).toBe(node.join(''));
    }
    expect(new Utf8Stream().write(Buffer.from('\ufeffhi', 'utf8'))).toBe('\ufeffhi');
  });

  it('says the stream may end inside a character only when it can', () => {
    const at = (hex: string, held = false): boolean => endsInsideCharacter(Buffer.from(hex, 'hex'), held);
    expect(at('41')).toBe(false);
    expect(at('c2')).toBe(true);
    expect(at('c2b7')).toBe(false);
    expect(at('e29c')).toBe(true);
    expect(at('e29c93')).toBe(false);
    expect(at('f09f98')).toBe(true);
    expect(at('f09f9880')).toBe(false);
    expect(at('9f')).toBe(false);
    expect(at('9f', true)).toBe(true);
    expect(at('41808080')).toBe(false);
  });
});
