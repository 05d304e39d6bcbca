// The CLI's own rendering of a block in headless output: a stream-json or json event (`claude
// -p --output-format json|stream-json`, Agent SDK sessions) or a line of `-p` text output.
// Pure: fed one line, says whether it is the main session's error of some kind, a line that
// announces one, or anything else. The transcript still confirms (BlockWatcher).
import { CREDITS_1M, GATE_API_ERROR, gateVariant } from '../blocks/credits-1m.js';
import { imageVariant, MEDIA_REMOVED } from '../blocks/image-refused.js';
import type { BlockKind } from '../blocks/types.js';
import { USAGE_LIMIT_API_ERROR, usageLimitVariant } from '../blocks/usage-limit.js';
import type { CompiledPattern } from './patterns.js';

/** What a line of headless output is, as far as blocks go. */
export type HeadlessLine =
  /** The CLI's error rendering of a block for the main session (an error message or result). */
  | { kind: 'block'; block: BlockKind; variant: string; text: string }
  /**
   * `rate_limit_event` with status `rejected`: the CLI writes it right before the error
   * message of a refused request, so it belongs with the error if one follows.
   */
  | { kind: 'lead' }
  | { kind: 'other' };

const OTHER: HeadlessLine = { kind: 'other' };

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

/** The block an error's text (and its `api_error` tag) is, in registry order: the gate, a refused image, a usage limit. */
function blockOf(text: string | null, apiError: unknown, patterns: readonly CompiledPattern[]): HeadlessLine {
  const body = text ?? '';
  const gate = (text === null ? null : gateVariant(text, patterns)) ?? (apiError === GATE_API_ERROR ? `api-error:${GATE_API_ERROR}` : null);
  if (gate !== null) return { kind: 'block', block: 'credits-1m', variant: gate, text: body };
  const image = (text === null ? null : imageVariant(text)) ?? (apiError === MEDIA_REMOVED ? 'removed' : null);
  if (image !== null) return { kind: 'block', block: 'image-refused', variant: image, text: body };
  const limit = (text === null ? null : usageLimitVariant(text)) ?? (apiError === USAGE_LIMIT_API_ERROR ? `api-error:${USAGE_LIMIT_API_ERROR}` : null);
  if (limit !== null) return { kind: 'block', block: 'usage-limit', variant: limit, text: body };
  return OTHER;
}

/**
 * Classifies one parsed stream-json / json event. Only the main session's own errors count:
 * an assistant message the CLI made up (`is_api_error_message`, or the `<synthetic>` model
 * of older versions) or an error result, whose text is a block's wording (or which carries
 * its `api_error` tag). A subagent's error (`parent_tool_use_id` set) and the model's own
 * text quoting a wording are `other`.
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
  return blockOf(text, event.api_error, patterns);
}

/** Words whose presence in a raw line makes it worth parsing: a block's wording or its tag. */
const RAW_OTHER = /usage_limit_reached|You've hit your|You're out of|media_removed|could not be processed and was removed|API Error: 400/;

/**
 * Classifies one line of json / stream-json output (without its newline). Cheap for the
 * usual line: JSON is parsed only when the raw text names a block or a rejected rate limit.
 */
export function classifyJsonLine(line: string, patterns: readonly CompiledPattern[]): HeadlessLine {
  const lead = line.includes('"rate_limit_event"') && line.includes('"rejected"');
  if (!lead && !CREDITS_1M.lineMayCarry(line, patterns) && !RAW_OTHER.test(line)) return OTHER;
  let event: unknown;
  try {
    event = JSON.parse(line);
  } catch {
    return OTHER;
  }
  return classifyEvent(event, patterns);
}

/** The start of every `-p` text rendering of a block: `API Error: …`, `You've hit your …`, `You're out of …`. */
export const TEXT_PREFIXES: readonly string[] = ['API Error:', "You've hit your", "You're out of"];

/**
 * Classifies one line of `-p` text output (without its newline): `claude -p` prints the
 * error of a refused request as its whole result on stdout. Text cannot tell it from a model
 * answer that starts with the same words: the transcript decides.
 */
export function classifyTextLine(line: string, patterns: readonly CompiledPattern[]): HeadlessLine {
  if (!TEXT_PREFIXES.some((prefix) => line.startsWith(prefix))) return OTHER;
  return blockOf(line, undefined, patterns);
}
