// Refused images on the real CLI 2.1.332 with the mock API. The model reads a picture with its
// Read tool; the API refuses pictures over 1000 pixels. A refusal the CLI heals (the dimension
// error) is only logged: the claude process and the conversation are left alone and the
// prompt is answered once. One it does not heal (a wording it does not know) comes back for
// the next prompt; claude-recover then removes that picture (after a backup), resumes the
// session with the prompt in the box, and the answer after Enter comes without it; the picture
// the API had accepted stays.
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { pngSize, type ToolCall } from '../../src/demo/mock-api.js';
import { greyPng } from '../../src/demo/png.js';
import type { DetectedEntry, StepEntry } from '../../src/log/types.js';
import { stateDir } from '../../src/paths.js';
import { imageBlocks } from '../../src/transcript/records.js';
import { transcriptPath } from '../support/claude-home.js';
import { STANDARD_MODEL, startSession, until, type E2eSession } from '../support/e2e.js';
import { processesIn } from '../support/e2e-headless.js';
import { Screen } from '../support/screen.js';

const COLS = 80;
const ROWS = 30;
let session: E2eSession | null = null;
afterEach(async () => {
  await session?.close();
  session = null;
});

/** A session whose model reads `look at <file>` with the Read tool, with a small and a big picture in its folder. */
async function withPictures(wording: 'dimensions' | 'unrecognised'): Promise<E2eSession> {
  let cwd = '';
  const toolUse = (context: { lastUserText: string }): ToolCall | null => {
    const match = /look at (\S+)/.exec(context.lastUserText);
    return match ? { name: 'Read', input: { file_path: path.join(cwd, match[1] as string) } } : null;
  };
  const s = await startSession({ cols: COLS, rows: ROWS, model: STANDARD_MODEL, mock: { imageRefusal: { wording, maxPixels: 1000 }, toolUse, recordBodies: true } });
  cwd = s.home.cwd;
  writeFileSync(path.join(cwd, 'small.png'), greyPng(300, 20));
  writeFileSync(path.join(cwd, 'big.png'), greyPng(3000, 20));
  return s;
}

async function shown(s: E2eSession): Promise<string> {
  const screen = new Screen(COLS, ROWS);
  await screen.write(s.pty.raw());
  const text = screen.rows().join(' ').replace(/\s+/g, ' ');
  screen.dispose();
  return text;
}

/** The pixel widths of the images a request carried. */
function sentPictures(body: unknown): number[] {
  const found: number[] = [];
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (value !== null && typeof value === 'object') {
      const block = value as Record<string, unknown>;
      if (block.type === 'image') {
        const size = pngSize(block);
        if (size) found.push(size.width);
      } else Object.values(block).forEach(walk);
    }
  };
  walk((body as { messages?: unknown } | undefined)?.messages);
  return found;
}

/** The image blocks of the conversation in the transcript (its user records), by their pixel width (read from the PNG header). */
function pictures(s: E2eSession): number[] {
  return s
    .transcript()
    .filter((record) => record.type === 'user')
    .flatMap((record) => imageBlocks(record))
    .map(({ block }) => Buffer.from(String(block.source?.data ?? '').slice(0, 44), 'base64').readUInt32BE(16));
}

