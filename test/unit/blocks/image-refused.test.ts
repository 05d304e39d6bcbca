// The refused image's entry: its wordings on screen at every width and split; the real captures
// of a refusal the CLI heals and of one it does not (2.1.332, 2.1.200); which image a refusal
// can mean (never one the API accepted), and whether the same refusal came again.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { IMAGE_REFUSED, imageFacts, imageVariant, pixelLimit, refusalText } from '../../../src/blocks/image-refused.js';
import { greyPng } from '../../../src/demo/png.js';
import { ScreenDetector, type BlockMatch } from '../../../src/detect/screen.js';
import { imageSize } from '../../../src/transcript/image-size.js';
import type { TranscriptRecord } from '../../../src/transcript/records.js';
import { REAL, records } from './support.js';
import { BUSY, PROMPT_BOX, render, type Rendering } from '../detect/render.js';


export const IMAGE_WORDINGS: ReadonlyArray<{ name: string; text: string; variant: string }> = [
  {
    name: 'healed (2.1.200, 2.1.332)',
    text: 'API Error: an image in the conversation could not be processed and was removed. Double press esc to edit your message, or re-read the file if you still need it.',
    variant: 'removed',
  },
  {
    name: 'not healed: the API 400 as it came',
    text: 'API Error: 400 messages.6.content.0.content.0.image.source.base64.data: The image was declined by the media screening service',
    variant: 'api-400',
  },
  {
    name: 'not healed: the raw JSON form',
    text: 'API Error: 400 {"type":"error","error":{"type":"invalid_request_error","message":"messages.1.content.0.image.source.base64: image format not accepted"},"request_id":"req_011"}',
    variant: 'api-400',
  },
];

function feed(detector: ScreenDetector, ...chunks: string[]): BlockMatch[] {
  return chunks.flatMap((chunk) => detector.push(chunk));
}

describe('refused image on screen: every wording, every width, every split', () => {
  for (const wording of IMAGE_WORDINGS) {
    for (const [rendering, glyph] of [['alt-screen', '●'], ['classic', '●']] as Array<[Rendering, string]>) {
      it(`${wording.name}, ${rendering}: one match at every width 40..200, whole and split at every offset`, () => {
        for (let width = 40; width <= 200; width++) {
          const stream = BUSY + render(wording.text, width, rendering, glyph) + PROMPT_BOX;
          expect(feed(new ScreenDetector(), stream), `width ${width}`).toEqual([expect.objectContaining({ kind: 'image-refused', variant: wording.variant, repaint: false })]);
          for (let at = 0; at <= stream.length; at++) {
            const split = feed(new ScreenDetector(), stream.slice(0, at), stream.slice(at));
            if (split.length !== 1 || split[0]?.kind !== 'image-refused' || split[0].variant !== wording.variant) expect.fail(`width ${width}, split at ${at}: ${JSON.stringify(split)}`);
          }
        }
      }, 60_000);
    }
  }

  it('another 400, or the 1M gate, is not a refused image', () => {
    expect(imageVariant('API Error: 400 prompt is too long: 250000 tokens > 200000 maximum')).toBeNull();
    expect(imageVariant('API Error: Usage credits required for 1M context · run /model')).toBeNull();
    const gate = feed(new ScreenDetector(), BUSY, render('API Error: Usage credits required for 1M context · run /model to switch', 80, 'alt-screen'));
    expect(gate).toEqual([expect.objectContaining({ kind: 'credits-1m' })]);
  });
});

