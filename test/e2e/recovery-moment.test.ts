// The recovery moment on the real CLI, as the person at the terminal sees it: every byte the
// wrapper wrote is fed to a terminal emulator, frame by frame, at 80 and 40 columns, on 2.1.332
// (alternate screen) and 2.1.200 (classic renderer). One status row per frame; the stopped
// claude's exit hints never shown; the success message on screen when the prompt is ready;
// keys typed meanwhile in the box, not sent until Enter; a queued message restored in order;
// case B explained inside the session with the advice that fits the refused request.
import { afterEach, describe, expect, it } from 'vitest';
import type { LogEntry, StepEntry } from '../../src/log/types.js';
import type { MockRequest } from '../../src/demo/mock-api.js';
import { carries1M, exitSession, HAIKU, STANDARD_MODEL, startSession, until, type E2eSession } from '../support/e2e.js';
import { CASE_A_MOCK, growSession } from '../support/e2e-case-a.js';
import { Screen, STATUS_ROW } from '../support/screen.js';

const ROWS = 30;
let session: E2eSession | null = null;
afterEach(async () => {
  await session?.close();
  session = null;
});

/** The screen now, from every byte so far, with rows joined and spaces collapsed (the CLI wraps). */
async function shown(s: E2eSession, cols: number): Promise<string> {
  const screen = new Screen(cols, ROWS);
  await screen.write(s.pty.raw());
  const text = screen.rows().join(' ').replace(/\s+/g, ' ');
  screen.dispose();
  return text;
}

/** Replays every chunk as the terminal drew it; what each frame showed. */
async function frames(s: E2eSession, cols: number): Promise<{ statusRows: number[]; resumeHint: boolean; rowTooWide: boolean }> {
  const screen = new Screen(cols, ROWS);
  const statusRows: number[] = [];
  let resumeHint = false;
  let rowTooWide = false;
  for (const chunk of s.pty.chunks()) {
    await screen.write(chunk);
    const all = screen.allRows();
    const rows = all.filter((row) => STATUS_ROW.test(row));
    statusRows.push(rows.length);
    const at = all.findIndex((row) => STATUS_ROW.test(row));
    if (at !== -1 && screen.term.buffer.active.getLine(at + 1)?.isWrapped) rowTooWide = true;
    if (screen.rows().join(' ').includes('Resume this session with')) resumeHint = true;
  }
  screen.dispose();
  return { statusRows, resumeHint, rowTooWide };
}

const steps = (events: LogEntry[]): StepEntry[] => events.filter((e): e is StepEntry => e.type === 'step');
/**
 * The mock refused a request with the gate. Not the gate's words on screen: at 40 columns the
 * classic renderer breaks and skips cells of them, and claude-recover's detection, not this
 * test's regular expression, is what decides whether they were shown.
 */
const refused = (s: E2eSession): Promise<true> => until(() => (s.api.requests.some((r) => r.status === 429) ? true : undefined), 'the gate refusal', 30_000);
const sent = (s: E2eSession, text: string): MockRequest[] => s.requests('chat').filter((r) => r.status === 200 && r.lastUserText.includes(text));

