import { describe, expect, it } from 'vitest';
import { TURN_MARKERS } from '../../../src/detect/patterns.js';
import { containsMarker, ScreenDetector, type BlockMatch } from '../../../src/detect/screen.js';
import { BUSY, PROMPT_BOX, render, type Rendering } from './render.js';
import { WORDINGS } from './wordings.js';

const RENDERINGS: Array<{ rendering: Rendering; glyph: string }> = [
  { rendering: 'alt-screen', glyph: '●' },
  { rendering: 'classic', glyph: '⎿' },
];

function feed(detector: ScreenDetector, ...chunks: string[]): BlockMatch[] {
  return chunks.flatMap((chunk) => detector.push(chunk));
}

describe('ScreenDetector: every wording, every width, every split', () => {
  for (const wording of WORDINGS) {
    for (const { rendering, glyph } of RENDERINGS) {
      it(`${wording.name}, ${rendering}: one match at every width 40..200, whole and split at every offset`, () => {
        for (let width = 40; width <= 200; width++) {
          const stream = BUSY + render(wording.text, width, rendering, glyph) + PROMPT_BOX;
          const whole = feed(new ScreenDetector(), stream);
          expect(whole, `width ${width}`).toEqual([expect.objectContaining({ variant: wording.variant, repaint: false })]);
          for (let at = 0; at <= stream.length; at++) {
            const split = feed(new ScreenDetector(), stream.slice(0, at), stream.slice(at));
            if (split.length !== 1 || split[0]?.variant !== wording.variant || split[0].repaint) {
              expect.fail(`width ${width}, split at ${at}: ${JSON.stringify(split)}`);
            }
          }
        }
        // Tens of thousands of detector runs: seconds of CPU, more on a loaded 2-core machine.
      }, 60_000);
    }
  }

  it('finds the match when the stream comes one character at a time', () => {
    const stream = BUSY + render(WORDINGS[6]!.text, 40, 'alt-screen') + PROMPT_BOX;
    const detector = new ScreenDetector();
    const matches = [...stream].flatMap((char) => detector.push(char));
    expect(matches).toEqual([expect.objectContaining({ variant: 'usage-credits-1m', repaint: false })]);
  });

  it('reports as soon as the core is drawn, before the rest of the line arrives', () => {
    const stream = BUSY + render(WORDINGS[4]!.text, 80, 'alt-screen');
    const cut = stream.indexOf('context') + 'context'.length;
    const detector = new ScreenDetector();
    expect(detector.push(stream.slice(0, cut))).toHaveLength(1);
    expect(detector.push(stream.slice(cut))).toEqual([]);
  });

  it('reads the exact bytes of the facts file (2.1.330, alternate screen)', () => {
    const bytes = Buffer.concat([
      Buffer.from('\u001b[2m(esc to interrupt)\u001b[22m\u001b[38;5;220m\u25cf\u001b[3GAPI Error: Usage credits required for 1M context '),
      Buffer.from([0xc2, 0xb7]),
      Buffer.from('\r\u001b[2C\u001b[1Brun /usage-credits to turn them on'),
    ]).toString('utf8');
    expect(new ScreenDetector().push(bytes)).toEqual([expect.objectContaining({ variant: 'usage-credits-1m' })]);
  });
});

describe('ScreenDetector: cells the renderer skipped', () => {
  /** Replaces the letters at the given indexes of the drawn text by a one-cell cursor move, as a differential renderer does for unchanged cells. */
  function skipCells(text: string, indexes: number[]): string {
    return [...text].map((char, index) => (indexes.includes(index) ? '\u001b[1C' : char)).join('');
  }
  const text = WORDINGS[4]!.text;

  it('a few letters of the core skipped (unchanged cells) still match', () => {
    const core = text.indexOf('Usage');
    for (let k = 0; k < 30; k++) {
      const damaged = skipCells(text, [core + (k % 9), core + 12 + ((k * 7) % 20), core + 34]);
      const stream = BUSY + render(damaged, 100, 'alt-screen');
      expect(feed(new ScreenDetector(), stream), damaged).toEqual([expect.objectContaining({ variant: 'usage-credits-1m' })]);
    }
  });

  it('words joined by one-cell moves, as the classic renderer does, match', () => {
    const joined = text.replace(/ /g, '\u001b[1C');
    expect(feed(new ScreenDetector(), `${BUSY}\r\n\u001b[2C\u001b[38;5;211m⎿\u001b[1C\u001b[1C${joined}\r\n`)).toHaveLength(1);
  });

  it('a core that is mostly skipped cells is not evidence', () => {
    const core = text.indexOf('Usage');
    const indexes = Array.from({ length: 40 }, (_, i) => core + i).filter((i) => i % 3 !== 0);
    expect(feed(new ScreenDetector(), BUSY + render(skipCells(text, indexes), 100, 'alt-screen'))).toEqual([]);
  });
});

