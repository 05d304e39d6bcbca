// The claude-recover command line. `run` is the hot path (it starts with every `claude`),
// so it loads only what it needs; `--version` alone answers without the command set; every
// other command goes through the commander program in ./program.ts, loaded on demand.
import type { Command } from 'commander';
import { describeError, ExitCode, UserError } from './errors.js';

/** The program's version flags (src/program.ts). */
const VERSION_FLAGS = ['-V', '--version'];

/** Runs the CLI with these arguments (without node and the script). */
export async function main(argv: string[]): Promise<void> {
  try {
    if (argv[0] === 'run') {
      // claude's arguments go through untouched, options included: commander never sees them.
      const claudeArgs = argv.slice(1);
      if (claudeArgs[0] === '--') claudeArgs.shift();
      const { runCommand } = await import('./launcher/run.js');
      process.exitCode = await runCommand(claudeArgs);
      return;
    }
    if (argv.length === 1 && VERSION_FLAGS.includes(argv[0] as string)) {
      // What commander prints for it (a unit test holds the two together).
      const { VERSION } = await import('./version.js');
      process.stdout.write(`${VERSION}\n`);
      return;
    }
    const { buildProgram } = await import('./program.js');
    await runProgram(buildProgram(), argv);
  } catch (error) {
    await reportError(error);
  }
}

/**
 * Runs a commander program on `argv` the way main does: help and version exit 0, a usage
 * error (commander's or a command's own) is one line with `see … --help` and exit 2, any
 * other failure is reported. Exported so the command tests run a program with only the
 * commands under test through it.
 */
export async function runProgram(program: Command, argv: string[]): Promise<void> {
  const { CommanderError } = await import('commander');
  if (!process.stdout.listeners('error').includes(ignoreClosedPipe)) process.stdout.on('error', ignoreClosedPipe);
  // Help at the terminal's width, the commands' own paragraphs re-flowed; the width module is
  // loaded only when help may be shown (it costs start-up time every other command would pay).
  const helpAsked = argv.length === 0 || argv[0] === 'help' || argv.includes('--help') || argv.includes('-h');
  const help = helpAsked ? await import('./ui/width.js') : null;
  const width = (): number => help?.terminalColumns(process.stdout) ?? 80;
  for (const command of [program, ...program.commands]) {
    command
      .exitOverride()
      // Commander would print its message and then the whole help; the one line below replaces both.
      .showHelpAfterError(false)
      .configureOutput({
        outputError: () => undefined,
        getOutHelpWidth: width,
        writeOut: (text) => void process.stdout.write(help ? help.reflow(text, width()) : text),
      })
      .configureHelp({ minWidthToWrap: 20 });
  }
  let current: Command = program;
  program.hook('preSubcommand', (_program, subcommand) => {
    current = subcommand;
  });
  if (argv.length === 0) {
    // Bare `claude-recover`: what it is and what it can do.
    program.outputHelp();
    process.exitCode = ExitCode.ok;
    return;
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    if (!(error instanceof CommanderError)) {
      await reportError(error, commandPath(current));
    } else if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') {
      process.exitCode = ExitCode.ok;
    } else {
      await reportError(new UserError(usageMessage(error.message), { exitCode: ExitCode.usage, cause: error }), commandPath(current));
    }
  }
}

/**
 * One line on stderr and the exit code, never a stack trace. A usage error (exit 2) ends
 * with where the help is: `see claude-recover <command> --help`.
 */
export async function reportError(error: unknown, command = 'claude-recover'): Promise<void> {
  // Loaded here, not at the top: `run` starts with every claude and only needs it on failure.
  const { errorLine } = await import('./ui/message.js');
  if (error instanceof UserError) {
    const hint = error.exitCode === ExitCode.usage ? `; see ${command} --help` : '';
    process.stderr.write(errorLine(`${error.message}${hint}`));
    process.exitCode = error.exitCode;
    return;
  }
  process.stderr.write(errorLine(`internal error: ${describeError(error)}`));
  process.exitCode = ExitCode.failure;
}

/** Commander's message as one line: `unknown command 'lgo' (did you mean log?)`, `--gate-at: expected …`. */
export function usageMessage(message: string): string {
  const invalid = /^error: option '(\S+)[^']*' argument '.*' is invalid\. ([\s\S]*)$/.exec(message);
  const text = invalid ? `${invalid[1]}: ${invalid[2]}` : message.replace(/^error: /, '');
  return text
    .replace(/\n\(Did you mean (.+)\?\)/, ' (did you mean $1?)')
    .replace(/\s*\n\s*/g, ' ')
    .trim()
    .replace(/\.$/, '');
}

/**
 * `claude-recover log --help | head -3`: the reader is gone, so the rest of the output has
 * nowhere to go; that is not an error to report (Node would throw it from the stream).
 */
function ignoreClosedPipe(error: NodeJS.ErrnoException): void {
  if (error.code !== 'EPIPE') throw error;
}

function commandPath(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}
