// `claude-recover log`: the logged occurrences of every kind of block as a table (or JSON).
import type { Command } from 'commander';
import { ExitCode, UserError } from '../errors.js';
import { eventsFile, readLog } from '../log/sink.js';
import { tilde } from '../paths.js';

interface LogOptions {
  since?: string;
  json?: boolean;
  limit?: string;
  wide?: boolean;
}

/** Rows the table shows without --limit (--json shows every one). */
const DEFAULT_ROWS = 20;

const EXAMPLES = `
Examples:
  $ claude-recover log                 the last ${DEFAULT_ROWS} occurrences
  $ claude-recover log --since 7d      everything from the last 7 days
  $ claude-recover log --since 2025-01-31 --limit 0
  $ claude-recover log --json | jq '.[] | select(.outcome == "gave-up")'

Each row is one block claude-recover saw, its KIND: the 1M-context credits gate
("gate"), a plan's usage limit, or an image the API refused. OUTCOME: "recovered" (and
the step that made it work), "gave up" (and why), "waited" (a usage limit: how long,
and how the session went on), "stood aside" (claude healed it, or may still), or
"unresolved" (claude-recover was stopped before it could finish). The table fits the
terminal: on a narrow one the least important columns are left out (--wide shows them
all). --json prints every matching occurrence with its steps, unless --limit is given.`;

export function register(program: Command): void {
  program
    .command('log')
    .description('show the logged blocks: when, which kind and case, the outcome and what worked')
    .option('--since <when>', 'only since a date (2025-01-31) or a duration back from now (30m, 12h, 7d, 2w)')
    .option('--json', 'print the occurrences as a JSON array (all of them unless --limit is given)')
    .option('--limit <n>', `show the most recent N occurrences, 0 for all (default: ${DEFAULT_ROWS} in the table)`)
    .option('--wide', 'every column at full width, however wide the terminal')
    .addHelpText('after', EXAMPLES)
    .action(async (options: LogOptions) => {
      await runLog(options, process.env);
    });
}

async function runLog(options: LogOptions, env: NodeJS.ProcessEnv): Promise<void> {
  // Loaded here, not with the module: every command's module is loaded for any command.
  const [{ formatLogTable, joinOccurrences, parseSince, unreadableNote }, { tonesFor }, { warningLine }, { droppedNote }, { terminalColumns }] = await Promise.all([
    import('../log/format.js'),
    import('../ui/colour.js'),
    import('../ui/message.js'),
    import('../ui/table.js'),
    import('../ui/width.js'),
  ]);
  if (options.limit !== undefined && !/^\d+$/.test(options.limit)) {
    throw new UserError(`--limit: expected a whole number (0 for all), got "${options.limit}"`, { exitCode: ExitCode.usage });
  }
  const limit = options.limit !== undefined ? Number(options.limit) : options.json ? 0 : DEFAULT_ROWS;
  const since = options.since === undefined ? undefined : parseSince(options.since);
  const { entries, unreadable } = readLog(env, { since });
  const all = joinOccurrences(entries);
  const shown = limit === 0 ? all : all.slice(-limit);
  if (options.json) {
    process.stdout.write(`${JSON.stringify(shown, null, 2)}\n`);
  } else if (all.length === 0) {
    process.stdout.write(`No occurrences logged${options.since ? ` since ${options.since}` : ''} (log: ${tilde(eventsFile(env), env)}).\n`);
  } else {
    const width = terminalColumns(process.stdout, env);
    const table = formatLogTable(shown, { home: env.HOME, width, wide: options.wide, tones: tonesFor(process.stdout, env) });
    const notes = [droppedNote(table.dropped, width), shown.length < all.length ? `(the last ${shown.length} of ${all.length}; --limit 0 shows all)` : null];
    process.stdout.write(`${[table.text, ...notes.filter((n) => n !== null)].join('\n')}\n`);
  }
  const note = unreadableNote(unreadable, tilde(eventsFile(env), env));
  if (note !== null) process.stderr.write(warningLine(note));
  process.exitCode = ExitCode.ok;
}