describe.each([
  ['2.1.332', 80],
  ['2.1.332', 40],
  ['2.1.200', 80],
  ['2.1.200', 40],
] as const)('case A on claude %s at %i columns', (version, cols) => {
  it('shows one status row, never the exit hint, the success message when the prompt is ready; typed keys wait for Enter', async () => {
    session = await startSession({ version, cols, rows: ROWS, mock: { ...CASE_A_MOCK, compactionDelayMs: 2_000 } });
    const s = session;
    await growSession(s);
    await s.typePrompt('hello three');
    await refused(s);
    // While recovery runs (the status row is up), the person types, Enter included.
    await until(() => (s.pty.text().match(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] claude-recover/) ? true : undefined), 'the status row', 30_000);
    s.pty.write('zq7 go on\r');

    // The prompt is ready: the message says what happened, the box holds the blocked prompt
    // and what was typed, and nothing was sent.
    const message = 'claude-recover recovered this session from the 1M-context gate';
    await expect.poll(() => shown(s, cols), { timeout: 60_000, interval: 250 }).toContain(message);
    await expect.poll(() => shown(s, cols), { timeout: 20_000, interval: 250 }).toMatch(/hello three zq7 go on/);
    const screen = await shown(s, cols);
    expect(screen).toContain(`compacted the conversation with ${HAIKU} (the /compact in the history is claude-recover's)`);
    expect(screen).toContain(`resumed it with ${STANDARD_MODEL}`);
    expect(screen).toContain('press Enter to send');
    expect(sent(s, 'zq7')).toEqual([]);
    expect(sent(s, 'hello three')).toEqual([]);

    const seen = await frames(s, cols);
    expect(Math.max(...seen.statusRows)).toBe(1);
    expect(seen.statusRows.filter((n) => n === 1).length).toBeGreaterThan(3);
    expect(seen.rowTooWide).toBe(false);
    expect(seen.resumeHint).toBe(false);

    // The person's Enter sends what they saw, to the standard model, in the same session.
    const before = s.api.requests.length;
    for (let attempt = 0; attempt < 5 && sent(s, 'zq7').length === 0; attempt++) {
      s.pty.write('\r');
      await until(() => (sent(s, 'zq7').length > 0 ? true : undefined), 'the prompt to be sent', 3_000).catch(() => undefined);
    }
    const request = s.api.requests.slice(before).find((r) => r.kind === 'chat' && r.status === 200 && r.lastUserText.includes('zq7'));
    expect(request?.lastUserText).toBe('hello three zq7 go on');
    expect(request?.model).toBe(STANDARD_MODEL);
    expect(carries1M(request as MockRequest)).toBe(false);
    await s.waitForAnswer('hello three zq7 go on');
    expect((await exitSession(s)).exitCode).toBe(0);
    const events = s.events();
    expect(events.filter((e) => e.type === 'recovered')).toHaveLength(1);
    expect(steps(events).find((e) => e.name === 'stop')).toMatchObject({ ok: true, timedOut: false, detail: expect.stringMatching(/^how=signal/) });
  });
});

describe('a message queued while the refused request ran, on claude 2.1.332', () => {
  it('is restored after the blocked prompt, in order, not sent; the stop is quick although the CLI was busy', async () => {
    // The refused request stays in flight 2.5 s, so a second message can be queued behind it;
    // the CLI's own compaction of the [1m] session is refused, so it cannot heal itself meanwhile.
    session = await startSession({ cols: 80, rows: ROWS, mock: { ...CASE_A_MOCK, gateDelayMs: 2_500, refuseCompactionFor: [STANDARD_MODEL] } });
    const s = session;
    await growSession(s);
    s.pty.write('hello three');
    await s.waitFor('hello three');
    s.pty.write('\r');
    await until(() => (s.requests('chat').some((r) => r.lastUserText === 'hello three') ? true : undefined), 'the refused request', 10_000);
    const mark = s.mark();
    s.pty.write('queued msg');
    await s.waitFor('queued msg', { from: mark });
    s.pty.write('\r');
    await s.waitFor(/Queued|queued messages/i, { from: mark });

    await expect.poll(() => shown(s, 80), { timeout: 60_000, interval: 250 }).toContain('Your blocked prompt and the message you queued are back in the input box, not sent');
    await expect.poll(() => shown(s, 80), { timeout: 20_000, interval: 250 }).toMatch(/hello three\s+queued msg/);
    expect(sent(s, 'queued msg')).toEqual([]);
    const stop = steps(s.events()).find((e) => e.name === 'stop');
    expect(stop).toMatchObject({ ok: true, timedOut: false, detail: expect.stringMatching(/^how=signal/) });
    process.stderr.write(`queued-message e2e: the stop step took ${stop?.durationMs} ms\n`);
  });
});

