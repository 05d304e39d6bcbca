// The parts of the stream-json protocol (Agent SDK ↔ claude) that a restart must carry
// over: what the caller sent (the `initialize` request, user messages, settings changed by
// control requests) and which of claude's lines answer them. Lines are kept as the bytes
// that came; only a message sent again is rewritten.

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => value !== null && typeof value === 'object' && !Array.isArray(value);

/** What a line from the caller is. */
export type CallerLine =
  | { kind: 'initialize'; requestId: string }
  /** A control request that changes the session's settings; sent again to a restarted claude. */
  | { kind: 'setting'; requestId: string; subtype: string }
  | { kind: 'control-request'; requestId: string }
  | { kind: 'control-response' }
  /** A user message: a turn claude answers with a `result`. */
  | { kind: 'user' }
  | { kind: 'other' };

/**
 * Control requests whose effect lasts for the rest of the session and that a restarted claude
 * must get again. `set_model` is not among them: a recovery chooses the model it restarts with.
 */
export const SETTING_SUBTYPES: readonly string[] = ['set_permission_mode', 'set_max_thinking_tokens'];

function parse(text: string): Json | null {
  try {
    const value: unknown = JSON.parse(text);
    return isObject(value) ? value : null;
  } catch {
    return null;
  }
}

/** Classifies one line the caller wrote (without its newline); a line that is not JSON is `other`. */
export function classifyCallerLine(text: string): CallerLine {
  const event = parse(text);
  if (event === null) return { kind: 'other' };
  if (event.type === 'user') return { kind: 'user' };
  if (event.type === 'control_response') return { kind: 'control-response' };
  if (event.type === 'control_request' && typeof event.request_id === 'string' && isObject(event.request)) {
    const subtype = event.request.subtype;
    if (subtype === 'initialize') return { kind: 'initialize', requestId: event.request_id };
    if (typeof subtype === 'string' && SETTING_SUBTYPES.includes(subtype)) return { kind: 'setting', requestId: event.request_id, subtype };
    return { kind: 'control-request', requestId: event.request_id };
  }
  return { kind: 'other' };
}

/** What a line from claude is, for the proxy's bookkeeping. */
export type ClaudeLine = { kind: 'control-response'; requestId: string } | { kind: 'result' } | { kind: 'other' };

/**
 * Classifies one line claude wrote. Only lines that can be a control response or a result
 * are parsed (a substring test first: most lines are neither).
 */
export function classifyClaudeLine(text: string): ClaudeLine {
  const response = text.includes('"control_response"');
  if (!response && !text.includes('"result"')) return { kind: 'other' };
  const event = parse(text);
  if (event === null) return { kind: 'other' };
  if (event.type === 'control_response' && isObject(event.response) && typeof event.response.request_id === 'string') {
    return { kind: 'control-response', requestId: event.response.request_id };
  }
  if (event.type === 'result' && (event.parent_tool_use_id === undefined || event.parent_tool_use_id === null)) return { kind: 'result' };
  return { kind: 'other' };
}

/**
 * A user message as it is sent again to a restarted claude: without its `uuid`, which the
 * resumed session already holds (claude silently drops a message whose uuid it has seen).
 */
export function resendable(line: Buffer): Buffer {
  if (!line.includes('"uuid"')) return line;
  const event = parse(line.toString('utf8'));
  if (event === null || !('uuid' in event)) return line;
  const { uuid: _dropped, ...rest } = event;
  return Buffer.from(`${JSON.stringify(rest)}\n`);
}