describe('a refused image on claude 2.1.332', () => {
  it('that the CLI heals: logged with the image and its size; claude and the conversation untouched; the prompt answered once', async () => {
    session = await withPictures('dimensions');
    const s = session;
    await s.typePrompt('look at small.png');
    await s.waitForAnswer('look at small.png').catch(() => undefined);
    await until(() => (s.requests('chat').filter((r) => r.status === 200).length >= 2 ? true : undefined), 'the small picture answered');
    const pids = processesIn(s.home.cwd);
    const file = transcriptPath(s.home, s.sessionId() as string) as string;
    const inode = statSync(file).ino;
    await s.typePrompt('look at big.png');
    await s.waitFor(/could not be processed and was removed/);
    const entry = await until(() => s.events().find((e): e is DetectedEntry => e.type === 'detected'), 'the detected entry');
    expect(entry).toMatchObject({ kind: 'image-refused', variant: 'removed', image: { healed: true, again: false } });
    expect(entry.image?.images).toEqual([expect.objectContaining({ mediaType: 'image/png', height: 13, base64Chars: expect.any(Number) })]);
    expect(entry.image?.images[0]?.width).toBeGreaterThan(1000);
    await until(() => s.events().find((e) => e.type === 'stood-aside'), 'the stood-aside entry');
    // The prompt was answered once, by the CLI's own retry without the picture.
    await until(() => (s.requests('chat').filter((r) => r.status === 200 && r.lastUserText.startsWith('[Image')).length === 1 ? true : undefined), 'the answer');
    const answers = s.transcript().filter((r) => r.type === 'assistant' && r.isApiErrorMessage !== true && JSON.stringify(r.message?.content).includes('Mock answer'));
    expect(answers).toHaveLength(2);
    // Nothing stopped, nothing restarted, nothing rewritten: the same claude, the same transcript file (only
    // appended to by the CLI), both pictures still in it.
    expect(s.events().filter((e) => e.type === 'step' || e.type === 'recovered' || e.type === 'gave-up')).toEqual([]);
    expect(processesIn(s.home.cwd)).toEqual(pids);
    expect(statSync(file).ino).toBe(inode);
    expect(pictures(s).filter((width) => width > 1000).length).toBeGreaterThan(0);
    expect(pictures(s)).toContain(300);
    expect(await shown(s)).not.toContain('claude-recover');
  });

  it('that the CLI does not heal: removed after the same refusal came again, resumed with the prompt in the box, answered after Enter without it', async () => {
    session = await withPictures('unrecognised');
    const s = session;
    await s.typePrompt('look at small.png');
    await until(() => (s.requests('chat').filter((r) => r.status === 200).length >= 2 ? true : undefined), 'the small picture answered');
    await s.typePrompt('look at big.png');
    await s.waitFor(/API Error: 400/);
    // The first refusal: left to the CLI.
    await until(() => s.events().find((e) => e.type === 'stood-aside'), 'the stood-aside entry', 20_000);
    expect(s.events().filter((e) => e.type === 'step')).toEqual([]);

    // The same refusal for the next prompt: not healed.
    await s.typePrompt('what did you see');
    const message = 'claude-recover removed the image the API kept refusing';
    await expect.poll(() => shown(s), { timeout: 60_000, interval: 250 }).toContain(message);
    await expect.poll(() => shown(s), { timeout: 20_000, interval: 250 }).toMatch(/❯ what did you see/);
    await until(() => s.events().find((e) => e.type === 'recovered'), 'the recovered entry', 20_000);
    const events = s.events();
    const detected = events.filter((e): e is DetectedEntry => e.type === 'detected');
    expect(detected.map((e) => [e.kind, e.variant, e.image?.again])).toEqual([
      ['image-refused', 'api-400', false],
      ['image-refused', 'api-400', true],
    ]);
    const steps = events.filter((e): e is StepEntry => e.type === 'step');
    expect(steps.map((e) => [e.name, e.ok])).toEqual([
      ['stop', true],
      ['checkpoint', true],
      ['prune-images', true],
      ['resume', true],
      ['restore-prompt', true],
    ]);
    expect(events.find((e) => e.type === 'recovered')).toMatchObject({ occurrence: detected[1]?.occurrence, worked: 'prune-image:1' });
    // The backup of the transcript as it was.
    const backups = path.join(stateDir(s.home.env()), 'backups');
    expect(existsSync(backups) ? readdirSync(backups).filter((name) => name.startsWith(s.sessionId() as string)) : []).toHaveLength(1);
    // The big picture is gone from the transcript, the small one the API accepted is still there.
    expect(pictures(s)).toEqual([300]);

    // Nothing sent since the resume, with the prompt in the box; the person's Enter sends it,
    // and the answer comes without the big picture, with the small one.
    const resumedAt = Date.parse(steps.find((e) => e.name === 'resume')?.ts as string);
    expect(s.requests('chat').filter((r) => r.at > resumedAt)).toEqual([]);
    s.pty.write('\r');
    await until(() => s.requests('chat').find((r) => r.at > resumedAt && r.status === 200), 'the answer after Enter', 20_000);
    const sent = s.requests('chat').filter((r) => r.at > resumedAt);
    expect(sent.map((r) => [r.lastUserText, r.status])).toEqual([['what did you see', 200]]);
    expect(sent[0]?.sessionId).toBe(s.sessionId());
    expect(sentPictures(sent[0]?.body)).toEqual([300]);
    // Answered in the conversation: the first reply since the refusals.
    await until(
      () => s.transcript().find((r) => r.type === 'assistant' && r.isApiErrorMessage !== true && Date.parse(r.timestamp as string) > resumedAt && JSON.stringify(r.message?.content).includes('Mock answer')),
      'the answer in the transcript',
    );
  });
});
