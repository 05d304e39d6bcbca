// Builds the argv that brings a recovered session back: the user's own claude flags, with
// the session selection, print mode and prompt replaced by `--resume <id> --model <model>`.

/** How a claude option consumes the arguments after it (mirrors commander, which claude uses). */
type Arity = 'none' | 'one' | 'optional' | 'variadic';

interface OptionSpec {
  arity: Arity;
  /** drop: never carried over; model: replaced by the chosen model. */
  role?: 'drop' | 'model';
}

// Claude Code's options (2.1.x `claude --help`, hidden ones included where known). An option
// not listed here is kept and assumed to take no value: the safest guess, since guessing
// "takes a value" would swallow the argument after it.
const LONG: Record<string, OptionSpec> = {
  '--model': { arity: 'one', role: 'model' },
  // Session selection and print mode: replaced by --resume <id>.
  '--continue': { arity: 'none', role: 'drop' },
  '--resume': { arity: 'optional', role: 'drop' },
  '--session-id': { arity: 'one', role: 'drop' },
  '--fork-session': { arity: 'none', role: 'drop' },
  '--from-pr': { arity: 'optional', role: 'drop' },
  '--teleport': { arity: 'optional', role: 'drop' },
  '--remote': { arity: 'one', role: 'drop' },
  '--print': { arity: 'none', role: 'drop' },
  '--output-format': { arity: 'one', role: 'drop' },
  '--input-format': { arity: 'one', role: 'drop' },
  '--json-schema': { arity: 'one', role: 'drop' },
  '--include-partial-messages': { arity: 'none', role: 'drop' },
  '--replay-user-messages': { arity: 'none', role: 'drop' },
  '--no-session-persistence': { arity: 'none', role: 'drop' },
  '--max-turns': { arity: 'one', role: 'drop' },
  '--max-budget-usd': { arity: 'one', role: 'drop' },
  // Kept, with their values.
  '--debug': { arity: 'optional' },
  '--debug-file': { arity: 'one' },
  '--verbose': { arity: 'none' },
  '--mcp-debug': { arity: 'none' },
  '--dangerously-skip-permissions': { arity: 'none' },
  '--allow-dangerously-skip-permissions': { arity: 'none' },
  '--allowedTools': { arity: 'variadic' },
  '--allowed-tools': { arity: 'variadic' },
  '--disallowedTools': { arity: 'variadic' },
  '--disallowed-tools': { arity: 'variadic' },
  '--tools': { arity: 'variadic' },
  '--mcp-config': { arity: 'variadic' },
  '--strict-mcp-config': { arity: 'none' },
  '--system-prompt': { arity: 'one' },
  '--system-prompt-file': { arity: 'one' },
  '--append-system-prompt': { arity: 'one' },
  '--append-system-prompt-file': { arity: 'one' },
  '--permission-mode': { arity: 'one' },
  '--permission-prompt-tool': { arity: 'one' },
  '--agent': { arity: 'one' },
  '--agents': { arity: 'one' },
  '--betas': { arity: 'variadic' },
  '--fallback-model': { arity: 'one' },
  '--settings': { arity: 'one' },
  '--setting-sources': { arity: 'one' },
  '--add-dir': { arity: 'variadic' },
  '--plugin-dir': { arity: 'one' },
  '--file': { arity: 'variadic' },
  '--ide': { arity: 'none' },
  '--chrome': { arity: 'none' },
  '--no-chrome': { arity: 'none' },
  '--disable-slash-commands': { arity: 'none' },
};

const SHORT: Record<string, string> = {
  '-c': '--continue',
  '-r': '--resume',
  '-p': '--print',
  '-d': '--debug',
};

/** A model name without the `[1m]` suffix that selects the 1M-context beta. */
export function stripOneMillion(model: string): string {
  return model.replace(/\[1m\]$/i, '');
}

/**
 * The standard-context form of a model the CLI reported, or null when it is not a Claude
 * model we recognise (`<synthetic>`, an empty string, a custom gateway name).
 */
export function standardContextModel(model: string | null | undefined): string | null {
  if (!model) return null;
  const stripped = stripOneMillion(model.trim());
  if (stripped === '' || stripped === '<synthetic>') return null;
  return /claude|opus|sonnet|haiku/i.test(stripped) ? stripped : null;
}

export interface ParsedClaudeArgs {
  /** The flags that are carried over, with their values, in their original order. */
  kept: string[];
  /** The user's own `--model`, if given (last one wins, as in commander). */
  model: string | null;
  /** What was left out, for the log: option names and `<prompt>` for positionals. */
  dropped: string[];
}

function takesValue(next: string | undefined): next is string {
  return next !== undefined && !next.startsWith('-');
}

/** One claude argument with the values it consumed, as commander would read it. */
export interface ArgToken {
  /** The option's long name (`--print` for `-p`), or null for a positional (the prompt) and for `--`. */
  name: string | null;
  /** The argv words this token spans, as given (`-p`, or `--model`, `opus`, or `--model=opus`). */
  words: string[];
  /** The option's values. */
  values: string[];
  /** How recovery treats it: dropped, replaced by the chosen model, or kept. */
  role: 'drop' | 'model' | 'keep';
  /** True for `--` and every word after it (all positional). */
  afterDashes?: boolean;
}

