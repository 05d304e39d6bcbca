// The recovery sequence by hand (`claude-recover recover`), for a session blocked outside the
// wrapper: there is no blocked child to stop; at the end claude comes back in this terminal
// with the session and the prompt, or the command to run is printed without a terminal.
import { randomUUID } from 'node:crypto';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { loadConfig, warningSummary } from '../config/load.js';
import type { Config } from '../config/types.js';
import { describeError, ExitCode, UserError } from '../errors.js';
import { claudeVersion, findClaude } from './find-claude.js';
import { createFileSink } from '../log/sink.js';
import type { LogSink } from '../log/types.js';
import { stateDir, tilde } from '../paths.js';
import { pruneImages } from '../recovery/prune-images.js';
import { recoverOccurrence } from '../recovery/recover.js';
import { liveSessionPid } from '../transcript/locate.js';
import { backupDir } from '../recovery/checkpoint.js';
import { caseASteps, shellLine, type RecoveryRequest } from '../recovery/steps.js';
import { locateSession, sessionDirectory } from '../recovery/target.js';
import { sessionFacts } from '../recovery/transcript-scan.js';
import type { ChildControl, Notice, Progress, RespawnOptions, StopResult } from '../recovery/types.js';
import { dieBySignal } from '../terminal/signals.js';
import { loadWidth, renderProgress } from '../terminal/status.js';
import { coloursFor } from '../ui/colour.js';
import { terminalColumns } from '../ui/width.js';

export interface RecoverCommandOptions {
  session?: string;
  dryRun?: boolean;
  /** With dryRun: every line whole, however wide. */
  wide?: boolean;
  /** claude flags for the resumed session. */
  claudeArgs?: string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  out?: (text: string) => void;
  /** The terminal the session comes back in (tests inject one). */
  control?: ByHandTerminal;
}

/** A ChildControl for a recovery by hand, plus the end of the session it starts. */
export interface ByHandTerminal extends ChildControl {
  /** After recovery: waits for the resumed claude and returns its exit status (null: none was started). */
  finished(): Promise<number | null>;
}

/**
 * By hand there is no child to stop; claude comes back in a PTY session in this terminal
 * (the terminal session's own ChildControl does the waiting and typing). Without a terminal
 * it is not started; the command to run is printed instead.
 */
export class ByHandControl implements ByHandTerminal {
  private session: import('../terminal/session.js').InteractiveSession | null = null;
  private sessionFinished: Promise<number> | null = null;
  private statusShown = false;
  private pending: string[] | null = null;

  constructor(
    private readonly claudePath: string,
    private readonly cwd: string,
    private readonly env: NodeJS.ProcessEnv,
    private readonly config: Config,
    private readonly log: LogSink,
  ) {}

  async stop(): Promise<StopResult> {
    return { exitCode: null, signal: null, how: 'already-exited', timedOut: false };
  }

  async respawn(args: string[], options: RespawnOptions = {}): Promise<void> {
    this.progress(null);
    if (!process.stdin.isTTY || !process.stdout.isTTY) {
      this.pending = args;
      return;
    }
    // The same watched session as `claude-recover run`: a second block is caught too.
    const [{ default: pty }, { startInteractive, Warnings }] = await Promise.all([import('@lydell/node-pty'), import('./interactive.js')]);
    const started = startInteractive({
      pty,
      claudePath: this.claudePath,
      args,
      cwd: this.cwd,
      env: { ...this.env, CLAUDE_RECOVER_ACTIVE: '1' },
      config: this.config,
      log: this.log,
      warnings: new Warnings(),
      notice: options.notice,
    });
    if (started === null) {
      this.pending = args;
      return;
    }
    this.session = started.session;
    this.sessionFinished = started.finished;
  }

  async waitForPrompt(timeoutMs: number): Promise<boolean> {
    return this.session ? this.session.waitForPrompt(timeoutMs) : false;
  }

  async typeInput(text: string, submit: boolean): Promise<void> {
    await this.session?.typeInput(text, submit);
  }

