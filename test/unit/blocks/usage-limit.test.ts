// The usage limit's entry: every wording the CLI's strings hold, drawn at every width and split
// at every offset as for the gate; the reset time from the record and from the text in every
// form; the real captures of 2.1.332 and 2.1.200.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { autoContinueNote, resetFromRecord, resetFromText, USAGE_LIMIT, usageLimitFacts, usageLimitVariant } from '../../../src/blocks/usage-limit.js';
import { ScreenDetector, type BlockMatch } from '../../../src/detect/screen.js';
import type { TranscriptRecord } from '../../../src/transcript/records.js';
import { REAL, records } from './support.js';
import { BUSY, PROMPT_BOX, render, type Rendering } from '../detect/render.js';


/** Every wording the CLI's strings hold (2.1.332, 2.1.200, 2.1.100), as it draws them, with the variant each must give. */
export const USAGE_WORDINGS: ReadonlyArray<{ name: string; text: string; variant: string }> = [
  { name: '2.1.332 5-hour', text: "You've hit your 5-hour limit · resets 6:40am (UTC)", variant: 'five-hour' },
  { name: '2.1.200 session', text: "You've hit your session limit · resets 9:01am (UTC)", variant: 'session' },
  { name: 'weekly', text: "You've hit your weekly limit · resets Dec 3, 9am (UTC)", variant: 'weekly' },
  { name: 'Opus', text: "You've hit your Opus limit · resets Dec 3, 9:04am (Europe/Berlin)", variant: 'opus' },
  { name: 'Sonnet', text: "You've hit your Sonnet limit · resets Jan 2, 2027, 3:30pm (America/New_York)", variant: 'sonnet' },
  { name: 'monthly spend', text: "You've hit your monthly spend limit · /usage-credits to raise it", variant: 'spend' },
  { name: 'Fable', text: "You've hit your Fable limit · resets 11pm (UTC)", variant: 'other-limit' },
  { name: '2.1.100 out of extra usage', text: "You're out of extra usage · resets 8:51am (UTC)", variant: 'out-of-extra-usage' },
  { name: 'out of usage credits', text: "You're out of usage credits · /usage-credits to buy more", variant: 'out-of-usage-credits' },
];

const RENDERINGS: Rendering[] = ['alt-screen', 'classic'];

function feed(detector: ScreenDetector, ...chunks: string[]): BlockMatch[] {
  return chunks.flatMap((chunk) => detector.push(chunk));
}

describe('usage limit on screen: every wording, every width, every split', () => {
  for (const wording of USAGE_WORDINGS) {
    for (const rendering of RENDERINGS) {
      it(`${wording.name}, ${rendering}: one match at every width 40..200, whole and split at every offset`, () => {
        for (let width = 40; width <= 200; width++) {
          const stream = BUSY + render(wording.text, width, rendering, '⎿') + PROMPT_BOX;
          const whole = feed(new ScreenDetector(), stream);
          expect(whole, `width ${width}`).toEqual([expect.objectContaining({ kind: 'usage-limit', variant: wording.variant, repaint: false })]);
          for (let at = 0; at <= stream.length; at++) {
            const split = feed(new ScreenDetector(), stream.slice(0, at), stream.slice(at));
            if (split.length !== 1 || split[0]?.kind !== 'usage-limit' || split[0].variant !== wording.variant || split[0].repaint) {
              expect.fail(`width ${width}, split at ${at}: ${JSON.stringify(split)}`);
            }
          }
        }
      }, 60_000);
    }
  }

  it('is not the words in a prompt echo, prose or a quote without the response gutter', () => {
    const text = USAGE_WORDINGS[0]?.text as string;
    expect(feed(new ScreenDetector(), BUSY, `❯ ${text}\r\n`)).toEqual([]);
    expect(feed(new ScreenDetector(), BUSY, `● The CLI said: ${text}\r\n`)).toEqual([]);
    expect(feed(new ScreenDetector(), BUSY, `  ${text}\r\n`)).toEqual([]);
  });

  it('a redraw with no request in between is a repaint', () => {
    const drawn = render(USAGE_WORDINGS[0]?.text as string, 80, 'alt-screen', '⎿');
    const matches = feed(new ScreenDetector(), BUSY, drawn, PROMPT_BOX, drawn);
    expect(matches.map((match) => match.repaint)).toEqual([false, true]);
  });
});

