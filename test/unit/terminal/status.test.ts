// The status writer as a person sees it: its exact bytes fed to a terminal emulator, at 20,
// 40, 80 and 220 columns, through redraws, resizes and lines printed above the row.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import picocolors from 'picocolors';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Notice, Progress } from '../../../src/recovery/types.js';
import { formatCountdown, formatElapsed, loadWidth, pinnedRows, renderProgress, shortModel, StatusWriter, waitTitle } from '../../../src/terminal/status.js';
import { InputParser } from '../../../src/terminal/typed-input.js';
import { displayWidth } from '../../../src/ui/width.js';
import { Screen, STATUS_ROW } from '../../support/screen.js';

const SCREENS = path.join(import.meta.dirname, '..', '..', 'fixtures', 'real', 'screens');
const HAIKU = 'claude-haiku-4-5-20251001';
const WIDTHS = [20, 40, 80, 220] as const;

function progress(overrides: Partial<Progress> = {}): Progress {
  return { step: 'compacting', model: HAIKU, about: '1M-context gate', since: 0, cancellable: true, ...overrides };
}

/** A status writer drawing into a headless terminal; its bytes are kept in order for the emulator. */
function harness(cols: number, rows = 12, colours = false) {
  const screen = new Screen(cols, rows);
  const pending: string[] = [];
  let clock = 0;
  const reserved: number[] = [];
  let size = { cols, rows };
  const writer = new StatusWriter({
    write: (data) => void pending.push(data),
    size: () => size,
    colours: picocolors.createColors(colours),
    reserve: (n) => void reserved.push(n),
    now: () => clock,
    frameMs: 0,
  });
  return {
    screen,
    writer,
    reserved,
    advance(ms: number) {
      clock += ms;
    },
    resize(nextCols: number, nextRows = rows) {
      size = { cols: nextCols, rows: nextRows };
      screen.resize(nextCols, nextRows);
      writer.resized();
    },
    /** Everything written so far, fed to the screen. */
    async flush() {
      const data = pending.splice(0).join('');
      if (data !== '') await screen.write(data);
    },
  };
}

const statusRows = (rows: string[]): string[] => rows.filter((row) => STATUS_ROW.test(row));

// What the launcher does when the gate is seen: the width helpers are not loaded at start.
beforeAll(() => loadWidth());

/** Feeds what the writer wrote until `check` passes (the pinned rows are drawn from a timer). */
async function until(h: ReturnType<typeof harness>, check: () => boolean): Promise<void> {
  await expect
    .poll(async () => {
      await h.flush();
      return check();
    }, { timeout: 5_000, interval: 20 })
    .toBe(true);
}

