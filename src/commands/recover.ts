// `claude-recover recover [--session <id>] [--dry-run] [-- <claude flags>]`: the recovery
// sequence by hand, for a session blocked outside the wrapper. There is no blocked child to
// stop; at the end claude comes back in this terminal with the session and the prompt.
import { randomUUID } from 'node:crypto';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { loadConfig, warningSummary } from '../config/load.js';
import type { Config } from '../config/types.js';
import { describeError, ExitCode, UserError } from '../errors.js';
import { claudeVersion, findClaude } from '../launcher/find-claude.js';
import { createFileSink } from '../log/sink.js';
import type { LogSink } from '../log/types.js';
import { stateDir } from '../paths.js';
import { pruneImages } from '../recovery/prune-images.js';
import { recoverOccurrence } from '../recovery/recover.js';
import { findTypedTranscript, liveSessionPid, newestTranscript, projectDir, projectDirName } from '../transcript/locate.js';
import { caseASteps, describeSteps, shellLine, type RecoveryRequest } from '../recovery/steps.js';
import { sessionFacts } from '../recovery/transcript-scan.js';
import type { ChildControl, Notice, Progress, RespawnOptions, StopResult } from '../recovery/types.js';
import { dieBySignal } from '../terminal/signals.js';
import { loadWidth, renderProgress } from '../terminal/status.js';
import { coloursFor } from '../ui/colour.js';
import { terminalColumns } from '../ui/width.js';

export interface RecoverCommandOptions {
  session?: string;
  dryRun?: boolean;
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
    const [{ default: pty }, { startInteractive, Warnings }] = await Promise.all([import('@lydell/node-pty'), import('../launcher/interactive.js')]);
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

interface Located {
  sessionId: string;
  file: string;
  /** The directory the session belongs to (claude --resume only finds it from there). */
  cwd: string;
}

async function locate(options: RecoverCommandOptions, cwd: string, env: NodeJS.ProcessEnv): Promise<Located> {
  let sessionId = options.session;
  let file: string | null;
  if (sessionId) {
    file = findTypedTranscript(cwd, sessionId, env);
    if (!file) {
      throw new UserError(
        `expected a transcript for session ${sessionId} in ${projectDir(cwd, env)} or another project directory, got none; check the id (the file name without .jsonl)`,
        { exitCode: ExitCode.notFound },
      );
    }
  } else {
    const newest = newestTranscript(projectDir(cwd, env));
    if (!newest) {
      throw new UserError(`expected a session transcript in ${projectDir(cwd, env)}, got none; run this in the directory the session ran in, or pass --session <id>`, {
        exitCode: ExitCode.notFound,
      });
    }
    sessionId = newest.sessionId;
    file = newest.path;
  }
  let sessionCwd = cwd;
  if (path.basename(path.dirname(file)) !== projectDirName(cwd)) {
    // Found under another project: the session's own cwd, as its records say.
    const recorded = (await sessionFacts(file)).cwd;
    if (!recorded || projectDirName(recorded) !== path.basename(path.dirname(file))) {
      throw new UserError(`expected to know the directory session ${sessionId} ran in, got none from ${file}; run this command in that directory`);
    }
    sessionCwd = recorded;
  }
  return { sessionId, file, cwd: sessionCwd };
}

function mib(bytes: number): string {
  return `${(bytes / (1 << 20)).toFixed(1)} MB`;
}

async function dryRun(request: RecoveryRequest, file: string, config: Config, state: string, out: (text: string) => void): Promise<void> {
  const size = (await stat(file)).size;
  const images = await pruneImages(file, { dryRun: true });
  out(`Session ${request.sessionId} (${file}, ${mib(size)})`);
  out(`  model ${request.requestedModel ?? 'unknown'} · claude ${request.claudeVersion ?? 'unknown'} · context ${request.contextTokens ?? 'unknown'} tokens`);
  out('Plan (--dry-run changes nothing):');
  out(describeSteps(caseASteps(request, file, config, state)));
  out(
    images.images > 0
      ? `prune-images, if it comes to it, would replace ${images.images} images (${mib(images.bytesRemoved)} of base64) in ${images.records.length} records.`
      : 'The transcript has no base64 images: prune-images would find nothing to remove.',
  );
}

/** Runs the command; resolves with the exit status. */
export async function recoverCommand(options: RecoverCommandOptions = {}): Promise<number> {
  const env = options.env ?? process.env;
  const out = options.out ?? ((text: string) => void process.stdout.write(`${text}\n`));
  const warn = (message: string): void => void process.stderr.write(`claude-recover: ${message}\n`);
  const loaded = loadConfig(env);
  const configWarning = warningSummary(loaded.warnings);
  if (configWarning !== null) warn(configWarning);
  const { config } = loaded;
  const located = await locate(options, options.cwd ?? process.cwd(), env);
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
    await dryRun(request, located.file, config, state, out);
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

export function register(program: Command): void {
  program
    .command('recover')
    .description('recover a session blocked by the 1M-context gate outside the wrapper: back it up, compact it with a small model, resume it')
    .option('--session <id>', "the session id (default: this directory's newest transcript)")
    .option('--dry-run', 'print the plan and change nothing')
    .argument('[claude-args...]', 'claude flags for the resumed session, after -- (e.g. -- --permission-mode plan)')
    .action(async (claudeArgs: string[], options: { session?: string; dryRun?: boolean }) => {
      process.exitCode = await recoverCommand({ session: options.session, dryRun: options.dryRun === true, claudeArgs });
    });
}