  /** One row on stderr, redrawn in place on a terminal; one line per step when piped. */
  progress(update: Progress | null): void {
    if (this.session?.childRunning) return;
    if (update === null) {
      if (this.statusShown) process.stderr.write('\r\u001b[2K');
      this.statusShown = false;
      return;
    }
    const row = renderProgress(update, Date.now() - update.since, terminalColumns(process.stderr), '·', coloursFor(process.stderr));
    if (process.stderr.isTTY) {
      process.stderr.write(`\r\u001b[2K${row}`);
      this.statusShown = true;
    } else {
      process.stderr.write(`${row}\n`);
    }
  }

  notify(notice: Notice): void {
    if (this.session?.childRunning) return this.session.notify(notice);
    this.progress(null);
    process.stderr.write(`${notice.text.join('\n')}\n`);
  }

  async finished(): Promise<number | null> {
    this.progress(null);
    if (this.pending) {
      process.stderr.write(`claude-recover: not a terminal, so claude was not started; resume with:\n  cd ${shellLine([this.cwd])} && ${shellLine(['claude', ...this.pending])}\n`);
      return ExitCode.ok;
    }
    if (!this.session || !this.sessionFinished) return null;
    this.session.releaseInput();
    const status = await this.sessionFinished;
    this.session.releaseSignals();
    // After a hang-up Node's own exit would abort on the dead tty: end by the signal instead.
    if (this.session.endSignal === 'SIGHUP') dieBySignal('SIGHUP');
    return status;
  }
}

/**
 * The plan for --dry-run: the paths once at the top, then the steps naming them, wrapped to
 * the terminal (a path too long for a line loses its middle); with `wide`, nothing wrapped
 * or shortened.
 */
async function dryRun(request: RecoveryRequest, file: string, config: Config, state: string, env: NodeJS.ProcessEnv, out: (text: string) => void, wide: boolean): Promise<void> {
  const [{ formatTokens }, { formatBytes }, { labelled: fitLabelled, labelledPath, terminalColumns }] = await Promise.all([
    import('../log/format.js'),
    import('../ui/bytes.js'),
    import('../ui/width.js'),
  ]);
  const columns = wide ? Number.MAX_SAFE_INTEGER : terminalColumns(process.stdout, env);
  const labelled = (label: string, text: string): string => fitLabelled(label, text, columns, 'shorten');
  const size = (await stat(file)).size;
  const images = await pruneImages(file, { dryRun: true });
  const backups = backupDir(state);
  // The id is what the other commands take (--session): never shortened.
  out(labelledPath('Session ', request.sessionId ?? 'unknown', columns));
  out(labelled('  transcript  ', tilde(file, env)));
  out(labelled('  claude      ', tilde(request.claudePath, env)));
  out(labelled('  backups     ', tilde(backups, env)));
  const facts = [formatBytes(size), `model ${request.requestedModel ?? 'unknown'}`, `claude ${request.claudeVersion ?? 'unknown'}`, `context ${formatTokens(request.contextTokens)} tokens`];
  out(labelled('  session     ', facts.join(' · ')));
  out('');
  out('Plan (--dry-run changes nothing):');
  // Each step's text names the full paths and the session; here they are named once, above.
  // Longest first: the transcript's path holds the session id.
  const names: Array<[string, string]> = [
    [file, 'the transcript'],
    [shellLine([request.claudePath]), 'claude'],
    [request.claudePath, 'claude'],
    [`${backups}${path.sep}`, 'backups/'],
    ...(request.sessionId ? ([[request.sessionId, '<session>']] as Array<[string, string]>) : []),
  ];
  caseASteps(request, file, config, state).forEach((step, i) => {
    let text = step.describe;
    for (const [long, short] of names) text = text.split(long).join(short);
    const label = `${String(i + 1).padStart(2)}. `;
    out(labelled(label, `${step.name}${step.model ? ` (${step.model})` : ''}: ${text}`));
    if (step.whenText) out(labelled(' '.repeat(label.length + 2), step.whenText));
  });
  out('');
  out(
    labelled(
      '',
      images.images > 0
        ? `prune-images, if it comes to it, would replace ${images.images} image${images.images === 1 ? '' : 's'} (${formatBytes(images.bytesRemoved)} of base64) in ${images.records.length} record${images.records.length === 1 ? '' : 's'}.`
        : 'The transcript has no base64 images: prune-images would find nothing to remove.',
    ),
  );
}