describe('renderProgress', () => {
  it.each(WIDTHS)('fits %i columns, never wider, and keeps the most telling parts', (cols) => {
    for (const elapsed of [0, 9_000, 61_000, 3_600_000]) {
      for (const p of [progress(), progress({ model: undefined, step: 'backing up the transcript' }), progress({ model: 'claude-日本語-モデル-20251001' })]) {
        const row = renderProgress(p, elapsed, cols, '⠋');
        expect(displayWidth(row), row).toBeLessThanOrEqual(cols);
        expect(row.startsWith('⠋ claude-recover')).toBe(true);
      }
    }
  });

  it('shortens in order: the model date, the Ctrl-C hint, the block, the model', () => {
    const p = progress();
    expect(renderProgress(p, 3_000, 220, '⠋')).toBe(`⠋ claude-recover · 1M-context gate · compacting with ${HAIKU} · 3s · Ctrl-C cancels`);
    expect(renderProgress(p, 3_000, 90, '⠋')).toBe('⠋ claude-recover · 1M-context gate · compacting with haiku-4-5 · 3s · Ctrl-C cancels');
    expect(renderProgress(p, 3_000, 80, '⠋')).toBe('⠋ claude-recover · 1M-context gate · compacting with haiku-4-5 · 3s');
    expect(renderProgress(p, 3_000, 60, '⠋')).toBe('⠋ claude-recover · compacting with haiku-4-5 · 3s');
    expect(renderProgress(p, 3_000, 40, '⠋')).toBe('⠋ claude-recover · compacting · 3s');
    expect(renderProgress(p, 3_000, 20, '⠋')).toBe('⠋ claude-recover 3s');
    expect(renderProgress(p, 3_000, 12, '⠋')).toBe('⠋ claude-re…');
  });

  it('counts wide glyphs as two columns', () => {
    // 68 columns in 60 characters: it fits 68, not 67.
    const wide = progress({ about: '上限に達しました' });
    const row = '⠋ claude-recover · 上限に達しました · compacting with haiku-4-5 · 0s';
    expect([row.length, displayWidth(row)]).toEqual([60, 68]);
    expect(renderProgress(wide, 0, 68, '⠋')).toBe(row);
    expect(renderProgress(wide, 0, 67, '⠋')).toBe('⠋ claude-recover · compacting with haiku-4-5 · 0s');
  });

  it('colours the parts without changing the width', () => {
    const colours = picocolors.createColors(true);
    const row = renderProgress(progress(), 3_000, 80, '⠋', colours);
    expect(row).toContain('\u001b[');
    expect(displayWidth(row)).toBe(displayWidth(renderProgress(progress(), 3_000, 80, '⠋')));
  });

  it('names models and times briefly', () => {
    expect(shortModel(HAIKU)).toBe('haiku-4-5');
    expect(shortModel('opus')).toBe('opus');
    expect(formatElapsed(3_400)).toBe('3s');
    expect(formatElapsed(65_000)).toBe('1m05s');
  });
});

describe('the status row on a terminal', () => {
  it.each(WIDTHS)('at %i columns: one row at every frame, redrawn in place, nothing left behind', async (cols) => {
    const h = harness(cols);
    await h.screen.write('$ claude\r\nsome earlier output\r\n');
    h.writer.setChildOnScreen(false);
    for (const [step, model] of [['backing up the transcript', undefined], ['compacting', HAIKU], ['compacting', 'opus'], ['resuming', 'claude-sonnet-4-6']] as const) {
      h.writer.progress(progress({ step, model }));
      for (let frame = 0; frame < 12; frame++) {
        h.advance(700);
        // a redraw, as the spinner timer does
        h.writer.resized();
        await h.flush();
        expect(statusRows(h.screen.allRows()), h.screen.allRows().join('\n')).toHaveLength(1);
        expect(h.screen.wrappedRows()).toBe(0);
      }
    }
    expect(h.screen.rows().slice(0, 2)).toEqual(['$ claude', 'some earlier output']);
    h.writer.progress(null);
    await h.flush();
    expect(statusRows(h.screen.allRows())).toEqual([]);
  });

  it('lines printed meanwhile stay above the row, wrapped at spaces; the row stays one', async () => {
    const h = harness(40);
    h.writer.progress(progress());
    await h.flush();
    h.writer.lines('claude-recover: a warning that is longer than forty columns, so the terminal wraps it', 'warning');
    h.advance(1_000);
    h.writer.resized();
    await h.flush();
    const rows = h.screen.rows();
    expect(statusRows(rows)).toHaveLength(1);
    expect(rows.slice(0, 3)).toEqual(['! claude-recover: a warning that is', 'longer than forty columns, so the', 'terminal wraps it']);
    expect(rows.findIndex((row) => STATUS_ROW.test(row))).toBeGreaterThan(1);
  });

  it.each([
    [80, 40],
    [80, 20],
    [40, 220],
    [220, 20],
  ])('a resize from %i to %i columns mid-recovery leaves one row that fits', async (from, to) => {
    const h = harness(from);
    await h.screen.write('before\r\n');
    h.writer.progress(progress());
    h.advance(12_000);
    h.writer.resized();
    await h.flush();
    h.resize(to);
    await h.flush();
    for (let i = 0; i < 3; i++) {
      h.advance(500);
      h.writer.resized();
      await h.flush();
    }
    const all = h.screen.allRows();
    expect(statusRows(all), all.join('\n')).toHaveLength(1);
    const row = statusRows(all)[0] ?? '';
    expect(displayWidth(row)).toBeLessThanOrEqual(to);
    expect(h.screen.rows()).toContain('before');
  });

  it('sets the title with the step, and hides the cursor only while the row is shown', () => {
    const h = harness(80);
    const written: string[] = [];
    const writer = new StatusWriter({ write: (d) => void written.push(d), size: () => ({ cols: 80, rows: 24 }), colours: picocolors.createColors(false), reserve: () => {}, frameMs: 0 });
    writer.progress(progress());
    writer.progress(null);
    const all = written.join('');
    expect(all).toContain('\u001b]0;claude-recover: compacting… (1M-context gate)\u0007');
    expect(all.indexOf('\u001b[?25l')).toBeLessThan(all.indexOf('\u001b[?25h'));
    void h;
  });
});