/**
 * Splits claude's arguments into tokens the way claude's own parser would: options with
 * the values they take (see LONG), combined short booleans (`-cp`) expanded, positionals.
 */
export function tokenizeClaudeArgs(input: readonly string[]): ArgToken[] {
  const tokens: ArgToken[] = [];
  let args = input;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '--') {
      for (const word of args.slice(i)) tokens.push({ name: null, words: [word], values: [], role: 'keep', afterDashes: true });
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      tokens.push({ name: null, words: [arg], values: [], role: 'keep' });
      continue;
    }
    // Combined short booleans such as `-cp`.
    if (/^-[a-zA-Z]{2,}$/.test(arg) && [...arg.slice(1)].every((ch) => SHORT[`-${ch}`] !== undefined)) {
      const expanded = [...arg.slice(1)].map((ch) => `-${ch}`);
      args = [...args.slice(0, i), ...expanded, ...args.slice(i + 1)];
      i--;
      continue;
    }
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const rawName = eq > 0 ? arg.slice(0, eq) : arg;
    const name = SHORT[rawName] ?? rawName;
    const spec = LONG[name];
    const words = [arg];
    const values: string[] = [];
    if (eq > 0) values.push(arg.slice(eq + 1));
    else if (spec?.arity === 'one') {
      if (i + 1 < args.length) words.push(args[++i] as string);
    } else if (spec?.arity === 'optional') {
      if (takesValue(args[i + 1])) words.push(args[++i] as string);
    } else if (spec?.arity === 'variadic') {
      while (takesValue(args[i + 1])) words.push(args[++i] as string);
    }
    if (eq <= 0) values.push(...words.slice(1));
    tokens.push({ name, words, values, role: spec?.role ?? 'keep' });
  }
  return tokens;
}

/** Splits the user's claude arguments into what carries over and what does not. */
export function parseClaudeArgs(args: readonly string[]): ParsedClaudeArgs {
  const kept: string[] = [];
  const dropped: string[] = [];
  let model: string | null = null;
  let promptAfterDashes = false;
  for (const token of tokenizeClaudeArgs(args)) {
    if (token.afterDashes) {
      // Everything after `--` is positional: the prompt.
      if (token.words[0] !== '--' && !promptAfterDashes) dropped.push('<prompt>');
      promptAfterDashes ||= token.words[0] !== '--';
      continue;
    }
    if (token.name === null) {
      dropped.push('<prompt>');
      continue;
    }
    if (token.role === 'model') {
      model = token.values[0] ?? model;
      continue;
    }
    if (token.role === 'drop') {
      dropped.push(token.name);
      continue;
    }
    kept.push(...token.words);
  }
  return { kept, model, dropped };
}

export interface ResumeChoice {
  /** The full argv for claude. */
  args: string[];
  model: string;
  /** Where the model came from. */
  modelSource: 'user --model' | 'requested model' | 'config resume.model';
  dropped: string[];
}

/**
 * The model to come back with: the user's own `--model` without `[1m]`, else the model the
 * session ran with without `[1m]` (if it is a Claude model), else config `resume.model`.
 */
export function chooseResumeModel(
  userModel: string | null,
  requestedModel: string | null,
  fallback: string,
): Pick<ResumeChoice, 'model' | 'modelSource'> {
  if (userModel && stripOneMillion(userModel) !== '') return { model: stripOneMillion(userModel), modelSource: 'user --model' };
  const requested = standardContextModel(requestedModel);
  if (requested) return { model: requested, modelSource: 'requested model' };
  return { model: fallback, modelSource: 'config resume.model' };
}

/**
 * `--resume <id> --model <model>` plus the user's other flags. With a null session id (a
 * fresh session: the `clear` step, or a case-B block before any transcript existed) the
 * `--resume` part is left out.
 */
export function buildResumeArgs(options: {
  userArgs: readonly string[];
  sessionId: string | null;
  requestedModel: string | null;
  fallbackModel: string;
}): ResumeChoice {
  const parsed = parseClaudeArgs(options.userArgs);
  const { model, modelSource } = chooseResumeModel(parsed.model, options.requestedModel, options.fallbackModel);
  const session = options.sessionId ? ['--resume', options.sessionId] : [];
  return { args: [...session, '--model', model, ...parsed.kept], model, modelSource, dropped: parsed.dropped };
}

/**
 * `--resume <id>` plus the user's own flags, their `--model` as it was (a `[1m]` one too): the
 * same session as the person ran it, for a recovery that changes the transcript, not the model.
 */
export function sameModelResumeArgs(userArgs: readonly string[], sessionId: string, requestedModel: string | null, fallbackModel: string): ResumeChoice {
  const parsed = parseClaudeArgs(userArgs);
  const model = parsed.model ?? requestedModel ?? fallbackModel;
  const modelSource: ResumeChoice['modelSource'] = parsed.model ? 'user --model' : requestedModel ? 'requested model' : 'config resume.model';
  const modelArgs = parsed.model || requestedModel ? ['--model', model] : [];
  return { args: ['--resume', sessionId, ...modelArgs, ...parsed.kept], model, modelSource, dropped: parsed.dropped };
}