/** Runs the command; resolves with the exit status. */
export async function recoverCommand(options: RecoverCommandOptions = {}): Promise<number> {
  const env = options.env ?? process.env;
  const out = options.out ?? ((text: string) => void process.stdout.write(`${text}\n`));
  // Loaded here, not with the module: every command's module is loaded for any command.
  const [{ warningLine }, { fitWidth, reflow, terminalColumns }] = await Promise.all([import('../ui/message.js'), import('../ui/width.js')]);
  // On a terminal the notice's prose is wrapped at spaces (its indented commands stay whole).
  const warn = (message: string): void =>
    void process.stderr.write(`${process.stderr.isTTY ? reflow(`claude-recover: ${message}`, terminalColumns(process.stderr, env)) : `claude-recover: ${message}`}\n`);
  const loaded = loadConfig(env);
  const configWarning = warningSummary(loaded.warnings);
  if (configWarning !== null) process.stderr.write(warningLine(configWarning));
  const { config } = loaded;
  const cwd = options.cwd ?? process.cwd();
  const target = await locateSession(options.session, cwd, env);
  const located = { ...target, cwd: await sessionDirectory(target, cwd) };
  const facts = await sessionFacts(located.file);
  const found = findClaude({ env, configPath: config.claudePath || undefined });
  const request: RecoveryRequest = {
    occurrence: `manual-${randomUUID()}`,
    case: 'A',
    sessionId: located.sessionId,
    transcriptPath: located.file,
    cwd: located.cwd,
    claudePath: found.path,
    userArgs: options.claudeArgs ?? [],
    requestedModel: facts.requestedModel,
    claudeVersion: facts.version ?? (await claudeVersion(found.path, env)),
    contextTokens: facts.contextTokens,
  };
  const state = stateDir(env);
  if (options.dryRun) {
    await dryRun(request, located.file, config, state, env, out, options.wide === true);
    return ExitCode.ok;
  }
  const pid = liveSessionPid(located.sessionId, env);
  if (pid !== null) {
    throw new UserError(`expected session ${located.sessionId} to be closed, got it open in claude (pid ${pid}); exit that claude (/exit) first, then run this again`);
  }
  const log = createFileSink({ env, maxBytes: config.log.maxBytes, keep: config.log.keep });
  log.write({
    ts: new Date().toISOString(),
    type: 'detected',
    occurrence: request.occurrence,
    variant: 'manual',
    channel: 'transcript',
    case: 'A',
    contextTokens: request.contextTokens ?? null,
    thresholds: { standardWindow: config.cases.standardWindow, caseAMinTokens: config.cases.caseAMinTokens },
    reason: 'claude-recover recover, run by hand',
    claudeVersion: request.claudeVersion,
    sessionId: request.sessionId,
    cwd: request.cwd,
  });
  const control = options.control ?? new ByHandControl(found.path, located.cwd, env, config, log);
  await loadWidth();
  const result = await recoverOccurrence(request, control, {
    config,
    log,
    stateDir: state,
    env,
    skipLoopGuard: true,
  });
  if (!result.noticeShown && result.notice) warn(result.notice.replace(/^claude-recover: /, ''));
  try {
    const status = await control.finished();
    if (result.outcome !== 'recovered') return ExitCode.failure;
    return status ?? ExitCode.ok;
  } catch (error) {
    throw new UserError(`expected claude to come back, got: ${describeError(error)}`, { cause: error });
  }
}