describe('a notice pinned under a running child', () => {
  const notice: Notice = {
    tone: 'warning',
    headline: 'claude-recover: the account was refused',
    text: ['claude-recover: the API refused a standard-context request. Nothing was restarted and your prompt is in the box.', 'Check: usage credits, your plan, /login.'],
  };

  it('takes the bottom rows the child no longer has, leaves its screen and cursor alone, and goes at the first keystroke', async () => {
    const h = harness(70, 30);
    // The child: a real 2.1.330 screen at the gate (70 columns, alternate screen).
    h.writer.setChildOnScreen(true, true);
    const child = readFileSync(path.join(SCREENS, '2.1.330-oauth-sub-70-gate.bin'));
    await h.screen.write(child);
    h.writer.childOutput(child);
    const before = h.screen.rows();
    const cursor = h.screen.cursor;
    expect(h.writer.pin(notice)).toBe('whole');
    const k = h.writer.reservedRows;
    expect(k).toBeGreaterThanOrEqual(3);
    expect(h.reserved).toEqual([k]);
    await until(h, () => h.screen.rows().join(' ').includes('Check: usage credits'));
    const rows = h.screen.rows();
    expect(rows.slice(-k).join(' ')).toContain('claude-recover: the API refused a standard-context request.');
    expect(rows.slice(-k).join(' ')).toContain('Check: usage credits, your plan, /login.');
    expect(rows.slice(0, 30 - k)).toEqual(before.slice(0, 30 - k));
    expect(h.screen.cursor).toEqual(cursor);

    // A mouse move is not a keystroke; a key is.
    const input = new InputParser();
    h.writer.keystroke(input.push('\u001b[<35;10;5M'));
    expect(h.writer.reservedRows).toBe(k);
    h.writer.keystroke(input.push('a'));
    await h.flush();
    expect(h.writer.reservedRows).toBe(0);
    expect(h.reserved).toEqual([k, 0]);
    expect(h.screen.rows().slice(-k).every((row) => row === '')).toBe(true);
    expect(h.screen.cursor).toEqual(cursor);
  });

  it('is redrawn after the child repaints, and re-laid out on a resize', async () => {
    const h = harness(80, 24);
    h.writer.setChildOnScreen(true, true);
    h.writer.pin(notice);
    await until(h, () => h.screen.rows().join(' ').includes('Nothing was restarted'));
    // The child clears its screen.
    await h.screen.write('\u001b[2J\u001b[H');
    expect(h.screen.rows().join(' ')).not.toContain('Nothing was restarted');
    h.writer.childOutput(Buffer.from('\u001b[2J\u001b[H'));
    await until(h, () => h.screen.rows().join(' ').includes('Nothing was restarted'));
    h.resize(40, 24);
    const k = h.writer.reservedRows;
    await until(h, () => h.screen.rows().slice(-k).join(' ').includes('Check: usage'));
    expect(k).toBeGreaterThan(2);
    expect(h.reserved.at(-1)).toBe(k);
    expect(h.screen.rows().slice(-k).every((row) => displayWidth(row) <= 40)).toBe(true);
  });

  it('is not pinned with no child on screen or in a tiny terminal; a long one is cut with an ellipsis', () => {
    const h = harness(80, 24);
    expect(h.writer.pin(notice)).toBe(false);
    const tiny = harness(80, 6);
    tiny.writer.setChildOnScreen(true, true);
    expect(tiny.writer.pin(notice)).toBe(false);
    const long = pinnedRows({ ...notice, text: ['word '.repeat(200)] }, 40, 4);
    expect(long.cut).toBe(true);
    expect(long.rows).toHaveLength(4);
    expect(long.rows[3]?.endsWith('…')).toBe(true);
    expect(long.rows.every((row) => displayWidth(row) <= 40)).toBe(true);
  });
});

