import { appendFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { register as registerLog } from '../../../src/commands/log.js';
import { register as registerStats } from '../../../src/commands/stats.js';
import { createFileSink } from '../../../src/log/sink.js';
import type { Occurrence, Stats } from '../../../src/log/format.js';
import { FIXTURE, FIXTURE_NOW } from '../log/fixture.js';
import type { DetectedEntry } from '../../../src/log/types.js';
import { runCommand, stdoutByTerminal, tempHome } from './harness.js';

let home: ReturnType<typeof tempHome>;
const run = (...argv: string[]) => runCommand([registerLog, registerStats], argv);

beforeEach(() => {
  home = tempHome();
  vi.stubEnv('TZ', 'UTC');
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(FIXTURE_NOW);
});
afterEach(() => {
  vi.useRealTimers();
  home.cleanup();
});

function writeFixture(): void {
  const sink = createFileSink({ env: home.env });
  for (const entry of FIXTURE) sink.write(entry);
}

describe('claude-recover log', () => {
  it('says where the log is when nothing was logged', async () => {
    const result = await run('log');
    expect(result).toEqual({ stdout: 'No occurrences logged (log: ~/.local/state/claude-recover/events.jsonl).\n', stderr: '', exitCode: 0 });
  });

  it('prints the table, --limit keeping the most recent', async () => {
    writeFixture();
    const all = await run('log');
    expect(all.exitCode).toBe(0);
    // Header, five rows, the note naming the columns left out at 80 columns.
    expect(all.stdout.split('\n')).toHaveLength(9);
    expect(all.stdout).toMatch(/^WHEN {14}KIND  CASE/);
    const limited = await run('log', '--limit', '2');
    expect(limited.stdout.split('\n').slice(1, 3).map((l) => l.slice(0, 16))).toEqual(['2025-03-10 08:00', '2025-03-10 11:30']);
    expect(limited.stdout).toContain('(the last 2 of 5; --limit 0 shows all)\n');
  });

  it('filters with --since and prints JSON with --json', async () => {
    writeFixture();
    const result = await run('log', '--since', '2d', '--json');
    expect(result.exitCode).toBe(0);
    const occurrences = JSON.parse(result.stdout) as Occurrence[];
    expect(occurrences.map((o) => [o.detected.occurrence, o.outcome])).toEqual([
      ['o4', 'recovered'],
      ['o5', 'unresolved'],
    ]);
  });

  it('rejects a bad --since or --limit with exit 2', async () => {
    const since = await run('log', '--since', 'last week');
    expect(since.exitCode).toBe(2);
    expect(since.stderr).toBe(
      'claude-recover: --since: expected a duration (30m, 12h, 7d, 2w) or a date (2025-01-31 or 2025-01-31T14:00), got "last week"; see claude-recover log --help\n',
    );
    const limit = await run('log', '--limit', 'ten');
    expect(limit).toEqual({ stdout: '', stderr: 'claude-recover: --limit: expected a whole number (0 for all), got "ten"; see claude-recover log --help\n', exitCode: 2 });
  });

  it('--json returns every occurrence unless --limit is given; the table shows the last 20', async () => {
    const sink = createFileSink({ env: home.env });
    for (let i = 0; i < 25; i++) {
      const ts = new Date(FIXTURE_NOW.getTime() - (25 - i) * 60_000).toISOString();
      sink.write({ ...(FIXTURE[0] as DetectedEntry), ts, occurrence: `n${i}` });
    }
    expect((JSON.parse((await run('log', '--json')).stdout) as Occurrence[]).map((o) => o.detected.occurrence)).toHaveLength(25);
    expect((JSON.parse((await run('log', '--json', '--limit', '3')).stdout) as Occurrence[]).map((o) => o.detected.occurrence)).toEqual(['n22', 'n23', 'n24']);
    const table = await run('log');
    expect(table.stdout).toContain('(the last 20 of 25; --limit 0 shows all)\n');
  });

  it('says how many unreadable lines it skipped, on stderr, and leaves the JSON clean', async () => {
    writeFixture();
    const file = path.join(home.root, '.local', 'state', 'claude-recover', 'events.jsonl');
    appendFileSync(file, 'not json\n{"ts":"2025-03-10T09:00:00Z","type":"detected"}\n{"ts":"2025-03-10T09:00:00Z","type":"from-a-newer-version"}\n{"torn":');
    const table = await run('log');
    expect(table.exitCode).toBe(0);
    expect(table.stderr).toBe('claude-recover: warning: skipped 3 unreadable lines in ~/.local/state/claude-recover/events.jsonl (or its rotated files)\n');
    const json = await run('log', '--json');
    expect(JSON.parse(json.stdout)).toHaveLength(5);
    expect(json.stderr).toBe(table.stderr);
    expect((await run('stats')).stderr).toBe(table.stderr);
  });

  it('fits the table to 80 and 40 columns, naming what it left out; --wide shows everything', async () => {
    writeFixture();
    for (const width of [80, 40]) {
      vi.stubEnv('COLUMNS', String(width));
      const text = (await run('log')).stdout;
      for (const line of text.trimEnd().split('\n')) expect(line.length, line).toBeLessThanOrEqual(width);
      expect(text.replace(/\n(?!\d{4}-)/g, ' ')).toMatch(new RegExp(`\\((?:KIND, )?TOKENS, CHANNEL,.* left out to fit ${width} columns; --wide shows them\\) $`));
    }
    vi.stubEnv('COLUMNS', '40');
    const wide = (await run('log', '--wide')).stdout.split('\n');
    expect(wide[0]).toBe('WHEN              KIND  CASE  TOKENS  CHANNEL            MODE         OUTCOME     TOOK    DETAIL                             SESSION   CWD');
    expect(wide).toHaveLength(7);
  });

  it('colours outcomes on a terminal, not with NO_COLOR, not when piped', async () => {
    writeFixture();
    const { tty, noColor, piped } = await stdoutByTerminal(() => run('log'), 200);
    expect(tty).toContain('\u001b[32mrecovered\u001b[39m');
    expect(tty).toContain('\u001b[31mgave up\u001b[39m');
    expect(tty).toContain('\u001b[33munresolved\u001b[39m');
    expect(noColor).toContain('gave up');
    expect(noColor).not.toContain('\u001b[');
    expect(piped).not.toContain('\u001b[');
    vi.stubEnv('FORCE_COLOR', '1');
    expect((await run('log')).stdout).toContain('\u001b[31mgave up\u001b[39m');
  });

  it('has help with examples', async () => {
    const result = await run('log', '--help');
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('Usage: claude-recover log [options]');
    expect(result.stdout).toContain('$ claude-recover log --since 7d');
  });
});

describe('claude-recover stats', () => {
  it('prints the report with the per-day chart', async () => {
    writeFixture();
    const result = await run('stats');
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('5 occurrences in the whole log: 5 gates\n');
    expect(result.stdout).toContain('Guard: 5 near-misses, 1 auto-compact, 3 blocks avoided (1 still within the\n  hour)\n');
    expect(result.stdout.endsWith('  2025-03-09  0\n  2025-03-10  2 ████████████████████████\n')).toBe(true);
  });

  it('prints JSON with --json, limited by --since', async () => {
    writeFixture();
    const result = await run('stats', '--json', '--since', '2025-03-08');
    const stats = JSON.parse(result.stdout) as Stats;
    expect(stats.occurrences).toBe(3);
    expect(stats.since).toBe('2025-03-08T00:00:00.000Z');
    expect(stats.perDay.map((d) => d.count)).toEqual([1, 0, 2]);
  });

  it('fits 40 columns: the chart bars are shorter, the tables still whole', async () => {
    writeFixture();
    vi.stubEnv('COLUMNS', '40');
    const lines = (await run('stats')).stdout.trimEnd().split('\n');
    for (const line of lines) expect(line.length, line).toBeLessThanOrEqual(40);
    expect(lines).toContain('        RECOVERED  GAVE UP  UNRESOLVED');
    expect(lines).toContain('(TOTAL left out to fit 40 columns;');
    expect((await run('stats', '--wide')).stdout).toContain('        RECOVERED  GAVE UP  UNRESOLVED  TOTAL\n');
    expect(lines.at(-1)).toBe('  2025-03-10  2 ███████████████████████');
  });

  it('has help that defines blocks avoided', async () => {
    const result = await run('stats', '--help');
    expect(result.exitCode).toBe(0);
    expect(result.stdout.replace(/\s+/g, ' ')).toContain('"Blocks avoided" counts guard episodes');
  });
});
