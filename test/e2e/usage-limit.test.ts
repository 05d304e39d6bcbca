// A usage limit in the terminal, on the real CLI with the mock API: claude-recover logs it at
// once with its reset time, counts down in the title and shows nothing else, sends nothing,
// types nothing, and logs the time waited when the session goes on. 2.1.332 says it continues
// by itself; 2.1.200 opens its menu, and claude-recover says once that the limit has reset.
import { afterEach, describe, expect, it } from 'vitest';
import type { DetectedEntry, WaitedEntry } from '../../src/log/types.js';
import { STANDARD_MODEL, startSession, until, type E2eSession } from '../support/e2e.js';
import { Screen } from '../support/screen.js';

const ROWS = 30;
const COLS = 80;
let session: E2eSession | null = null;
afterEach(async () => {
  await session?.close();
  session = null;
});

/** Every title and the screen now, from every byte so far. */
async function seen(s: E2eSession): Promise<{ titles: string[]; screen: string }> {
  const screen = new Screen(COLS, ROWS);
  await screen.write(s.pty.raw());
  const result = { titles: [...screen.titles], screen: screen.rows().join('\n') };
  screen.dispose();
  return result;
}

const detected = (s: E2eSession): DetectedEntry | undefined => s.events().find((e): e is DetectedEntry => e.type === 'detected');
const waited = (s: E2eSession): WaitedEntry | undefined => s.events().find((e): e is WaitedEntry => e.type === 'waited');

describe.each([
  ['2.1.332', 'five_hour', '5-hour limit', 20],
  ['2.1.200', 'five_hour', 'session limit', 15],
] as const)('a usage limit in the terminal on claude %s', (version, claim, limit, aheadSeconds) => {
  it('is logged at once with its reset, counted down in the title, nothing sent or typed; the time waited is logged when the session goes on', async () => {
    // 2.1.200 shows the reset to the minute (claude-recover then counts to the end of that
    // minute, never early): a reset in a minute's last second keeps its wait short.
    const soonest = Math.floor(Date.now() / 1000) + aheadSeconds + 8;
    const resetAt = version === '2.1.200' ? soonest + ((59 - (soonest % 60)) + 60) % 60 : soonest;
    session = await startSession({ version, cols: COLS, rows: ROWS, model: STANDARD_MODEL, mock: { usageLimit: { claim, resetsAt: [resetAt] } } });
    const s = session;
    await s.typePrompt('hello one');
    await s.waitFor(/hit your/);

    // Logged at once, with the reset: exact from 2.1.332's record, to the minute from 2.1.200's text.
    const entry = await until(() => detected(s), 'the detected entry', 20_000);
    expect(entry).toMatchObject({ kind: 'usage-limit', limit, mode: 'terminal', channel: 'screen+transcript' });
    const logged = Date.parse(entry.resetsAt as string);
    if (version === '2.1.332') expect(logged).toBe(resetAt * 1000);
    else {
      expect(logged - resetAt * 1000).toBeGreaterThanOrEqual(0);
      expect(logged - resetAt * 1000).toBeLessThan(60_000);
    }
    expect(Date.now()).toBeLessThan(resetAt * 1000);

    // The countdown in the title, and nothing of claude-recover's on the screen.
    await expect.poll(async () => (await seen(s)).titles.some((title) => new RegExp(`^claude · ${limit} · resets in \\d+:\\d\\d$`).test(title)), { timeout: 10_000, interval: 250 }).toBe(true);
    expect((await seen(s)).screen).not.toContain('claude-recover');

    // Past the reset: the title says so once.
    const after = version === '2.1.332' ? `claude · ${limit} has reset · claude continues by itself` : `claude · ${limit} has reset · send your message again`;
    await expect.poll(async () => (await seen(s)).titles.includes(after), { timeout: resetAt * 1000 - Date.now() + 20_000, interval: 500 }).toBe(true);
    if (version === '2.1.200') expect(s.pty.raw().toString('latin1').replace(/\u001b\][^\u0007]*\u0007/g, '')).toContain('\u0007');

    // Nothing was sent between the refusal and the reset, by anyone; claude-recover typed nothing (one prompt so far).
    const refusedAt = s.requests('chat').find((r) => r.status === 429)?.at as number;
    expect(s.api.requests.filter((r) => r.kind !== 'other' && r.at > refusedAt && r.at < resetAt * 1000)).toEqual([]);
    expect(s.transcript().filter((r) => r.type === 'user' && typeof r.message?.content === 'string').map((r) => r.message?.content)).toEqual(['hello one']);
    expect(waited(s)).toBeUndefined();

    // The person goes on (2.1.200: out of its menu first); the wait is logged with its length.
    if (version === '2.1.200') {
      // Its /rate-limit-options menu, closed by Esc alone (Esc then a letter at once would be Alt+letter).
      expect((await seen(s)).screen).toContain('What do you want to do?');
      s.pty.write('\u001b');
      await expect.poll(async () => (await seen(s)).screen, { timeout: 10_000, interval: 250 }).not.toContain('What do you want to do?');
    }
    await s.typePrompt('hello two');
    await s.waitForAnswer('hello two');
    const wait = await until(() => waited(s), 'the waited entry', 20_000);
    expect(wait).toMatchObject({ occurrence: entry.occurrence, until: 'continued', by: 'person' });
    const sentAt = s.requests('chat').find((r) => r.lastUserText === 'hello two')?.at as number;
    expect(wait?.waitedMs).toBeGreaterThanOrEqual(resetAt * 1000 - refusedAt - 1_000);
    expect(wait?.waitedMs).toBeLessThanOrEqual(sentAt - refusedAt + 1_000);
    // The title is given back once the wait is over.
    await expect.poll(async () => (await seen(s)).titles.at(-1), { timeout: 10_000, interval: 250 }).not.toMatch(/limit/);
  });
});