describe('ScreenDetector: one event per occurrence', () => {
  const error = render(WORDINGS[4]!.text, 80, 'alt-screen');

  it('a redraw of the same error without a request in between is a repaint', () => {
    const detector = new ScreenDetector();
    expect(feed(detector, BUSY, error, PROMPT_BOX)).toEqual([expect.objectContaining({ repaint: false })]);
    // A resize redraws the conversation, error included.
    expect(feed(detector, '\u001b[2J\u001b[H', error, PROMPT_BOX)).toEqual([expect.objectContaining({ repaint: true })]);
    expect(feed(detector, '\u001b[2J\u001b[H', error, PROMPT_BOX)).toEqual([expect.objectContaining({ repaint: true })]);
  });

  it('a new request followed by the error again is a new occurrence', () => {
    const detector = new ScreenDetector();
    feed(detector, BUSY, error, PROMPT_BOX);
    expect(feed(detector, '❯ continue\r\n', BUSY, error, PROMPT_BOX)).toEqual([expect.objectContaining({ repaint: false })]);
  });

  it('an error drawn before any request (a --resume replaying the old conversation) is a repaint', () => {
    const detector = new ScreenDetector();
    const replay = `❯ fix the tests\r\n● Done.\r\n${error}${PROMPT_BOX}`;
    expect(feed(detector, replay)).toEqual([expect.objectContaining({ repaint: true })]);
    expect(feed(detector, BUSY, error)).toEqual([expect.objectContaining({ repaint: false })]);
  });

  it('rebase() makes the redraw after a resume a repaint, and the next real error new', () => {
    const detector = new ScreenDetector();
    feed(detector, BUSY, error, PROMPT_BOX);
    feed(detector, BUSY); // the marker was seen, then recovery restarted claude
    detector.rebase();
    expect(feed(detector, '\u001b[?1049h', error, PROMPT_BOX)).toEqual([expect.objectContaining({ repaint: true })]);
    expect(feed(detector, BUSY, error)).toEqual([expect.objectContaining({ repaint: false })]);
  });

  it('the marker counts only when drawn before the error, in the same chunk too', () => {
    const detector = new ScreenDetector();
    const [first, second] = detector.push(error + PROMPT_BOX + BUSY + error);
    expect(first?.repaint).toBe(true);
    expect(second?.repaint).toBe(false);
  });

  it('a marker split across chunks still counts', () => {
    const detector = new ScreenDetector();
    const at = BUSY.indexOf('interrupt');
    detector.push(BUSY.slice(0, at));
    detector.push(BUSY.slice(at));
    expect(detector.push(error)).toEqual([expect.objectContaining({ repaint: false })]);
  });

  it('print mode: every match is new and a line-start API Error counts', () => {
    const detector = new ScreenDetector([], { print: true });
    const line = `${WORDINGS[7]!.text}\n`;
    expect(feed(detector, line)).toEqual([expect.objectContaining({ variant: 'usage-credits-1m', repaint: false })]);
    expect(feed(detector, `other output\n${line}`)).toEqual([expect.objectContaining({ repaint: false })]);
  });
});

