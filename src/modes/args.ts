// Which way claude runs, read from its arguments, and the command line that runs the same
// headless command again in a recovered session. Light: `run` reads the mode at every start.
import { tokenizeClaudeArgs, type ArgToken } from '../recovery/resume-args.js';

/** A headless way of running claude, each with its adapter under src/modes/. */
export type HeadlessMode = 'print' | 'stream-json';

/** What `-p` prints: `--output-format`, text by default. */
export type OutputFormat = 'text' | 'json' | 'stream-json';

function optionValue(tokens: readonly ArgToken[], name: string): string | null {
  let value: string | null = null;
  for (const token of tokens) if (token.name === name && token.values[0] !== undefined) value = token.values[0];
  return value;
}

/**
 * `stream-json` for `--input-format stream-json` (the Agent SDK's and IDEs' way: one process,
 * many turns, control requests both ways); `print` for `-p`/`--print`; null otherwise (the
 * terminal, or plain pass-through).
 */
export function headlessModeOf(args: readonly string[]): HeadlessMode | null {
  const tokens = tokenizeClaudeArgs(args);
  if (optionValue(tokens, '--input-format') === 'stream-json') return 'stream-json';
  return tokens.some((token) => token.name === '--print') ? 'print' : null;
}

/** The output format a `-p` run asked for. */
export function outputFormatOf(args: readonly string[]): OutputFormat {
  const value = optionValue(tokenizeClaudeArgs(args), '--output-format');
  return value === 'json' || value === 'stream-json' ? value : 'text';
}

/** Options that choose the session: replaced by `--resume <id>` in a re-run. */
const SESSION_SELECTION = new Set(['--continue', '--resume', '--session-id', '--fork-session', '--from-pr', '--teleport', '--remote']);

/**
 * The same headless command in session `sessionId`: the user's arguments in their order, with
 * the session selection replaced by `--resume <id>` and, when `model` is given, `--model`
 * replaced by it. Print mode, output format, the prompt and every other flag stay. A null
 * session id leaves the selection out (a fresh session).
 */
export function rerunArgs(userArgs: readonly string[], sessionId: string | null, model: string | null): string[] {
  const out = [...(sessionId === null ? [] : ['--resume', sessionId]), ...(model === null ? [] : ['--model', model])];
  for (const token of tokenizeClaudeArgs(userArgs)) {
    if (token.name !== null && SESSION_SELECTION.has(token.name)) continue;
    if (model !== null && token.name === '--model') continue;
    out.push(...token.words);
  }
  return out;
}
