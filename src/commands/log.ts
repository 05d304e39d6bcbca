// `claude-recover log`: the logged gate occurrences as a table (or JSON).
import type { Command } from 'commander';
import { ExitCode, UserError } from '../errors.js';
import { formatLogTable, joinOccurrences, parseSince } from '../log/format.js';
import { eventsFile, readEntries } from '../log/sink.js';

interface LogOptions {
  since?: string;
  json?: boolean;
  limit: string;
}

const EXAMPLES = `
Examples:
  $ claude-recover log                 the last 20 occurrences
  $ claude-recover log --since 7d      everything from the last 7 days
  $ claude-recover log --since 2025-01-31 --limit 0
  $ claude-recover log --json | jq '.[] | select(.outcome == "gave-up")'

Each row is one time the credits gate was seen, with its outcome: "recovered" (and the
step that made it work), "gave up" (and why), or "unresolved" (claude-recover was stopped
before it could finish). --json prints the same occurrences with their steps.`;

export function register(program: Command): void {
  program
    .command('log')
    .description('show the logged gate occurrences: when, which case, the outcome and what worked')
    .option('--since <when>', 'only since a date (2025-01-31) or a duration back from now (30m, 12h, 7d, 2w)')
    .option('--json', 'print the occurrences as a JSON array')
    .option('--limit <n>', 'show the most recent N occurrences (0 for all)', '20')
    .addHelpText('after', EXAMPLES)
    .action((options: LogOptions) => {
      runLog(options);
    });
}

function runLog(options: LogOptions): void {
  if (!/^\d+$/.test(options.limit)) {
    throw new UserError(`--limit: expected a whole number (0 for all), got "${options.limit}"`, { exitCode: ExitCode.usage });
  }
  const limit = Number(options.limit);
  const since = options.since === undefined ? undefined : parseSince(options.since);
  const all = joinOccurrences(readEntries(process.env, { since }));
  const shown = limit === 0 ? all : all.slice(-limit);
  if (options.json) {
    process.stdout.write(`${JSON.stringify(shown, null, 2)}\n`);
  } else if (all.length === 0) {
    process.stdout.write(`No gate occurrences logged${options.since ? ` since ${options.since}` : ''} (log: ${eventsFile(process.env)}).\n`);
  } else {
    process.stdout.write(`${formatLogTable(shown, { home: process.env.HOME })}\n`);
    if (shown.length < all.length) process.stdout.write(`(the last ${shown.length} of ${all.length}; --limit 0 shows all)\n`);
  }
  process.exitCode = ExitCode.ok;
}