describe('the title', () => {
  it("recovery's wins over the guard's; a title kept until Enter goes at Enter, not at other keys", () => {
    const written: string[] = [];
    const writer = new StatusWriter({ write: (d) => void written.push(d), size: () => ({ cols: 80, rows: 24 }), colours: picocolors.createColors(false), reserve: () => {}, frameMs: 0 });
    const input = new InputParser();
    writer.setTitle('guard', 'claude · 172K/200K ctx');
    writer.setTitle('recovery', 'claude-recover: recovered', 'enter');
    writer.keystroke(input.push('abc'));
    writer.keystroke(input.push('\r'));
    const titles = [...written.join('').matchAll(/\u001b\]0;([^\u0007]*)\u0007/g)].map((m) => m[1]);
    expect(titles).toEqual(['claude · 172K/200K ctx', 'claude-recover: recovered', 'claude · 172K/200K ctx']);
  });
});

describe('a usage limit\'s wait in the title', () => {
  it('counts down to the reset, says once it has reset (a bell where asked), gives the guard its title back', () => {
    const written: string[] = [];
    let now = Date.UTC(2026, 11, 1, 7, 0, 0);
    const writer = new StatusWriter({ write: (d) => void written.push(d), size: () => ({ cols: 80, rows: 24 }), colours: picocolors.createColors(false), reserve: () => {}, frameMs: 0, now: () => now });
    const titles = (): string[] => [...written.join('').matchAll(/\u001b\]0;([^\u0007]*)\u0007/g)].map((m) => m[1] as string);
    const bells = (): number => written.join('').replace(/\u001b\][^\u0007]*\u0007/g, '').split('\u0007').length - 1;
    writer.setTitle('guard', 'claude · 172K/200K ctx');
    const wait = { about: 'session limit', until: now + 65_000, continuesByItself: false };
    writer.waiting(wait, () => true);
    now += 60_000;
    writer.waiting(wait, () => true);
    now += 6_000;
    writer.waiting(wait, () => true);
    writer.waiting(wait, () => true);
    expect(bells()).toBe(1);
    writer.waiting(null);
    expect(titles()).toEqual([
      'claude · 172K/200K ctx',
      'claude · session limit · resets in 1:05',
      'claude · session limit · resets in 0:05',
      'claude · session limit has reset · send your message again',
      'claude · 172K/200K ctx',
    ]);
  });

  it('a CLI that continues by itself: no bell, the title says it goes on', () => {
    expect(waitTitle({ about: '5-hour limit', until: 0, continuesByItself: true }, -1)).toBe('claude · 5-hour limit has reset · claude continues by itself');
    expect(waitTitle({ about: 'weekly limit', until: null, continuesByItself: false }, null)).toBe('claude · weekly limit reached · waiting for its reset');
    expect(formatCountdown(3 * 86_400_000 + 5 * 3_600_000)).toBe('3d 5h');
    expect(formatCountdown(3_725_000)).toBe('1:02:05');
  });
});
