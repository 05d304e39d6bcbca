// Claude Code transcript lines (projects/<encoded cwd>/<session>.jsonl), typed as far as
// claude-recover needs them. Unknown line types and fields are kept as they are and
// skipped by the helpers here.

export interface Usage {
  input_tokens?: number;
  cache_read_input_tokens?: number;
  cache_creation_input_tokens?: number;
  output_tokens?: number;
}

export interface ContentBlock {
  type: string;
  text?: string;
  content?: unknown;
  source?: { type?: string; media_type?: string; data?: string };
  [key: string]: unknown;
}

export interface TranscriptRecord {
  type?: string;
  subtype?: string;
  uuid?: string;
  parentUuid?: string | null;
  sessionId?: string;
  cwd?: string;
  version?: string;
  isSidechain?: boolean;
  isMeta?: boolean;
  isCompactSummary?: boolean;
  isApiErrorMessage?: boolean;
  apiError?: string;
  apiErrorStatus?: number;
  apiErrorType?: string;
  error?: string;
  errorDetails?: string;
  requestedModel?: string;
  timestamp?: string;
  message?: {
    role?: string;
    model?: string;
    content?: string | ContentBlock[];
    usage?: Usage;
  };
  compactMetadata?: { trigger?: string; preTokens?: number; postTokens?: number };
  [key: string]: unknown;
}

/** Parses one line; null for blank or malformed lines (a torn last line while the CLI writes). */
export function parseRecord(line: string): TranscriptRecord | null {
  if (line.trim() === '') return null;
  try {
    const value: unknown = JSON.parse(line);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as TranscriptRecord) : null;
  } catch {
    return null;
  }
}

/** input + cache read + cache creation tokens: the context size the CLI itself uses. */
export function contextTokens(usage: Usage | undefined): number {
  if (!usage) return 0;
  return (usage.input_tokens ?? 0) + (usage.cache_read_input_tokens ?? 0) + (usage.cache_creation_input_tokens ?? 0);
}

/** A real model reply of the main session (not an API error, not a subagent). */
export function isMainAssistantReply(record: TranscriptRecord): boolean {
  return (
    record.type === 'assistant' &&
    record.isSidechain !== true &&
    record.isApiErrorMessage !== true &&
    record.message?.model !== '<synthetic>'
  );
}

/** The compaction marker the CLI appends. */
export function isCompactBoundary(record: TranscriptRecord): boolean {
  return record.type === 'system' && record.subtype === 'compact_boundary';
}

/**
 * The text of a prompt the user typed, or null: main-session user lines whose content is a
 * string or text blocks, excluding tool results, meta lines, compact summaries and the
 * CLI's own command/caveat wrappers.
 */
export function userPromptText(record: TranscriptRecord): string | null {
  if (record.type !== 'user' || record.isSidechain === true || record.isMeta === true || record.isCompactSummary === true) {
    return null;
  }
  const content = record.message?.content;
  let text: string | null = null;
  if (typeof content === 'string') text = content;
  else if (Array.isArray(content)) {
    if (content.some((block) => block.type === 'tool_result')) return null;
    const texts = content.filter((block) => block.type === 'text' && typeof block.text === 'string').map((block) => block.text as string);
    text = texts.length > 0 ? texts.join('\n') : null;
  }
  if (text === null) return null;
  const trimmed = text.trimStart();
  if (/^<(command-name|command-message|command-args|local-command-stdout|local-command-stderr|local-command-caveat|bash-input|bash-stdout|bash-stderr)>/.test(trimmed)) {
    return null;
  }
  if (trimmed.startsWith('Caveat: The messages below were generated')) return null;
  return text;
}