describe('ScreenDetector: never triggers on the words as content', () => {
  const core = 'API Error: Usage credits required for 1M context · run /model to switch to standard context';
  const corpus: Array<[string, string]> = [
    ['pasted into the input box', `${BUSY}${PROMPT_BOX}\u001b[3A\r❯\u00a0${core}`],
    ['echoed as a sent prompt', `${BUSY}\r\n\u001b[48;5;237m❯ ${core}\u001b[49m\r\n`],
    ['a prompt whose wrapped line starts with the words', `${BUSY}❯ I keep getting this:\r\u001b[2C\u001b[1B${core}\r\n`],
    ['a Read tool showing a file', `${BUSY}● Read(notes.md)\r\n  ⎿  Read 3 lines\r\n     1\u2192# Errors\r\n     2\u2192${core}\r\n`],
    ['quoted by the model mid-sentence', `${BUSY}● The message "${core}" means the account needs credits.\r\n`],
    ['quoted by the model in a code block', `${BUSY}● Here is the log:\r\n\r\n  \u001b[38;5;246m${core}\u001b[39m\r\n`],
    ['a subagent result line', `${BUSY}  ⎿  Agent result: ${core}\r\n`],
    ['half a message', `${BUSY}\u001b[38;5;220m●\u001b[3GAPI Error: Usage credits required for 1M\u001b[39m\r\n${PROMPT_BOX}${'x'.repeat(5000)}`],
    ['the core without the API Error rendering', `${BUSY}● Usage credits required for 1M context · run /model to switch to standard context\r\n`],
    ['another API error', `${BUSY}● API Error: 529 {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}\r\n${PROMPT_BOX}`],
    ['a TypeError in tool output', `${BUSY}  ⎿  TypeError: required for long context handling\r\n`],
  ];

  for (const [name, stream] of corpus) {
    it(name, () => {
      expect(feed(new ScreenDetector(), stream)).toEqual([]);
      for (let at = 0; at <= stream.length; at += 3) {
        const split = feed(new ScreenDetector(), stream.slice(0, at), stream.slice(at));
        if (split.length !== 0) expect.fail(`split at ${at}: ${JSON.stringify(split)}`);
      }
    });
  }
});

describe('ScreenDetector: patterns from the config', () => {
  it('an extra pattern matches a wording the release does not know, as custom-1', () => {
    const stream = BUSY + render('API Error: Long-context tokens need a paid plan · see /plan', 60, 'alt-screen');
    expect(feed(new ScreenDetector(), stream)).toEqual([]);
    expect(feed(new ScreenDetector(['long-context tokens need a paid plan']), stream)).toEqual([expect.objectContaining({ variant: 'custom-1' })]);
  });

  it('an invalid extra pattern is skipped and named', () => {
    const detector = new ScreenDetector(['(unclosed']);
    expect(detector.invalidPatterns).toEqual(['(unclosed']);
    expect(feed(detector, BUSY + render(WORDINGS[4]!.text, 80, 'alt-screen'))).toHaveLength(1);
  });
});

describe('ScreenDetector: bounded memory', () => {
  it('keeps a bounded tail however much output passes, with and without candidates', () => {
    const detector = new ScreenDetector();
    const noisy = `\u001b[31mTypeError: x\u001b[0m ${'y'.repeat(3000)}\r\n`;
    for (let i = 0; i < 2000; i++) detector.push(i % 2 === 0 ? noisy : 'z'.repeat(70_000));
    const tail = (detector as unknown as { tail: string }).tail;
    expect(tail.length).toBeLessThanOrEqual(512 + 4096 + 70_000);
    detector.push(BUSY);
    expect(detector.push(render(WORDINGS[4]!.text, 80, 'alt-screen'))).toHaveLength(1);
  });
});

describe('containsMarker', () => {
  it('answers as one indexOf per turn marker does, on strings built from the markers’ letters', () => {
    let x = 11;
    const next = (): number => (x = (Math.imul(x, 1103515245) + 12345) >>> 0) / 2 ** 32;
    const letters = `${TURN_MARKERS.join('')} rx`;
    const naive = (text: string): boolean => TURN_MARKERS.some((marker) => text.includes(marker));
    let found = 0;
    for (let run = 0; run < 100_000; run++) {
      let text = '';
      for (let n = Math.floor(next() * 24); n > 0; n--) text += letters[Math.floor(next() * letters.length)];
      if (next() < 0.05) text += TURN_MARKERS[Math.floor(next() * TURN_MARKERS.length)];
      expect(containsMarker(text), JSON.stringify(text)).toBe(naive(text));
      if (naive(text)) found++;
    }
    expect(found).toBeGreaterThan(1000);
    for (const marker of TURN_MARKERS) {
      expect(containsMarker(marker)).toBe(true);
      expect(containsMarker(marker.slice(1))).toBe(naive(marker.slice(1)));
      expect(containsMarker(marker.slice(0, -1))).toBe(naive(marker.slice(0, -1)));
    }
  });
});