describe.each([
  ['2.1.332', 80],
  ['2.1.200', 40],
] as const)('case B with the 1M beta on claude %s at %i columns', (version, cols) => {
  it('restarts once with a standard-context model and says why inside the session; the prompt waits for Enter', async () => {
    session = await startSession({ version, cols, rows: ROWS, mock: { gate: 'always', baseTokens: 12_000 } });
    const s = session;
    await s.typePrompt('hello one');
    await refused(s);
    await expect.poll(() => shown(s, cols), { timeout: 60_000, interval: 250 }).toContain('this account was refused 1M context on a small session');
    const screen = await shown(s, cols);
    expect(screen).toContain(`restarted this session once with ${STANDARD_MODEL}`);
    expect(screen).toContain(`claude --model ${STANDARD_MODEL}`);
    expect(screen).toContain('https://claude.ai/settings/usage');
    await expect.poll(() => shown(s, cols), { timeout: 20_000, interval: 250 }).toMatch(/❯ hello one/);
    const gaveUp = await until(() => s.events().find((e) => e.type === 'gave-up'), 'the gave-up entry', 30_000);
    expect(gaveUp).toMatchObject({ reason: expect.stringMatching(/^case B: refused with 1M beta/) });
    expect(s.requests('compaction')).toEqual([]);
    const seen = await frames(s, cols);
    expect(Math.max(...seen.statusRows)).toBeLessThanOrEqual(1);
    expect(seen.resumeHint).toBe(false);
  });
});

describe.each([
  ['2.1.332', 40],
  ['2.1.200', 80],
] as const)('case B without the 1M beta on claude %s at %i columns', (version, cols) => {
  it('explains that the account was refused, inside the running session, restarts nothing, and leaves the prompt in the box', async () => {
    // A standard-context model, and the server refuses it with the gate anyway.
    session = await startSession({ version, cols, rows: ROWS, model: STANDARD_MODEL, mock: { gate: 'always', gateWithoutBeta: true, baseTokens: 12_000 } });
    const s = session;
    await s.typePrompt('hello one');
    await refused(s);
    expect(carries1M(s.requests('chat')[0] as MockRequest)).toBe(false);
    // The notice and the prompt back in the box, on one screen (the CLI repaints when its rows
    // change, and the notice is drawn again after it: poll for a frame with both). At 40
    // columns it takes more than the third of the terminal a notice may take: it is cut after
    // the advice, and said whole after claude exits.
    const parts = ['refused a standard-context request', 'It is the account, not this session', 'nothing was restarted', 'https://claude.ai/settings/usage', '/login'];
    const whole = (text: string): boolean => [...parts, ...(cols >= 80 ? ['issues/61692'] : [])].every((part) => text.includes(part)) && /❯ hello one/.test(text);
    await expect.poll(async () => whole(await shown(s, cols)), { timeout: 30_000, interval: 250 }).toBe(true);
    expect(await shown(s, cols)).not.toContain('claude --model');
    const events = s.events();
    expect(events.find((e) => e.type === 'gave-up')).toMatchObject({ reason: expect.stringMatching(/^case B: refused with standard context .*not restarted/) });
    // Nothing stopped, nothing restarted.
    expect(steps(events)).toEqual([]);
    // The first keystroke takes the notice away; it was typed into the box.
    s.pty.write(' ');
    await expect.poll(() => shown(s, cols), { timeout: 10_000, interval: 250 }).not.toContain('refused a standard-context request');
    expect(sent(s, 'hello one')).toEqual([]);
    if (cols < 80) {
      await s.waitFor(/❯ hello one/);
      s.pty.write('\u0015'); // empty the box (Ctrl-U), then leave
      await exitSession(s);
      await expect.poll(() => s.pty.text(), { timeout: 10_000, interval: 100 }).toContain('issues/61692');
    }
  });
});
