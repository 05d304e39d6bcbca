// The CLI's own rendering of the gate in headless output: a stream-json or json event
// (`claude -p --output-format json|stream-json`, Agent SDK sessions) or a line of `-p` text
// output. Pure: fed one line, says whether it is the main session's error, a line that
// announces one, or anything else. The transcript still confirms (GateWatcher).
import { lineMayMentionGate } from './classify.js';
import { matchMessageText, type CompiledPattern } from './patterns.js';

/** What a line of headless output is, as far as the gate goes. */
export type HeadlessLine =
  /** The CLI's error rendering of the gate for the main session (an error message or result). */
  | { kind: 'gate'; variant: string }
  /**
   * `rate_limit_event` with status `rejected`: the CLI writes it right before the error
   * message of a refused request, so it belongs with the error if one follows.
   */
  | { kind: 'lead' }
  | { kind: 'other' };

const OTHER: HeadlessLine = { kind: 'other' };

/** The `apiError` tag 2.1.274+ puts on the gate's error (transcript `apiError`, events `api_error`). */
const GATE_API_ERROR = 'long_context_credits_required';

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => value !== null && typeof value === 'object' && !Array.isArray(value);

function firstText(content: unknown): string | null {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return null;
  for (const block of content) {
    if (isObject(block) && block.type === 'text' && typeof block.text === 'string') return block.text;
  }
  return null;
}

/**
 * Classifies one parsed stream-json / json event. Only the main session's own errors count:
 * an assistant message the CLI made up (`is_api_error_message`, or the `<synthetic>` model
 * of older versions) or an error result, whose text is the gate's wording (or which carries
 * the gate's `api_error` tag). A subagent's error (`parent_tool_use_id` set) and the model's
 * own text quoting the gate are `other`.
 */
export function classifyEvent(event: unknown, patterns: readonly CompiledPattern[]): HeadlessLine {
  if (!isObject(event)) return OTHER;
  if (event.type === 'rate_limit_event') {
    const info = event.rate_limit_info;
    return isObject(info) && info.status === 'rejected' ? { kind: 'lead' } : OTHER;
  }
  if (event.parent_tool_use_id !== undefined && event.parent_tool_use_id !== null) return OTHER;
  let text: string | null = null;
  if (event.type === 'assistant') {
    const message = isObject(event.message) ? event.message : {};
    if (event.is_api_error_message !== true && message.model !== '<synthetic>') return OTHER;
    text = firstText(message.content);
  } else if (event.type === 'result') {
    if (event.is_error !== true) return OTHER;
    text = typeof event.result === 'string' ? event.result : null;
  } else {
    return OTHER;
  }
  const variant = (text === null ? null : matchMessageText(text, patterns)) ?? (event.api_error === GATE_API_ERROR ? `api-error:${GATE_API_ERROR}` : null);
  return variant === null ? OTHER : { kind: 'gate', variant };
}

/**
 * Classifies one line of json / stream-json output (without its newline). Cheap for the
 * usual line: JSON is parsed only when the raw text names the gate or a rejected rate limit.
 */
export function classifyJsonLine(line: string, patterns: readonly CompiledPattern[]): HeadlessLine {
  const lead = line.includes('"rate_limit_event"') && line.includes('"rejected"');
  if (!lead && !lineMayMentionGate(line, patterns)) return OTHER;
  let event: unknown;
  try {
    event = JSON.parse(line);
  } catch {
    return OTHER;
  }
  return classifyEvent(event, patterns);
}

/** The start every `-p` text rendering of an API error has. */
export const TEXT_ERROR_PREFIX = 'API Error:';

/**
 * Classifies one line of `-p` text output (without its newline): `claude -p` prints the
 * error of a refused request as its whole result, `API Error: …` on stdout. Text cannot
 * tell it from a model answer that starts with the same words: the transcript decides.
 */
export function classifyTextLine(line: string, patterns: readonly CompiledPattern[]): HeadlessLine {
  if (!line.startsWith(TEXT_ERROR_PREFIX)) return OTHER;
  const variant = matchMessageText(line, patterns);
  return variant === null ? OTHER : { kind: 'gate', variant };
}
