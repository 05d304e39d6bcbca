// ScreenDetector.pushBytes (what the session feeds: raw chunks, decoded only near a candidate)
// against push() on the decoded stream: the same matches, in the same order, however the
// stream is cut, including after long stretches that were skipped undecoded.
import fs from 'node:fs';
import path from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ScreenDetector, type BlockMatch } from '../../../src/detect/screen.js';
import { BUSY, PROMPT_BOX, render } from './render.js';
import { WORDINGS } from './wordings.js';

const SCREENS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/real/screens');
const captures = fs.existsSync(SCREENS) ? fs.readdirSync(SCREENS).filter((name) => name.endsWith('.bin')).sort() : [];

type Answer = Pick<BlockMatch, 'variant' | 'repaint'>;
const answers = (matches: BlockMatch[]): Answer[] => matches.map(({ variant, repaint }) => ({ variant, repaint }));

/** The chunks of `bytes` cut at `cuts` (sorted byte offsets). */
function cut(bytes: Buffer, cuts: number[]): Buffer[] {
  const chunks: Buffer[] = [];
  let from = 0;
  for (const at of [...cuts, bytes.length]) {
    chunks.push(bytes.subarray(from, at));
    from = at;
  }
  return chunks;
}

function viaBytes(chunks: Buffer[], rebaseBefore = -1): Answer[] {
  const detector = new ScreenDetector();
  return answers(chunks.flatMap((chunk, i) => (i === rebaseBefore && detector.rebase(), detector.pushBytes(chunk))));
}

function viaText(chunks: Buffer[], rebaseBefore = -1): Answer[] {
  const detector = new ScreenDetector();
  const decoder = new StringDecoder('utf8');
  const matches = chunks.flatMap((chunk, i) => (i === rebaseBefore && detector.rebase(), detector.push(decoder.write(chunk))));
  return answers([...matches, ...detector.push(decoder.end())]);
}

/** mulberry32: deterministic cut points. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomCuts(length: number, seed: number, maxChunk: number): number[] {
  const next = random(seed);
  const cuts: number[] = [];
  for (let at = 1 + Math.floor(next() * maxChunk); at < length; at += 1 + Math.floor(next() * maxChunk)) cuts.push(at);
  return cuts;
}

/** Output with no anchor start and no marker (no `E` at all), box drawing and other multi-byte characters included. */
function filler(bytes: number, seed: number): string {
  const next = random(seed);
  const words = ['the', 'context', 'tokens', '╭──────╮', '│', 'résumé', '✻ thinking', '⏵⏵ accept', '🙂', 'résultat', 'done'];
  let out = '';
  while (Buffer.byteLength(out) < bytes) out += `\u001b[38;5;${Math.floor(next() * 256)}m${words[Math.floor(next() * words.length)]}\u001b[39m `;
  return out;
}