describe('real captures (test/fixtures/real, issue 17)', () => {
  const wordings = IMAGE_REFUSED.compile([]).wordings;
  for (const version of ['2.1.332', '2.1.200']) {
    it(`${version} healed: the screen shows it once, its record says removed, the image it meant is the big one`, () => {
      const name = `${version}-oauth-sub-80-image-healed`;
      expect(new ScreenDetector().pushBytes(fs.readFileSync(path.join(REAL, 'screens', `${name}.bin`)))).toEqual([
        expect.objectContaining({ kind: 'image-refused', variant: 'removed', repaint: false }),
      ]);
      const error = records(name).find((record) => record.isApiErrorMessage === true) as TranscriptRecord;
      expect(IMAGE_REFUSED.mention(error, wordings)).toEqual({ kind: 'main-error', variant: 'removed' });
      const facts = imageFacts(path.join(REAL, 'transcripts', `${name}.jsonl`), error, 'removed');
      expect(facts).toMatchObject({ healed: true, again: false });
      expect(facts.refusal).toMatch(/max allowed size: 1000 pixels$/);
      // The small image was answered before: never a candidate. The big one, as the CLI resized and sent it.
      expect(facts.images).toEqual([expect.objectContaining({ mediaType: 'image/png', height: 13 })]);
      expect(Math.max(facts.images[0]?.width ?? 0, facts.images[0]?.height ?? 0)).toBeGreaterThan(1000);
    });

    it(`${version} not healed: two refusals, the second is "again"; only the unanswered image is named`, () => {
      const name = `${version}-oauth-sub-80-image-unhealed`;
      const errors = records(name).filter((record) => record.isApiErrorMessage === true);
      expect(errors).toHaveLength(2);
      expect(errors.map((error) => IMAGE_REFUSED.mention(error, wordings))).toEqual([
        { kind: 'main-error', variant: 'api-400' },
        { kind: 'main-error', variant: 'api-400' },
      ]);
      const file = path.join(REAL, 'transcripts', `${name}.jsonl`);
      const first = imageFacts(file, errors[0] as TranscriptRecord, 'api-400');
      const second = imageFacts(file, errors[1] as TranscriptRecord, 'api-400');
      expect(first).toMatchObject({ healed: false, again: false });
      expect(second).toMatchObject({ healed: false, again: true, refusal: first.refusal });
      expect(second.images).toHaveLength(1);
      expect(second.images[0]?.width).toBeGreaterThan(1000);
      const screen = new ScreenDetector().pushBytes(fs.readFileSync(path.join(REAL, 'screens', `${name}.bin`)));
      expect(screen.filter((match) => !match.repaint).map((match) => [match.kind, match.variant])).toEqual([
        ['image-refused', 'api-400'],
        ['image-refused', 'api-400'],
      ]);
    });
  }
});

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe('which image a refusal can mean', () => {
  const image = (png: Buffer): Record<string, unknown> => ({ type: 'image', source: { type: 'base64', media_type: 'image/png', data: png.toString('base64') } });
  const line = (record: Record<string, unknown>): string => JSON.stringify({ sessionId: 's', timestamp: '2026-12-01T07:00:00.000Z', ...record });
  const write = (lines: string[]): string => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cr-image-'));
    dirs.push(dir);
    const file = path.join(dir, 's.jsonl');
    fs.writeFileSync(file, `${lines.join('\n')}\n`);
    return file;
  };
  const error = (uuid: string, message: string): Record<string, unknown> => ({
    type: 'assistant',
    uuid,
    isApiErrorMessage: true,
    apiErrorStatus: 400,
    error: 'unknown',
    message: { model: '<synthetic>', content: [{ type: 'text', text: `API Error: 400 ${message}` }] },
  });
  const reply = (uuid: string): Record<string, unknown> => ({ type: 'assistant', uuid, message: { model: 'claude-sonnet-4-6', content: [{ type: 'text', text: 'ok' }] } });

  it('images the API answered are never named; a pixel limit narrows to the images over it', () => {
    const file = write([
      line({ type: 'user', uuid: 'u1', message: { content: [{ type: 'text', text: 'look' }, image(greyPng(9000, 4))] } }),
      line(reply('a1')),
      line({ type: 'user', uuid: 'u2', message: { content: [image(greyPng(20, 20)), { type: 'tool_result', content: [image(greyPng(8200, 3))] }] } }),
      line(error('e1', 'messages.2.content.1.image.source.base64.data: At least one of the image dimensions exceed max allowed size: 8000 pixels')),
    ]);
    const facts = imageFacts(file, { uuid: 'e1', ...error('e1', 'messages.2.content.1.image.source.base64.data: At least one of the image dimensions exceed max allowed size: 8000 pixels') } as TranscriptRecord, 'api-400');
    // The 9000-pixel one was in a request the API answered: it is not the one.
    expect(facts.images).toEqual([{ uuid: 'u2', index: 1, mediaType: 'image/png', base64Chars: expect.any(Number), width: 8200, height: 3 }]);
  });

  it('without a pixel limit every unanswered image is named, in order', () => {
    const file = write([
      line(reply('a1')),
      line({ type: 'user', uuid: 'u2', message: { content: [image(greyPng(20, 20)), image(greyPng(30, 30))] } }),
      line(error('e1', 'messages.1.content.0.image.source.base64.data: The image was declined')),
      line({ type: 'user', uuid: 'u3', message: { content: 'again please' } }),
      line(error('e2', 'messages.1.content.0.image.source.base64.data: The image was declined')),
    ]);
    const facts = imageFacts(file, { uuid: 'e2', ...error('e2', 'x') } as TranscriptRecord, 'api-400');
    expect(facts.images.map((each) => [each.uuid, each.index, each.width])).toEqual([
      ['u2', 0, 20],
      ['u2', 1, 30],
    ]);
  });

  it('the refusal is the API message, request ids left out; its pixel limit is read', () => {
    const record = { errorDetails: '400 {"type":"error","error":{"type":"invalid_request_error","message":"messages.6.content.0.image.source.base64.data: At least one of the image dimensions exceed max allowed size for many-image requests: 2000 pixels"},"request_id":"req_1"}' } as TranscriptRecord;
    expect(refusalText(record)).toBe('messages.6.content.0.image.source.base64.data: At least one of the image dimensions exceed max allowed size for many-image requests: 2000 pixels');
    expect(pixelLimit(refusalText(record))).toBe(2000);
    expect(pixelLimit('The image was declined')).toBeNull();
  });

  it('reads the size of PNG, GIF, JPEG and WebP headers', () => {
    expect(imageSize(greyPng(123, 45).toString('base64'))).toEqual({ width: 123, height: 45 });
    const gif = Buffer.from('GIF89a\x10\x00\x20\x00', 'latin1');
    expect(imageSize(gif.toString('base64'))).toEqual({ width: 16, height: 32 });
    const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x04, 0x00, 0x00, 0xff, 0xc0, 0x00, 0x11, 0x08, 0x01, 0x2c, 0x02, 0x58, 0x03, 0, 0, 0, 0]);
    expect(imageSize(jpeg.toString('base64'))).toEqual({ width: 600, height: 300 });
    const webp = Buffer.alloc(30);
    webp.write('RIFF', 0, 'latin1');
    webp.write('WEBPVP8X', 8, 'latin1');
    webp.writeUIntLE(999, 24, 3);
    webp.writeUIntLE(499, 27, 3);
    expect(imageSize(webp.toString('base64'))).toEqual({ width: 1000, height: 500 });
    expect(imageSize(Buffer.from('not an image').toString('base64'))).toBeNull();
  });
});
