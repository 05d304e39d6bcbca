// Runs the recovery sequence for a headless mode: the same steps as in the terminal
// (stop, checkpoint, compact, resume) through the mode's ChildControl, without the
// prompt-restore step (a headless mode sends the blocked request again itself) and with
// no progress lines (the caller gets one line at the end).
import type { Config } from '../../config/types.js';
import type { BlockOccurrence, GateOccurrence, UsageLimitOccurrence } from '../../detect/watcher.js';
import type { LogSink, RunMode, WaitedEntry } from '../../log/types.js';
import { stateDir } from '../../paths.js';
import type { RecoveryResult } from '../../recovery/recover.js';
import type { ChildControl } from '../../recovery/types.js';

const short = (id: string | null): string => (id ? id.slice(0, 8) : 'unknown');

export interface HeadlessRecoveryOptions {
  config: Config;
  log: LogSink;
  env: NodeJS.ProcessEnv;
  cwd: string;
  claudePath: string;
  userArgs: readonly string[];
  signal: AbortSignal;
}

/** Compacts the blocked session and brings claude back through `control`. Never throws. */
export async function recoverHeadless(occurrence: GateOccurrence, control: ChildControl, options: HeadlessRecoveryOptions): Promise<RecoveryResult> {
  // Loaded on first use: recovery's dependencies are no start-up cost.
  const { recoverOccurrence } = await import('../../recovery/recover.js');
  return recoverOccurrence(
    { ...occurrence, cwd: options.cwd, claudePath: options.claudePath, userArgs: [...options.userArgs] },
    control,
    {
      config: { ...options.config, promptRestore: 'off' },
      log: options.log,
      stateDir: stateDir(options.env),
      env: options.env,
      signal: options.signal,
    },
  );
}

/**
 * Writes the outcome of an occurrence a mode let through on purpose: the gate's `gave-up`
 * (case B, a re-run), a usage limit's `waited` (passed, or past the maximum), a refused
 * image's `stood-aside`.
 */
export function logPassed(log: LogSink, occurrence: BlockOccurrence, reason: string, until: 'passed' | 'over-max' = 'passed'): void {
  const ts = new Date().toISOString();
  const { sessionId } = occurrence;
  if (occurrence.kind === 'credits-1m') log.write({ ts, type: 'gave-up', occurrence: occurrence.occurrence, sessionId, totalMs: 0, reason, tried: [] });
  else if (occurrence.kind === 'usage-limit') logWaited(log, occurrence, { waitedMs: 0, until, detail: reason });
  else log.write({ ts, type: 'stood-aside', occurrence: occurrence.occurrence, sessionId, reason });
}

/** Writes a usage limit's `waited` entry. */
export function logWaited(log: LogSink, occurrence: UsageLimitOccurrence, fields: Pick<WaitedEntry, 'waitedMs' | 'until'> & Partial<Pick<WaitedEntry, 'by' | 'detail'>>): void {
  log.write({ ts: new Date().toISOString(), type: 'waited', occurrence: occurrence.occurrence, sessionId: occurrence.sessionId, ...fields });
}

/** The stderr line of a headless run that waits for a usage limit to reset. */
export function waitLine(mode: RunMode, occurrence: UsageLimitOccurrence, until: number): string {
  const what = mode === 'print' ? 'run the same command again' : 'send the blocked message again';
  return `claude-recover: the ${occurrence.limit} stopped session ${short(occurrence.sessionId)}; waiting until ${new Date(until).toISOString()} (the reset plus usageLimit.marginSeconds), sending nothing, then it will ${what}.`;
}

/**
 * The `step` entry of what a headless mode actually started (the shared `resume` step describes
 * the interactive command line). Never the prompt: only option names are named.
 */
export function logRerun(log: LogSink, occurrence: string, name: 'rerun' | 'restart', argv: readonly string[], model: string | null): void {
  const options = [...new Set(argv.filter((arg) => arg.startsWith('--') || /^-[a-zA-Z]+$/.test(arg)).map((arg) => arg.split('=')[0] as string))];
  log.write({
    ts: new Date().toISOString(),
    type: 'step',
    occurrence,
    name,
    ...(model === null ? {} : { model }),
    timedOut: false,
    durationMs: 0,
    ok: true,
    detail: `the caller's own command on the recovered session: ${options.join(' ')}`,
  });
}


/** The one line on stderr that says what happened to a blocked headless request. */
export function outcomeLine(mode: RunMode, occurrence: GateOccurrence, outcome: { recovered: true; worked: string; model: string | null } | { recovered: false; reason: string }): string {
  const what = mode === 'print' ? 'ran the command again' : 'sent the blocked message again';
  const session = `session ${short(occurrence.sessionId)}`;
  if (outcome.recovered) {
    const compacted = outcome.worked === 'clear' ? 'started a fresh session' : `compacted it (${outcome.worked})`;
    return `claude-recover: the 1M-context credits gate blocked ${session}; ${compacted} and ${what}${outcome.model ? ` with ${outcome.model}` : ''}.`;
  }
  return `claude-recover: the 1M-context credits gate blocked ${session} (case ${occurrence.case}); not recovered: ${outcome.reason}. claude's own output follows; see \`claude-recover log\`.`;
}