describe('the reset time', () => {
  // 2026-12-01 06:39:52 UTC: the refusal.
  const refused = Date.UTC(2026, 11, 1, 6, 39, 52);

  it('a time of day, read to the end of its minute (the CLI drops the seconds)', () => {
    expect(resetFromText("You've hit your 5-hour limit · resets 6:40am (UTC)", refused)).toBe(Date.UTC(2026, 11, 1, 6, 40, 59, 999));
    expect(resetFromText('resets 9am (UTC)', refused)).toBe(Date.UTC(2026, 11, 1, 9, 0, 59, 999));
    expect(resetFromText('resets 12pm (UTC)', refused)).toBe(Date.UTC(2026, 11, 1, 12, 0, 59, 999));
  });

  it('a time of day before the refusal is tomorrow; 12am is midnight', () => {
    expect(resetFromText('resets 2am (UTC)', refused)).toBe(Date.UTC(2026, 11, 2, 2, 0, 59, 999));
    expect(resetFromText('resets 12am (UTC)', refused)).toBe(Date.UTC(2026, 11, 2, 0, 0, 59, 999));
  });

  it('in the time zone the text names', () => {
    // Berlin is UTC+1 in December: 10:01am there is 09:01 UTC.
    expect(resetFromText('resets 10:01am (Europe/Berlin)', refused)).toBe(Date.UTC(2026, 11, 1, 9, 1, 59, 999));
    // New York is UTC-5 in January.
    expect(resetFromText('resets Jan 2, 2027, 3:30pm (America/New_York)', refused)).toBe(Date.UTC(2027, 0, 2, 20, 30, 59, 999));
  });

  it('a date: this year, the next one once it has passed, or the year it names', () => {
    expect(resetFromText('resets Dec 3, 9am (UTC)', refused)).toBe(Date.UTC(2026, 11, 3, 9, 0, 59, 999));
    expect(resetFromText('resets Jan 5, 9:04am (UTC)', refused)).toBe(Date.UTC(2027, 0, 5, 9, 4, 59, 999));
    expect(resetFromText('resets Mar 1, 2028, 1pm (UTC)', refused)).toBe(Date.UTC(2028, 2, 1, 13, 0, 59, 999));
  });

  it('nothing when the text names no reset, or an impossible one', () => {
    expect(resetFromText("You've hit your monthly spend limit · /usage-credits to raise it", refused)).toBeNull();
    expect(resetFromText('resets 9:75am (UTC)', refused)).toBeNull();
    expect(resetFromText('resets Foo 3, 9am (UTC)', refused)).toBeNull();
  });

  it('the record of 2.1.330+ says it to the second', () => {
    const record = { type: 'assistant', isApiErrorMessage: true, apiErrorParams: { rate_limit_info: { resetsAt: 1796107211 } } } as TranscriptRecord;
    expect(resetFromRecord(record)).toBe(1796107211_000);
    expect(resetFromRecord({ quotaLimits: { resetsAt: 1796107212 } } as TranscriptRecord)).toBe(1796107212_000);
    expect(resetFromRecord({} as TranscriptRecord)).toBeNull();
  });
});

describe('real captures (test/fixtures/real, issue 17)', () => {
  const captures = fs.readdirSync(path.join(REAL, 'screens')).filter((name) => name.includes('-usage-'));
  const wordings = USAGE_LIMIT.compile([]).wordings;

  it('has the captures of both versions', () => {
    expect(captures.length).toBeGreaterThanOrEqual(8);
  });

  for (const name of captures) {
    const base = name.slice(0, -'.bin'.length);
    it(`${base}: one new match on screen, confirmed by its record, with the reset`, () => {
      const bytes = fs.readFileSync(path.join(REAL, 'screens', name));
      const matches = new ScreenDetector().pushBytes(bytes);
      expect(matches).toEqual([expect.objectContaining({ kind: 'usage-limit', repaint: false })]);
      for (let at = 1; at < bytes.length; at += 7) {
        const detector = new ScreenDetector();
        const split = [...detector.pushBytes(bytes.subarray(0, at)), ...detector.pushBytes(bytes.subarray(at))];
        if (split.length !== 1 || split[0]?.kind !== 'usage-limit') expect.fail(`split at ${at}: ${JSON.stringify(split)}`);
      }
      const error = records(base).find((record) => record.isApiErrorMessage === true) as TranscriptRecord;
      const mention = USAGE_LIMIT.mention(error, wordings);
      expect(mention).toEqual({ kind: 'main-error', variant: matches[0]?.variant });
      const facts = usageLimitFacts(error, mention?.variant as string);
      if (base.startsWith('2.1.332')) {
        // The record carries it to the second; the text to the minute, and it agrees.
        expect(facts.resetSource).toBe('record');
        const fromText = resetFromText(matches[0]?.body as string, Date.parse(error.timestamp as string)) as number;
        expect(fromText - (facts.resetsAt as number)).toBeGreaterThanOrEqual(0);
        expect(fromText - (facts.resetsAt as number)).toBeLessThan(60_000);
      } else {
        expect(facts.resetSource).toBe('text');
      }
      expect(facts.resetsAt).toBeGreaterThan(Date.parse(error.timestamp as string));
    });
  }

  it('2.1.332 writes whether it continues by itself; 2.1.200 does not', () => {
    const notes = (name: string): Array<string | null> => records(name).map(autoContinueNote).filter((note) => note !== null);
    expect(notes('2.1.332-oauth-sub-80-usage-continued')).toEqual(['armed', 'continuing']);
    // Exited during the wait: its own cancel note.
    expect(notes('2.1.332-oauth-sub-80-usage-five_hour')).toEqual(['armed', 'cancelled']);
    // A weekly limit opens the menu instead.
    expect(notes('2.1.332-oauth-sub-80-usage-seven_day')).toEqual([]);
    expect(notes('2.1.200-oauth-sub-80-usage-five_hour')).toEqual([]);
  });

  it('-p output of both versions: the whole result is the wording', () => {
    for (const version of ['2.1.332', '2.1.200']) {
      const text = fs.readFileSync(path.join(REAL, 'blocks', `${version}-oauth-sub-usage-print-text.out`), 'utf8').trim();
      expect(usageLimitVariant(text)).toBe(version === '2.1.332' ? 'five-hour' : 'session');
    }
  });
});
