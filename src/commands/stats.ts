// `claude-recover stats`: counts, what worked, recovery times and a per-day chart.
import type { Command } from 'commander';
import { ExitCode } from '../errors.js';
import { eventsFile, readLog } from '../log/sink.js';
import { tilde } from '../paths.js';

interface StatsOptions {
  since?: string;
  json?: boolean;
  wide?: boolean;
}

const EXAMPLES = `
Examples:
  $ claude-recover stats
  $ claude-recover stats --since 30d
  $ claude-recover stats --since 2025-01-01 --json

Counts occurrences by kind of block; the 1M gate's by case (A: compaction can recover it,
B/C: it cannot) and by outcome, which recovery step worked how often, the median and
worst time to recover; how usage-limit waits ended and how long they were; refused
images healed by claude or removed by claude-recover; and what the context guard did. "Blocks avoided" counts guard episodes (near-misses and
auto-compacts in one session less than an hour apart) that were not followed by a gate
in that session within the next hour. The chart shows occurrences per day, up to the
last 31 days.`;

export function register(program: Command): void {
  program
    .command('stats')
    .description('summarize the log: occurrences by kind, case and outcome, what worked, recovery and wait times, a per-day chart')
    .option('--since <when>', 'only since a date (2025-01-31) or a duration back from now (30m, 12h, 7d, 2w)')
    .option('--json', 'print the numbers as JSON')
    .option('--wide', 'every column, however narrow the terminal')
    .addHelpText('after', EXAMPLES)
    .action(async (options: StatsOptions) => {
      // Loaded here, not with the module: every command's module is loaded for any command.
      const [{ computeStats, formatStats, parseSince, unreadableNote }, { tonesFor }, { warningLine }, { terminalColumns }] = await Promise.all([
        import('../log/format.js'),
        import('../ui/colour.js'),
        import('../ui/message.js'),
        import('../ui/width.js'),
      ]);
      const env = process.env;
      const now = new Date();
      const since = options.since === undefined ? undefined : parseSince(options.since, now);
      const { entries, unreadable } = readLog(env, { since });
      const stats = computeStats(entries, { now, since });
      process.stdout.write(
        options.json ? `${JSON.stringify(stats, null, 2)}\n` : `${formatStats(stats, { width: terminalColumns(process.stdout, env), wide: options.wide, tones: tonesFor(process.stdout, env) })}\n`,
      );
      const note = unreadableNote(unreadable, tilde(eventsFile(env), env));
      if (note !== null) process.stderr.write(warningLine(note));
      process.exitCode = ExitCode.ok;
    });
}
