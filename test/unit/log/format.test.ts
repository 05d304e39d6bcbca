import { describe, expect, it } from 'vitest';
import { UserError } from '../../../src/errors.js';
import {
  blockEpisodes,
  computeStats,
  dayChart,
  formatDuration,
  formatLogTable,
  formatStats,
  formatTokens,
  joinOccurrences,
  parseSince,
} from '../../../src/log/format.js';
import type { LogEntry } from '../../../src/log/types.js';
import { tonesFor } from '../../../src/ui/colour.js';
import stripAnsi from 'strip-ansi';
import { FIXTURE, FIXTURE_NOW } from './fixture.js';

describe('parseSince', () => {
  const now = new Date('2025-03-10T12:00:00Z');
  it('takes durations back from now', () => {
    expect(parseSince('7d', now).toISOString()).toBe('2025-03-03T12:00:00.000Z');
    expect(parseSince('12h', now).toISOString()).toBe('2025-03-10T00:00:00.000Z');
    expect(parseSince('30m', now).toISOString()).toBe('2025-03-10T11:30:00.000Z');
    expect(parseSince('2w', now).toISOString()).toBe('2025-02-24T12:00:00.000Z');
  });
  it('takes a date as local midnight and an ISO time as is', () => {
    expect(parseSince('2025-01-31', now)).toEqual(new Date(2025, 0, 31));
    expect(parseSince('2025-01-31T14:00:00Z', now).toISOString()).toBe('2025-01-31T14:00:00.000Z');
  });
  it('rejects anything else with a usage error that says what it expected', () => {
    for (const bad of ['yesterday', '7', '2025-02-30', '7y', '']) {
      let caught: unknown;
      try {
        parseSince(bad, now);
      } catch (error) {
        caught = error;
      }
      expect(caught, bad).toBeInstanceOf(UserError);
      expect((caught as UserError).exitCode).toBe(2);
      expect((caught as UserError).message).toBe(`--since: expected a duration (30m, 12h, 7d, 2w) or a date (2025-01-31 or 2025-01-31T14:00), got "${bad}"`);
    }
  });
});

describe('joinOccurrences', () => {
  it('joins steps and the first outcome to each detected entry by occurrence id', () => {
    const occurrences = joinOccurrences(FIXTURE);
    expect(occurrences.map((o) => [o.detected.occurrence, o.outcome, o.steps.length])).toEqual([
      ['o1', 'recovered', 2],
      ['o2', 'recovered', 2],
      ['o3', 'gave-up', 0],
      ['o4', 'recovered', 0],
      ['o5', 'unresolved', 0],
    ]);
  });
  it('drops outcomes whose detected entry is not in the range', () => {
    expect(joinOccurrences(FIXTURE.slice(1, 4))).toEqual([]);
  });
});

