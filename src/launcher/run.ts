// The `run` command's work, the path every `claude` launch takes: claude in a transparent PTY
// with the gate watched and recovered, a headless mode for `-p` and stream-json, or claude
// itself when there is no terminal. src/cli.ts calls it directly, without the command set.
import { loadConfig, warningSummary } from '../config/load.js';
import { describeError } from '../errors.js';
import { findClaude } from './find-claude.js';
import { runInherited } from './inherit.js';
import { startInteractive, Warnings } from './interactive.js';
import { createFileSink } from '../log/sink.js';
import { headlessModeOf } from '../modes/args.js';
import { dieBySignal } from '../terminal/signals.js';

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

  // Headless runs (`-p`, stream-json sessions of Agent SDK apps) have their own adapters,
  // loaded only for them: the interactive path never pays for them.
  const headless = headlessModeOf(args);
  if (headless !== null) {
    const log = createFileSink({ env, maxBytes: config.log.maxBytes, keep: config.log.keep, report: warn });
    const run = headless === 'print' ? (await import('../modes/print/run.js')).runPrint : (await import('../modes/stream-json/run.js')).runStreamJson;
    return run({ claudePath: found.path, args, cwd: process.cwd(), env: childEnv, config, log, warn });
  }

  if (!process.stdin.isTTY || !process.stdout.isTTY) return runInherited(found.path, args, childEnv);

  let pty: typeof import('@lydell/node-pty');
  try {
    pty = (await import('@lydell/node-pty')).default;
  } catch (error) {
    warn(`node-pty could not load (${describeError(error)}); running plain claude without recovery. Reinstall claude-recover to get its prebuilt PTY binary back.`);
    return runInherited(found.path, args, childEnv);
  }

  const log = createFileSink({ env, maxBytes: config.log.maxBytes, keep: config.log.keep, report: warn });
  const started = startInteractive({ pty, claudePath: found.path, args, cwd: process.cwd(), env: childEnv, config, log, warnings });
  if (started === null) return runInherited(found.path, args, childEnv);
  const status = await started.finished;
  started.session.releaseSignals();
  // After a hang-up Node's own exit would abort on the dead tty: end by the signal instead.
  if (started.session.endSignal === 'SIGHUP') dieBySignal('SIGHUP');
  return status;
}
