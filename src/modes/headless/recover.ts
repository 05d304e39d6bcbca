// Runs the recovery sequence for a headless mode: the same steps as in the terminal
// (stop, checkpoint, compact, resume) through the mode's ChildControl, without the
// prompt-restore step (a headless mode sends the blocked request again itself) and with
// no progress lines (the caller gets one line at the end).
import type { Config } from '../../config/types.js';
import type { GateOccurrence } from '../../detect/watcher.js';
import type { LogSink, RunMode } from '../../log/types.js';
import { stateDir } from '../../paths.js';
import type { RecoveryResult } from '../../recovery/recover.js';
import type { ChildControl } from '../../recovery/types.js';

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

/** Writes the `gave-up` entry of an occurrence a mode let through on purpose (case B, a re-run). */
export function logPassed(log: LogSink, occurrence: GateOccurrence, reason: string): void {
  log.write({ ts: new Date().toISOString(), type: 'gave-up', occurrence: occurrence.occurrence, sessionId: occurrence.sessionId, totalMs: 0, reason, tried: [] });
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

const short = (id: string | null): string => (id ? id.slice(0, 8) : 'unknown');

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

