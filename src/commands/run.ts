// `claude-recover run [--] <claude args…>`: claude itself, in a transparent PTY, with
// the gate watched and recovered. Every argument goes to claude untouched.
import type { Command } from 'commander';
import { loadConfig, warningSummary } from '../config/load.js';
import { describeError } from '../errors.js';
import { findClaude } from '../launcher/find-claude.js';
import { runInherited } from '../launcher/inherit.js';
import { InteractiveSession } from '../terminal/session.js';
import { UserTerminal } from '../terminal/tty.js';

export function register(program: Command): void {
  program
    .command('run')
    .description('run claude with every argument untouched, recovering from the 1M-context credits gate')
    .argument('[claude-args...]', 'arguments for claude, passed through unchanged')
    .addHelpText(
      'after',
      `
Everything after \`run\` goes to claude, options included (\`claude-recover run --help\`
shows claude's help). Use it through an alias:

  alias claude='claude-recover run --'
  claude                      # an interactive session, watched
  claude -p "hi" | jq         # piped: no PTY, bytes pass straight through
  claude --resume <id>        # any claude arguments work`,
    );
  // The arguments never reach commander: main() hands them to runCommand() verbatim.
}

/**
 * One-line warnings, each said once: claude-recover's own trouble never stops claude.
 * While a child owns the screen they wait, and are said when it is handed back.
 */
class Warnings {
  private readonly said = new Set<string>();
  private readonly waiting: string[] = [];
  private screenOwned = false;

  readonly warn = (message: string): void => {
    if (this.said.has(message)) return;
    this.said.add(message);
    if (this.screenOwned) this.waiting.push(message);
    else process.stderr.write(`claude-recover: ${message}\n`);
  };

  /** While true, warnings are held back. */
  hold(owned: boolean): void {
    this.screenOwned = owned;
    if (owned) return;
    for (const message of this.waiting.splice(0)) process.stderr.write(`claude-recover: ${message}\n`);
  }
}

/** Runs claude for the `run` command; resolves with the exit status to end with. */
export async function runCommand(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  if (env.CLAUDE_RECOVER_ACTIVE === '1') {
    // Started by claude itself (its Bash tool running `claude`): never wrap twice.
    const found = findClaude({ env });
    return runInherited(found.path, args, env);
  }
  const warnings = new Warnings();
  const { warn } = warnings;
  const loaded = loadConfig(env);
  const configWarning = warningSummary(loaded.warnings);
  if (configWarning !== null) warn(configWarning);
  const { config } = loaded;
  const found = findClaude({ env, configPath: config.claudePath || undefined });
  const childEnv: NodeJS.ProcessEnv = { ...env, CLAUDE_RECOVER_ACTIVE: '1' };

  if (!process.stdin.isTTY || !process.stdout.isTTY) return runInherited(found.path, args, childEnv);

  let pty: typeof import('node-pty');
  try {
    pty = (await import('node-pty')).default;
  } catch (error) {
    warn(`node-pty could not load (${describeError(error)}); running plain claude without recovery. Reinstall claude-recover to rebuild it.`);
    return runInherited(found.path, args, childEnv);
  }

  const terminal = new UserTerminal(process.stdin, process.stdout);
  const restore = (): void => terminal.restore();
  process.on('exit', restore);
  const session = new InteractiveSession({ pty, claudePath: found.path, cwd: process.cwd(), env: childEnv, terminal, warn });
  // An exception inside claude-recover must not take claude down with it.
  const onUncaught = (error: unknown): void => warn(`internal error, recovery may be off for this session: ${describeError(error)}`);
  process.on('uncaughtException', onUncaught);
  try {
    try {
      session.start(args);
      warnings.hold(true);
    } catch (error) {
      session.finish(1);
      warn(`could not open a pseudo-terminal (${describeError(error)}); running plain claude without recovery.`);
      return await runInherited(found.path, args, childEnv);
    }
    return await session.finished;
  } finally {
    process.off('uncaughtException', onUncaught);
    process.off('exit', restore);
    restore();
    warnings.hold(false);
  }
}