describe('formatLogTable', () => {
  const occurrences = joinOccurrences(FIXTURE);
  it('prints one aligned row an occurrence, every column with --wide', () => {
    const table = formatLogTable(occurrences, { utc: true, home: '/home/u', wide: true });
    expect(table.dropped).toEqual([]);
    expect(table.text).toBe(
      [
        'WHEN              KIND  CASE  TOKENS  CHANNEL            MODE         OUTCOME     TOOK    DETAIL                             SESSION   CWD',
        '2025-03-07 09:15  gate  A     212k    screen+transcript  terminal     recovered   38s     compact:claude-haiku-4-5-20251001  aaaa1111  ~/proj',
        '2025-03-07 16:40  gate  A     212k    output+transcript  print        recovered   1m 13s  compact:opus                       bbbb1111  /srv/other',
        '2025-03-08 10:00  gate  B     95k     screen+transcript  terminal     gave up     1.2s    case B: compaction cannot help     cccc1111  ~/proj',
        '2025-03-10 08:00  gate  A     1.05M   output+transcript  stream-json  recovered   41s     compact:claude-haiku-4-5-20251001  dddd1111  ~/proj',
        '2025-03-10 11:30  gate  C     -       screen             terminal     unresolved  -       -                                  -         ~/proj',
      ].join('\n'),
    );
  });

  it('fits 80 columns: the least important columns go first, the detail is shortened at its end', () => {
    const table = formatLogTable(occurrences, { utc: true, home: '/home/u', width: 80 });
    expect(table.dropped).toEqual(['TOKENS', 'CHANNEL', 'MODE', 'SESSION', 'CWD']);
    expect(table.text).toBe(
      [
        'WHEN              KIND  CASE  OUTCOME     TOOK    DETAIL',
        '2025-03-07 09:15  gate  A     recovered   38s     compact:claude-haiku-4-5-2025…',
        '2025-03-07 16:40  gate  A     recovered   1m 13s  compact:opus',
        '2025-03-08 10:00  gate  B     gave up     1.2s    case B: compaction cannot help',
        '2025-03-10 08:00  gate  A     recovered   41s     compact:claude-haiku-4-5-2025…',
        '2025-03-10 11:30  gate  C     unresolved  -       -',
      ].join('\n'),
    );
    for (const line of table.text.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
  });

  it('fits 40 columns with when, case and outcome', () => {
    const table = formatLogTable(occurrences, { utc: true, home: '/home/u', width: 40 });
    expect(table.dropped).toEqual(['KIND', 'TOKENS', 'CHANNEL', 'MODE', 'TOOK', 'DETAIL', 'SESSION', 'CWD']);
    expect(table.text.split('\n').slice(0, 2)).toEqual(['WHEN              CASE  OUTCOME', '2025-03-07 09:15  A     recovered']);
    for (const line of table.text.split('\n')) expect(line.length).toBeLessThanOrEqual(40);
  });

  it('shortens a long cwd in the middle', () => {
    const long = FIXTURE.map((e) => (e.type === 'detected' ? { ...e, cwd: '/home/u/work/clients/acme/projects/website-redesign/frontend' } : e));
    const table = formatLogTable(joinOccurrences(long), { utc: true, home: '/home/u', width: 100 });
    expect(table.text.split('\n')[1]).toMatch(/~\/work\/cl.*….*frontend$/);
    for (const line of table.text.split('\n')) expect(line.length).toBeLessThanOrEqual(100);
  });

  it('colours the outcome when given tones', () => {
    const tones = tonesFor({ isTTY: true }, {});
    const lines = formatLogTable(occurrences, { utc: true, home: '/home/u', wide: true, tones }).text.split('\n');
    expect(lines[1]).toContain('\u001b[32mrecovered\u001b[39m');
    expect(lines[3]).toContain('\u001b[31mgave up\u001b[39m');
    expect(lines[5]).toContain('\u001b[33munresolved\u001b[39m');
    // Padding stays outside the colour, so the columns line up as without it.
    expect(lines.map(stripAnsi)).toEqual(formatLogTable(occurrences, { utc: true, home: '/home/u', wide: true }).text.split('\n'));
  });
});

describe('computeStats', () => {
  const stats = computeStats(FIXTURE, { now: FIXTURE_NOW, utc: true });

  it('counts by case and outcome', () => {
    expect(stats.occurrences).toBe(5);
    expect(stats.byCase).toEqual({
      A: { recovered: 3, gaveUp: 0, unresolved: 0, total: 3 },
      B: { recovered: 0, gaveUp: 1, unresolved: 0, total: 1 },
      C: { recovered: 0, gaveUp: 0, unresolved: 1, total: 1 },
    });
    expect(stats.byOutcome).toEqual({ recovered: 3, gaveUp: 1, unresolved: 1, total: 5 });
    expect(stats.byMode).toEqual({ terminal: 3, print: 1, 'stream-json': 1 });
  });

  it('counts what worked and the median and worst recovery time', () => {
    expect(stats.worked).toEqual([
      { step: 'compact:claude-haiku-4-5-20251001', count: 2 },
      { step: 'compact:opus', count: 1 },
    ]);
    expect(stats.recovery).toEqual({ count: 3, medianMs: 41_000, worstMs: 72_500 });
  });

  it('counts guard episodes: one near-miss + auto-compact is one avoided block; a gate within the hour is not', () => {
    expect(stats.guard).toEqual({ nearMisses: 5, autoCompacts: 1, blocksAvoided: 3, pending: 1 });
    expect(blockEpisodes(FIXTURE, FIXTURE_NOW).map((e) => [e.sessionId, e.result])).toEqual([
      ['cccc1111-2222', 'blocked'],
      ['eeee1111-2222', 'avoided'],
      ['gggg1111-2222', 'avoided'],
      ['gggg1111-2222', 'avoided'],
      ['ffff1111-2222', 'pending'],
    ]);
  });

  it('matches a guard entry without a session against any gate', () => {
    const entries: LogEntry[] = [
      { type: 'near-miss', ts: '2025-03-01T10:00:00Z', sessionId: null, contextTokens: 1, window: 2 },
      { ...(FIXTURE[0] as LogEntry), ts: '2025-03-01T10:59:00Z' },
    ];
    expect(blockEpisodes(entries, FIXTURE_NOW).map((e) => e.result)).toEqual(['blocked']);
    expect(blockEpisodes(entries.slice(0, 1), FIXTURE_NOW).map((e) => e.result)).toEqual(['avoided']);
  });

  it('counts occurrences per day from the first one to today, empty days included', () => {
    expect(stats.perDay).toEqual([
      { day: '2025-03-07', count: 2 },
      { day: '2025-03-08', count: 1 },
      { day: '2025-03-09', count: 0 },
      { day: '2025-03-10', count: 2 },
    ]);
    const since = new Date('2025-03-08T00:00:00Z');
    expect(computeStats(FIXTURE.filter((e) => e.ts >= since.toISOString()), { now: FIXTURE_NOW, since, utc: true }).perDay.map((d) => d.day)).toEqual([
      '2025-03-08',
      '2025-03-09',
      '2025-03-10',
    ]);
  });

  it('keeps the chart to the last 31 days', () => {
    const old: LogEntry = { ...(FIXTURE[0] as LogEntry), ts: '2024-01-01T00:00:00Z' };
    const days = computeStats([old, ...FIXTURE], { now: FIXTURE_NOW, utc: true }).perDay;
    expect(days).toHaveLength(31);
    expect(days.at(-1)).toEqual({ day: '2025-03-10', count: 2 });
  });
});

describe('dayChart', () => {
  it('scales bars to the busiest day in eighths of a cell', () => {
    expect(
      dayChart(
        [
          { day: '2025-01-01', count: 3 },
          { day: '2025-01-02', count: 1 },
          { day: '2025-01-03', count: 0 },
          { day: '2025-01-04', count: 2 },
          { day: '2025-01-05', count: 12 },
        ],
        8,
      ),
    ).toBe(
      [
        '  2025-01-01   3 ██',
        '  2025-01-02   1 ▋',
        '  2025-01-03   0',
        '  2025-01-04   2 █▍',
        '  2025-01-05  12 ████████',
      ].join('\n'),
    );
  });
});

describe('formatStats', () => {
  it('prints the fixture report', () => {
    expect(formatStats(computeStats(FIXTURE, { now: FIXTURE_NOW, utc: true }), { utc: true })).toBe(
      [
        '5 occurrences in the whole log: 5 gates',
        '',
        '        RECOVERED  GAVE UP  UNRESOLVED  TOTAL',
        'case A          3        0           0      3',
        'case B          0        1           0      1',
        'case C          0        0           1      1',
        'all             3        1           1      5',
        'By mode: 3 terminal, 1 print, 1 stream-json',
        '',
        'What worked:',
        '  STEP                               RECOVERIES',
        '  compact:claude-haiku-4-5-20251001           2',
        '  compact:opus                                1',
        '',
        'Recovery time: median 41s, worst 1m 13s (3 recoveries)',
        // 81 characters: wrapped to the 80 columns a report gets by default.
        'Guard: 5 near-misses, 1 auto-compact, 3 blocks avoided (1 still within the',
        '  hour)',
        '',
        'Occurrences per day:',
        '  2025-03-07  2 ████████████████████████',
        '  2025-03-08  1 ████████████',
        '  2025-03-09  0',
        '  2025-03-10  2 ████████████████████████',
      ].join('\n'),
    );
  });

  it('says so when nothing was logged', () => {
    const stats = computeStats([], { now: FIXTURE_NOW, since: new Date('2025-03-03T12:00:00Z'), utc: true });
    expect(formatStats(stats, { utc: true })).toBe(['No occurrences since 2025-03-03 12:00.', 'Guard: 0 near-misses, 0 auto-compacts, 0 blocks avoided'].join('\n'));
  });
});

describe('units', () => {
  it('formats durations and token counts', () => {
    expect([850, 4_240, 38_400, 65_000, 3_725_000].map(formatDuration)).toEqual(['850ms', '4.2s', '38s', '1m 5s', '1h 2m']);
    expect([null, 999, 212_345, 1_050_000].map(formatTokens)).toEqual(['-', '999', '212k', '1.05M']);
  });
});

describe('the other kinds of block in log and stats', () => {
  const base = { cwd: '/home/u/proj', claudeVersion: '2.1.332', channel: 'screen+transcript' as const, mode: 'terminal' as const };
  const entries: LogEntry[] = [
    { ...base, ts: '2025-03-11T09:00:00.000Z', type: 'detected', occurrence: 'u1', kind: 'usage-limit', variant: 'five-hour', reason: '5-hour limit', sessionId: 'eeee1111', resetsAt: '2025-03-11T11:00:00.000Z', resetSource: 'record', limit: '5-hour limit' },
    { ts: '2025-03-11T11:01:40.000Z', type: 'waited', occurrence: 'u1', sessionId: 'eeee1111', waitedMs: 7_300_000, until: 'continued', by: 'claude' },
    {
      ...base,
      ts: '2025-03-11T12:00:00.000Z',
      type: 'detected',
      occurrence: 'i1',
      kind: 'image-refused',
      variant: 'removed',
      reason: 'healed',
      sessionId: 'ffff1111',
      image: { healed: true, again: false, refusal: 'x', images: [{ uuid: 'r1', index: 0, mediaType: 'image/png', base64Chars: 2150, width: 1950, height: 13 }] },
    },
    { ts: '2025-03-11T12:00:01.000Z', type: 'stood-aside', occurrence: 'i1', sessionId: 'ffff1111', reason: 'the CLI left the image out' },
  ];
  const now = new Date('2025-03-12T00:00:00Z');

  it('names the kind, the wait and the image', () => {
    const table = formatLogTable(joinOccurrences(entries), { utc: true, home: '/home/u', wide: true });
    const rows = table.text.split('\n');
    expect(rows[0]).toMatch(/^WHEN {14}KIND {9}CASE {2}TOKENS {2}CHANNEL {12}MODE {6}OUTCOME {6}TOOK {3}DETAIL/);
    expect(rows[1]).toMatch(/^2025-03-11 09:00 {2}usage limit {2}- {5}- {7}screen\+transcript {2}terminal {2}waited {7}2h 1m {2}5-hour limit, resets 2025-03-11 11:00; continued \(claude\) +eeee1111/);
    expect(rows[2]).toMatch(/^2025-03-11 12:00 {2}image {8}- {5}- {7}screen\+transcript {2}terminal {2}stood aside {2}- {6}healed by claude: image\/png 1950×13, 2\.1 KiB of base64 +ffff1111/);
  });

  it('counts them by kind, with how the waits ended and what became of the images', () => {
    const stats = computeStats(entries, { now, utc: true });
    expect(stats.byKind).toEqual({ 'credits-1m': 0, 'usage-limit': 1, 'image-refused': 1 });
    expect(stats.usageLimits).toEqual({ continued: 1, ended: 0, passed: 0, medianWaitMs: 7_300_000, longestWaitMs: 7_300_000 });
    expect(stats.images).toEqual({ healedByClaude: 1, removed: 0, left: 0 });
    const text = formatStats(stats, { utc: true, width: 120 });
    expect(text).toContain('2 occurrences in the whole log: 1 usage limit, 1 image');
    expect(text).toContain('Usage limits: 1 (1 continued, 0 ended while waiting, 0 passed through; waited median 2h 1m, longest 2h 1m)');
    expect(text).toContain('Refused images: 1 (1 healed by claude, 0 removed by claude-recover, 0 left as they were)');
    expect(text).not.toContain('case A');
  });
});
