import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { register as registerLog } from '../../../src/commands/log.js';
import { register as registerStats } from '../../../src/commands/stats.js';
import { createFileSink } from '../../../src/log/sink.js';
import type { Occurrence, Stats } from '../../../src/log/format.js';
import { FIXTURE, FIXTURE_NOW } from '../log/fixture.js';
import { runCommand, tempHome } from './harness.js';

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
    expect(result).toEqual({ stdout: `No gate occurrences logged (log: ${home.root}/.local/state/claude-recover/events.jsonl).\n`, stderr: '', exitCode: 0 });
  });

  it('prints the table, --limit keeping the most recent', async () => {
    writeFixture();
    const all = await run('log');
    expect(all.exitCode).toBe(0);
    expect(all.stdout.split('\n')).toHaveLength(7);
    expect(all.stdout).toMatch(/^WHEN {14}CASE/);
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
    expect(since.stderr).toBe('claude-recover: --since: expected a duration (30m, 12h, 7d, 2w) or a date (2025-01-31 or 2025-01-31T14:00), got "last week"\n');
    const limit = await run('log', '--limit', 'ten');
    expect(limit).toEqual({ stdout: '', stderr: 'claude-recover: --limit: expected a whole number (0 for all), got "ten"\n', exitCode: 2 });
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
    expect(result.stdout).toContain('5 gate occurrences in the whole log\n');
    expect(result.stdout).toContain('Guard: 5 near-misses, 1 auto-compact, 3 blocks avoided (1 still within the hour)\n');
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

  it('has help that defines blocks avoided', async () => {
    const result = await run('stats', '--help');
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('"Blocks avoided" counts guard episodes');
  });
});