describe('ScreenDetector.pushBytes: the answers push() gives on the decoded stream', () => {
  const streams: Array<{ name: string; bytes: Buffer }> = [];
  for (const name of captures) streams.push({ name, bytes: fs.readFileSync(path.join(SCREENS, name)) });
  // Gates and repaints after long undecoded stretches, every wording.
  for (const [i, wording] of WORDINGS.entries()) {
    const gate = render(wording.text, 60 + 7 * i, i % 2 ? 'classic' : 'alt-screen', i % 2 ? '⎿' : '●');
    streams.push({
      name: `filler, ${wording.name}, filler, the same again, a new turn, again`,
      bytes: Buffer.from(filler(9000, i) + BUSY + filler(5000, i + 50) + gate + PROMPT_BOX + filler(7000, i + 100) + gate + BUSY + filler(3000, i + 7) + gate),
    });
  }

  for (const { name, bytes } of streams) {
    it(`${name}: the same matches cut every way`, () => {
      const reference = viaText([bytes]);
      expect(viaBytes([bytes])).toEqual(reference);
      const chunkings: Array<[string, number[]]> = [
        ['4 KiB chunks', Array.from({ length: Math.floor((bytes.length - 1) / 4096) }, (_, k) => (k + 1) * 4096)],
        ['1 KiB chunks', Array.from({ length: Math.floor((bytes.length - 1) / 1024) }, (_, k) => (k + 1) * 1024)],
      ];
      for (let seed = 1; seed <= 12; seed++) chunkings.push([`random chunks ≤ ${seed * 97} B, seed ${seed}`, randomCuts(bytes.length, seed, seed * 97)]);
      for (const max of [3, 7, 23]) chunkings.push([`random chunks ≤ ${max} B`, randomCuts(bytes.length, max, max)]);
      for (const [how, cuts] of chunkings) {
        const chunks = cut(bytes, cuts);
        expect(viaBytes(chunks), how).toEqual(viaText(chunks));
      }
    });
  }

  it('a single cut anywhere near an anchor or a marker, and every 31st byte elsewhere, gives the same matches', () => {
    for (const { name, bytes } of streams.filter((s) => s.name.startsWith('filler')).slice(0, 3)) {
      const reference = viaText([bytes]);
      const near = new Set<number>();
      for (const word of ['Error:', 'interr', 'errupt']) {
        for (let at = bytes.indexOf(word); at !== -1; at = bytes.indexOf(word, at + 1)) for (let d = -40; d <= 40; d++) near.add(at + d);
      }
      for (let at = 1; at < bytes.length; at++) {
        if (at % 31 !== 0 && !near.has(at)) continue;
        const got = viaBytes(cut(bytes, [at]));
        if (JSON.stringify(got) !== JSON.stringify(reference)) expect.fail(`${name}, cut at ${at}: ${JSON.stringify(got)} ≠ ${JSON.stringify(reference)}`);
      }
    }
  });

  it('a gate and its resume capture with rebase() between: the same matches in 4 KiB chunks', () => {
    for (const name of captures.filter((file) => file.endsWith('-resume.bin'))) {
      const gate = name.replace('-resume.bin', '-gate.bin');
      if (!captures.includes(gate)) continue;
      const first = fs.readFileSync(path.join(SCREENS, gate));
      const second = fs.readFileSync(path.join(SCREENS, name));
      const chunks = [...cut(first, randomCuts(first.length, 3, 4096)), ...cut(second, randomCuts(second.length, 4, 4096))];
      const rebaseAt = cut(first, randomCuts(first.length, 3, 4096)).length;
      expect(viaBytes(chunks, rebaseAt), name).toEqual(viaText(chunks, rebaseAt));
    }
  });
});

describe('ScreenDetector.pushBytes: across skipped chunks', () => {
  const gateText = WORDINGS[4]!.text;

  it('finds the lead-in in a skipped chunk when the anchor starts the next one', () => {
    const stream = Buffer.from(`${BUSY}${filler(6000, 1)}\u001b[38;5;220m●\u001b[3GAPI ${gateText.slice('API '.length)}`);
    const at = stream.indexOf('Error:');
    expect(answers(viaBytesRaw(cut(stream, [BUSY.length, at])))).toEqual([{ variant: 'usage-credits-1m', repaint: false }]);
  });

  it('finds an anchor whose `E` ends a skipped chunk', () => {
    const stream = Buffer.from(`${BUSY}${filler(6000, 2)}\u001b[38;5;220m●\u001b[3G${gateText}`);
    const at = stream.indexOf('Error:') + 1;
    expect(answers(viaBytesRaw(cut(stream, [BUSY.length, at])))).toEqual([{ variant: 'usage-credits-1m', repaint: false }]);
  });

  it('sees a turn marker split between two chunks, so the next error is new, not a repaint', () => {
    const gate = render(gateText, 80, 'alt-screen');
    const marker = '\u001b[2m(esc to interrupt)\u001b[22m';
    const stream = Buffer.from(`${BUSY}${gate}${filler(5000, 3)}${marker}${filler(5000, 4)}${gate}`);
    const markerAt = stream.indexOf('interrupt', BUSY.length + gate.length) + 4; // `inte` | `rrupt`
    const matches = viaBytesRaw(cut(stream, [BUSY.length + gate.length + 10, markerAt, markerAt + 2000]));
    expect(answers(matches)).toEqual([
      { variant: 'usage-credits-1m', repaint: false },
      { variant: 'usage-credits-1m', repaint: false },
    ]);
  });

  it('without a turn marker between them, the second drawing is a repaint', () => {
    const gate = render(gateText, 80, 'alt-screen');
    const stream = Buffer.from(`${BUSY}${gate}${filler(9000, 5)}${gate}`);
    expect(answers(viaBytesRaw(cut(stream, randomCuts(stream.length, 9, 4096))))).toEqual([
      { variant: 'usage-credits-1m', repaint: false },
      { variant: 'usage-credits-1m', repaint: true },
    ]);
  });
});

function viaBytesRaw(chunks: Buffer[]): BlockMatch[] {
  const detector = new ScreenDetector();
  return chunks.flatMap((chunk) => detector.pushBytes(chunk));
}
