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
    stop_reason?: string | null;
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

/** The context size a main reply reports (contextTokens of its usage), or null for other records and a reply without usage. */
export function replyContextTokens(record: TranscriptRecord): number | null {
  return isMainAssistantReply(record) && record.message?.usage ? contextTokens(record.message.usage) : null;
}

/** The model a reply was asked for: its `requestedModel` (which keeps a `[1m]` suffix), else the `message.model` that answered. */
export function replyModel(record: TranscriptRecord): string | null {
  return typeof record.requestedModel === 'string' ? record.requestedModel : record.message?.model ?? null;
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

/**
 * Every piece of text a record carries: a string content, text blocks, and the text of
 * tool results (string or blocks). Image and other blocks are skipped.
 */
export function recordTexts(record: TranscriptRecord): string[] {
  const texts: string[] = [];
  const collect = (content: unknown): void => {
    if (typeof content === 'string') texts.push(content);
    else if (Array.isArray(content)) {
      for (const block of content as unknown[]) {
        if (block === null || typeof block !== 'object') continue;
        const typed = block as ContentBlock;
        if (typed.type === 'text' && typeof typed.text === 'string') texts.push(typed.text);
        else if (typed.type === 'tool_result') collect(typed.content);
      }
    }
  };
  collect(record.message?.content);
  return texts;
}

/** True when a user record carries tool results (the output of a tool, not something the user typed). */
export function hasToolResult(record: TranscriptRecord): boolean {
  const content = record.message?.content;
  return Array.isArray(content) && content.some((block) => block !== null && typeof block === 'object' && block.type === 'tool_result');
}

/** An image block of a record, with the array that holds it (so a caller can replace it). */
export interface ImageBlock {
  block: ContentBlock;
  list: unknown[];
  index: number;
}

/** The image blocks in a record's content, including those nested in tool results, in order. */
export function imageBlocks(record: TranscriptRecord): ImageBlock[] {
  const found: ImageBlock[] = [];
  const walk = (content: unknown): void => {
    if (!Array.isArray(content)) return;
    const list = content as unknown[];
    for (let index = 0; index < list.length; index++) {
      const block = list[index];
      if (block === null || typeof block !== 'object') continue;
      const typed = block as ContentBlock;
      if (typed.type === 'image') found.push({ block: typed, list, index });
      else if (typed.type === 'tool_result') walk(typed.content);
    }
  };
  walk(record.message?.content);
  return found;
}

/** Image blocks in a record's content, including those nested in tool results. */
export function countImages(record: TranscriptRecord): number {
  return imageBlocks(record).length;
}

/** The record's timestamp in epoch ms, or null when missing or unparsable. */
export function recordTime(record: TranscriptRecord): number | null {
  if (typeof record.timestamp !== 'string') return null;
  const ms = Date.parse(record.timestamp);
  return Number.isNaN(ms) ? null : ms;
}
