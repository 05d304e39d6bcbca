// A local stand-in for the Anthropic Messages API that the real Claude Code CLI can talk to
// (ANTHROPIC_BASE_URL): it streams answers with a reported context that grows per prompt,
// refuses 1M-context requests past the standard window with the credits gate's 429, answers
// compaction requests with a summary, and records every request. Used by `claude-recover
// demo` and by the e2e tests. node:http only.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** What a request was for, as far as the mock can tell. */
export type RequestKind = 'chat' | 'compaction' | 'probe' | 'title' | 'side' | 'other';

/** When the gate's 429 is returned. */
export type GateMode =
  /** Never (a 1M-entitled account). */
  | 'off'
  /** Requests carrying the 1M beta once the conversation is past the standard window (case A). */
  | 'over-window'
  /** Every request carrying the 1M beta, whatever its size (case B: account-side). */
  | 'always';

/** One request the mock received. */
export interface MockRequest {
  method: string;
  path: string;
  kind: RequestKind;
  model: string | null;
  /** The anthropic-beta header split on commas. */
  betas: string[];
  /** The x-claude-code-session-id header. */
  sessionId: string | null;
  bodyBytes: number;
  stream: boolean;
  maxTokens: number | null;
  /** The context the mock reported (or would have) for this request. */
  contextTokens: number;
  /** The HTTP status the mock answered with. */
  status: number;
  /** The text of the last user message (system reminders dropped), for assertions. */
  lastUserText: string;
  /** The parsed JSON body, kept only with the recordBodies option. */
  body?: unknown;
  /** When it arrived (epoch ms). */
  at: number;
}

/** What a reply callback is given. */
export interface ReplyContext {
  kind: RequestKind;
  model: string | null;
  lastUserText: string;
  /** Real user prompts in the request since the last compaction. */
  turns: number;
  /** The text of the tool result the request ends with, or null when it ends with a prompt. */
  lastToolResult: string | null;
}

/** A tool call the mock makes the model ask for. */
export interface ToolCall {
  name: string;
  input: Record<string, unknown>;
}

export interface MockApiOptions {
  /** Context reported for the first prompt of a conversation. Default 20_000. */
  baseTokens?: number;
  /** Added for every model reply already in the conversation. Default 10_000. */
  tokensPerTurn?: number;
  /** The standard context window. Default 200_000. */
  window?: number;
  /** Default 'over-window'. */
  gate?: GateMode;
  /** Context reported right after a compaction. Default 8_000. */
  compactedTokens?: number;
  /** Models (exact, or a prefix) whose compaction requests are refused with a 400. */
  refuseCompactionFor?: string[];
  /** The gate's message; the newer API wording is `Usage credits are required for long context requests.` */
  gateMessage?: string;
  /** The answer text for chat requests; the default echoes and can quote the gate (see defaultReply). */
  reply?: (context: ReplyContext) => string;
  /** Milliseconds between streamed text chunks. Default 0. */
  chunkDelayMs?: number;
  /**
   * Sends `x-should-retry: <value>` with the gate's 429. Unset: no header, and then the CLI's
   * SDK may retry the 429 with backoff (2.1.100 with an API key does, up to 10 times).
   */
  gateShouldRetry?: boolean;
  /**
   * Apply the gate to requests without the 1M beta too (the server escalating an over-window
   * request of a standard model to the 1M tier). Default false.
   */
  gateWithoutBeta?: boolean;
  /**
   * Refuse chat and compaction requests without the 1M beta whose context is past the window
   * with `400 prompt is too long`, as the real API does. Default false.
   */
  promptTooLong?: boolean;
  /** Keep each request's parsed body in the log (debugging). */
  recordBodies?: boolean;
  /**
   * Makes the model call a tool: for a chat request that ends with a prompt (not with a tool
   * result), a non-null answer is streamed as a `tool_use` block (stop_reason `tool_use`).
   */
  toolUse?: (context: ReplyContext) => ToolCall | null;
  /**
   * Milliseconds before the gate's 429 is sent: the refused request stays in flight this long,
   * so a person can queue a message behind it (the CLI sends a queued message right after the
   * refusal). Default 0.
   */
  gateDelayMs?: number;
  /** Milliseconds before an accepted compaction is answered (a real one takes a while). Default 0. */
  compactionDelayMs?: number;
  /**
   * A claude.ai plan's usage limit (the unified rate limiter): every Messages request is
   * refused with its 429 until the last reset has passed. Null or unset: no limit.
   */
  usageLimit?: UsageLimit | null;
  /** The API refusing images in a request with a 400 (see ImageRefusal). Null or unset: every image is accepted. */
  imageRefusal?: ImageRefusal | null;
}

/** Which limit a usage-limit 429 names (`anthropic-ratelimit-unified-representative-claim`). */
export type UsageClaim = 'five_hour' | 'seven_day' | 'seven_day_opus' | 'seven_day_sonnet';

/** See MockApiOptions.usageLimit. */
export interface UsageLimit {
  claim: UsageClaim;
  /**
   * Epoch seconds of the resets, ascending: a request before the first is refused naming the
   * first; one between two resets is refused naming the next (the limit hit again right after
   * a reset); after the last, requests are answered.
   */
  resetsAt: number[];
  /** `anthropic-ratelimit-unified-overage-status`. Default `rejected` (no usage credits to fall back on). */
  overageStatus?: 'rejected' | 'allowed';
}

/** The wordings of the API's image refusals (400 invalid_request_error). */
export type ImageRefusalWording =
  /** `At least one of the image dimensions exceed max allowed size: 8000 pixels`. */
  | 'dimensions'
  /** `… max allowed size for many-image requests: 2000 pixels`. */
  | 'many-image'
  /** `Could not process image`. */
  | 'unprocessable'
  /** A wording the CLI does not recognise as an image refusal. */
  | 'unrecognised';

/**
 * Images the API refuses: any image block (in a prompt or a tool result) whose PNG header
 * says it is wider or taller than `maxPixels` (default: the wording's own limit, 8000 or 2000)
 * makes the whole request fail with the wording's 400, naming where the first one is
 * (`messages.<i>.content.<j>…`). Other images are accepted.
 */
export interface ImageRefusal {
  wording: ImageRefusalWording;
  maxPixels?: number;
}

export interface MockApi {
  /** http://127.0.0.1:<port> — the value for ANTHROPIC_BASE_URL. */
  readonly url: string;
  readonly port: number;
  /** Every request so far, oldest first. */
  readonly requests: readonly MockRequest[];
  /** Changes options while running (e.g. switch the gate off). */
  configure(options: Partial<MockApiOptions>): void;
  close(): Promise<void>;
}

export const GATE_BETA = 'context-1m-2025-08-07';
export const GATE_MESSAGE = 'Extra usage is required for long context requests.';
/** A marker inside every summary the mock writes, so later requests can tell they follow a compaction. */
export const SUMMARY_MARKER = 'MOCK-COMPACT-SUMMARY';
/** A prompt containing this makes the default reply quote the gate's texts (the "quoted, not blocked" case). */
export const QUOTE_TRIGGER = 'quote the gate';

/** The gate's texts as the CLI renders them, quoted by the default reply on QUOTE_TRIGGER. */
export const QUOTED_GATE_TEXT = [
  'Here is the error people report:',
  '',
  'API Error: Usage credits required for 1M context · run /model to switch to standard context',
  '',
  'Older versions said: API Error: Extra usage is required for 1M context · run /extra-usage to enable, or /model to switch to standard context',
  'API-key users see: API Error: Request rejected (429) · Extra usage is required for long context requests.',
].join('\n');

/** The default answer: quotes the gate on QUOTE_TRIGGER, otherwise a short echo. */
export function defaultReply(context: ReplyContext): string {
  if (context.lastUserText.toLowerCase().includes(QUOTE_TRIGGER)) return QUOTED_GATE_TEXT;
  if (context.lastToolResult !== null) return `Mock answer ${context.turns}: the tool said "${context.lastToolResult.replace(/\s+/g, ' ').trim().slice(0, 60)}".`;
  const echo = context.lastUserText.replace(/\s+/g, ' ').trim().slice(0, 60);
  return `Mock answer ${context.turns}: you said "${echo}".`;
}

const COMPACTION_MARKERS = [
  'Your task is to create a detailed summary of the conversation so far',
  'create a detailed summary of the conversation',
];

interface ParsedBody {
  model?: unknown;
  stream?: unknown;
  max_tokens?: unknown;
  system?: unknown;
  messages?: unknown;
}

interface Message {
  role: string;
  content: unknown;
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  const parts: string[] = [];
  for (const block of content) {
    if (block === null || typeof block !== 'object') continue;
    const record = block as Record<string, unknown>;
    if (record.type === 'text' && typeof record.text === 'string') parts.push(record.text);
  }
  return parts.join('\n');
}

/**
 * The last thing the user typed in a user message: its last text block that is more than
 * reminders. After a compaction the CLI sends the summary and the next prompt as blocks of
 * one message, so joining all blocks would hide the prompt behind the summary.
 */
function lastTypedText(content: unknown): string {
  if (typeof content === 'string') return withoutReminders(content);
  if (!Array.isArray(content)) return '';
  for (let i = content.length - 1; i >= 0; i--) {
    const block = content[i] as Record<string, unknown> | null;
    if (block === null || typeof block !== 'object' || block.type !== 'text' || typeof block.text !== 'string') continue;
    const text = withoutReminders(block.text);
    if (text !== '') return text;
  }
  return '';
}

function withoutReminders(text: string): string {
  return text.replace(/<system-reminder>[\s\S]*?<\/system-reminder>/g, '').trim();
}

/** The text of the tool result blocks of a user message, or null when it has none. */
function toolResultText(message: Message | undefined): string | null {
  if (!message || message.role !== 'user' || !Array.isArray(message.content)) return null;
  const results = message.content.filter((block): block is Record<string, unknown> => block !== null && typeof block === 'object' && (block as Record<string, unknown>).type === 'tool_result');
  if (results.length === 0) return null;
  return withoutReminders(results.map((block) => (typeof block.content === 'string' ? block.content : textOf(block.content))).join('\n'));
}

function messagesOf(body: ParsedBody): Message[] {
  if (!Array.isArray(body.messages)) return [];
  return body.messages.filter(
    (m): m is Message => m !== null && typeof m === 'object' && typeof (m as Message).role === 'string',
  );
}

/** A user message that is a prompt (text a person typed), not only tool results or reminders. */
function isPrompt(message: Message): boolean {
  if (message.role !== 'user') return false;
  const text = withoutReminders(textOf(message.content));
  return text !== '' && !COMPACTION_MARKERS.some((marker) => text.includes(marker));
}

function classify(path: string, body: ParsedBody, messages: Message[], systemText: string): RequestKind {
  if (!path.startsWith('/v1/messages') || path.startsWith('/v1/messages/count_tokens')) return 'other';
  const lastUser = [...messages].reverse().find((m) => m.role === 'user');
  const lastText = lastUser ? textOf(lastUser.content) : '';
  if (COMPACTION_MARKERS.some((marker) => lastText.includes(marker) || systemText.includes(marker))) return 'compaction';
  if (body.max_tokens === 1) return 'probe';
  if (/Generate a concise[^.]*title/i.test(systemText)) return 'title';
  if (body.stream !== true) return 'side';
  return 'chat';
}

/** Starts the mock on 127.0.0.1 with a free port. */
export async function startMockApi(initial: MockApiOptions = {}): Promise<MockApi> {
  let options: MockApiOptions = { ...initial };
  const requests: MockRequest[] = [];
  let counter = 0;

  const opt = {
    base: () => options.baseTokens ?? 20_000,
    perTurn: () => options.tokensPerTurn ?? 10_000,
    window: () => options.window ?? 200_000,
    gate: (): GateMode => options.gate ?? 'over-window',
    compacted: () => options.compactedTokens ?? 8_000,
  };

  /**
   * The reported context, stateless (from the request's own messages, so it holds across
   * --resume and headless -p): base, plus perTurn for every model reply since the last summary
   * the mock wrote (compactedTokens after one). Growth sits in the history, as with real tool
   * output: a compaction of a conversation that is past the window is past it too.
   */
  function contextFor(messages: Message[]): { tokens: number; turns: number } {
    let summaryIndex = -1;
    messages.forEach((m, index) => {
      if (m.role === 'user' && textOf(m.content).includes(SUMMARY_MARKER)) summaryIndex = index;
    });
    const after = summaryIndex >= 0 ? messages.slice(summaryIndex + 1) : messages;
    const replies = after.filter((m) => m.role === 'assistant').length;
    const turns = after.filter(isPrompt).length;
    const base = summaryIndex >= 0 ? opt.compacted() : opt.base();
    return { tokens: base + replies * opt.perTurn(), turns };
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      try {
        handle(req, res, Buffer.concat(chunks));
      } catch (error) {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ type: 'error', error: { type: 'api_error', message: `mock: ${String(error)}` } }));
      }
    });
  });

  function handle(req: http.IncomingMessage, res: http.ServerResponse, raw: Buffer): void {
    const method = req.method ?? 'GET';
    const path = req.url ?? '/';
    let body: ParsedBody = {};
    if (raw.length > 0) {
      try {
        const parsed: unknown = JSON.parse(raw.toString('utf8'));
        if (parsed !== null && typeof parsed === 'object') body = parsed as ParsedBody;
      } catch {
        body = {};
      }
    }
    const header = (name: string): string | null => {
      const value = req.headers[name];
      return typeof value === 'string' ? value : Array.isArray(value) ? value.join(',') : null;
    };
    const betas = (header('anthropic-beta') ?? '')
      .split(',')
      .map((b) => b.trim())
      .filter((b) => b !== '');
    const messages = messagesOf(body);
    const systemText = typeof body.system === 'string' ? body.system : textOf(body.system);
    const kind = method === 'POST' ? classify(path, body, messages, systemText) : 'other';
    const model = typeof body.model === 'string' ? body.model : null;
    const lastUser = [...messages].reverse().find(isPrompt);
    const lastUserText = lastUser ? lastTypedText(lastUser.content) : '';
    const { tokens, turns } = contextFor(messages);
    const entry: MockRequest = {
      method,
      path,
      kind,
      model,
      betas,
      sessionId: header('x-claude-code-session-id'),
      bodyBytes: raw.length,
      stream: body.stream === true,
      maxTokens: typeof body.max_tokens === 'number' ? body.max_tokens : null,
      contextTokens: tokens,
      status: 200,
      lastUserText,
      at: Date.now(),
    };
    if (options.recordBodies === true) entry.body = body;
    requests.push(entry);
    const requestId = `req_mock${String(++counter).padStart(6, '0')}`;

    /** After a usage limit's last reset, answers say the account is allowed again (the CLI reads them). */
    const allowed = options.usageLimit ? ALLOWED_HEADERS : {};
    const sendJson = (status: number, value: unknown, headers: Record<string, string> = {}): void => {
      entry.status = status;
      res.writeHead(status, { 'content-type': 'application/json', 'request-id': requestId, ...(status === 200 ? allowed : {}), ...headers });
      res.end(JSON.stringify(value));
    };

    if (kind === 'other') {
      if (method === 'HEAD' || method === 'GET') {
        entry.status = 200;
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(method === 'HEAD' ? undefined : '{}');
        return;
      }
      if (path.startsWith('/v1/messages/count_tokens')) {
        sendJson(200, { input_tokens: tokens });
        return;
      }
      sendJson(404, { type: 'error', error: { type: 'not_found_error', message: `mock: no route for ${method} ${path}` } });
      return;
    }

    // A usage limit refuses every request of the account, whatever it is for.
    const limit = options.usageLimit ?? null;
    const nowSeconds = Date.now() / 1000;
    const reset = limit === null ? undefined : limit.resetsAt.find((at) => at > nowSeconds);
    if (limit !== null && reset !== undefined) {
      sendJson(429, {
        type: 'error',
        error: { type: 'rate_limit_error', message: USAGE_LIMIT_MESSAGE },
        request_id: requestId,
      }, usageLimitHeaders(limit, reset));
      return;
    }
    const refusal = options.imageRefusal ? imageRefusalMessage(messages, options.imageRefusal) : null;
    if (refusal !== null) {
      sendJson(400, { type: 'error', error: { type: 'invalid_request_error', message: refusal }, request_id: requestId });
      return;
    }

    // Titles, probes and side questions are small requests: the real API lets them through.
    const gated = kind === 'chat' || kind === 'compaction';
    const gate = opt.gate();
    if (gated && (betas.includes(GATE_BETA) || options.gateWithoutBeta === true) && (gate === 'always' || (gate === 'over-window' && tokens > opt.window()))) {
      const refuse = (): void =>
        sendJson(429, {
          type: 'error',
          error: { type: 'rate_limit_error', message: options.gateMessage ?? GATE_MESSAGE },
          request_id: requestId,
        }, options.gateShouldRetry === undefined ? {} : { 'x-should-retry': String(options.gateShouldRetry) });
      entry.status = 429;
      const wait = options.gateDelayMs ?? 0;
      if (wait > 0) setTimeout(() => !res.destroyed && refuse(), wait).unref();
      else refuse();
      return;
    }

    if (gated && options.promptTooLong === true && !betas.includes(GATE_BETA) && tokens > opt.window()) {
      sendJson(400, {
        type: 'error',
        error: { type: 'invalid_request_error', message: `prompt is too long: ${tokens} tokens > ${opt.window()} maximum` },
        request_id: requestId,
      });
      return;
    }

    let text: string;
    let tool: ToolCall | null = null;
    let reportedTokens = tokens;
    if (kind === 'compaction') {
      const refused = (options.refuseCompactionFor ?? []).some((m) => model !== null && model.startsWith(m));
      if (refused) {
        sendJson(400, {
          type: 'error',
          error: { type: 'invalid_request_error', message: `mock: compaction refused for model ${model ?? '?'}` },
          request_id: requestId,
        });
        return;
      }
      text = [
        '<analysis>The user talked with the mock API; nothing else happened.</analysis>',
        '<summary>',
        `${SUMMARY_MARKER}: the user sent ${turns} prompts to a mock model and got short echo answers.`,
        '</summary>',
      ].join('\n');
    } else if (kind === 'probe') {
      text = 'O';
      reportedTokens = 10;
    } else if (kind === 'title') {
      // The CLI asks for JSON ({"title": string}) through output_config.format.
      text = '{"title":"Mock session"}';
      reportedTokens = 100;
    } else if (kind === 'side') {
      text = 'Mock side answer.';
      reportedTokens = 100;
    } else {
      const context: ReplyContext = { kind, model, lastUserText, turns, lastToolResult: toolResultText(messages[messages.length - 1]) };
      tool = context.lastToolResult === null ? (options.toolUse?.(context) ?? null) : null;
      text = (options.reply ?? defaultReply)(context);
    }

    const usage = {
      input_tokens: Math.min(reportedTokens, 500),
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: Math.max(reportedTokens - 500, 0),
    };
    const outputTokens = Math.max(1, Math.ceil(text.length / 4));
    const id = `msg_mock${String(counter).padStart(6, '0')}`;
    const responseModel = model ?? 'claude-sonnet-4-6';

    const firstDelay = kind === 'compaction' ? (options.compactionDelayMs ?? 0) : 0;
    const later = (send: () => void): void => {
      if (firstDelay > 0) setTimeout(() => !res.destroyed && send(), firstDelay).unref();
      else send();
    };
    if (body.stream !== true) {
      later(() =>
        sendJson(200, {
          id,
          type: 'message',
          role: 'assistant',
          model: responseModel,
          content: [{ type: 'text', text }],
          stop_reason: 'end_turn',
          stop_sequence: null,
          usage: { ...usage, output_tokens: outputTokens },
        }),
      );
      return;
    }

    entry.status = 200;
    res.writeHead(200, {
      ...allowed,
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'request-id': requestId,
    });
    const events: Array<[string, unknown]> = [
      [
        'message_start',
        {
          type: 'message_start',
          message: {
            id,
            type: 'message',
            role: 'assistant',
            model: responseModel,
            content: [],
            stop_reason: null,
            stop_sequence: null,
            usage: { ...usage, output_tokens: 1 },
          },
        },
      ],
      ['content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }],
      ...splitText(text).map(
        (piece): [string, unknown] => [
          'content_block_delta',
          { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: piece } },
        ],
      ),
      ['content_block_stop', { type: 'content_block_stop', index: 0 }],
      [
        'message_delta',
        { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: outputTokens } },
      ],
      ['message_stop', { type: 'message_stop' }],
    ];
    if (tool !== null) {
      // The model asks for a tool instead of answering: one tool_use block, its input streamed as JSON.
      const block = { type: 'tool_use', id: `toolu_mock${String(counter).padStart(6, '0')}`, name: tool.name, input: {} };
      events.splice(1, events.length - 1,
        ['content_block_start', { type: 'content_block_start', index: 0, content_block: block }],
        ['content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: JSON.stringify(tool.input) } }],
        ['content_block_stop', { type: 'content_block_stop', index: 0 }],
        ['message_delta', { type: 'message_delta', delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { output_tokens: outputTokens } }],
        ['message_stop', { type: 'message_stop' }],
      );
    }
    const delay = options.chunkDelayMs ?? 0;
    const writeFrom = (index: number): void => {
      if (index >= events.length) {
        res.end();
        return;
      }
      const [name, data] = events[index] as [string, unknown];
      res.write(`event: ${name}\ndata: ${JSON.stringify(data)}\n\n`);
      if (delay > 0) setTimeout(() => writeFrom(index + 1), delay);
      else writeFrom(index + 1);
    };
    later(() => writeFrom(0));
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  // Don't keep a process alive for the mock's sake: it stops with whoever started it.
  server.unref();
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    configure(next) {
      options = { ...options, ...next };
    },
    close() {
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

/** The body's message of a usage-limit 429 (the real API's). */
export const USAGE_LIMIT_MESSAGE = "This request would exceed your account's rate limit. Please try again later.";

/** The headers of a 429 from the unified rate limiter: refused by `claim` until `reset` (epoch s). */
export function usageLimitHeaders(limit: UsageLimit, reset: number): Record<string, string> {
  const fiveHour = limit.claim === 'five_hour';
  const now = Math.floor(Date.now() / 1000);
  const resetText = String(Math.floor(reset));
  return {
    'anthropic-ratelimit-unified-status': 'rejected',
    'anthropic-ratelimit-unified-reset': resetText,
    'anthropic-ratelimit-unified-representative-claim': limit.claim,
    'anthropic-ratelimit-unified-5h-status': fiveHour ? 'rejected' : 'allowed',
    'anthropic-ratelimit-unified-5h-reset': fiveHour ? resetText : String(now + 5 * 3600),
    'anthropic-ratelimit-unified-5h-utilization': fiveHour ? '1.0' : '0.4',
    'anthropic-ratelimit-unified-7d-status': fiveHour ? 'allowed' : 'rejected',
    'anthropic-ratelimit-unified-7d-reset': fiveHour ? String(now + 7 * 86400) : resetText,
    'anthropic-ratelimit-unified-7d-utilization': fiveHour ? '0.6' : '1.0',
    'anthropic-ratelimit-unified-overage-status': limit.overageStatus ?? 'rejected',
    'anthropic-ratelimit-unified-overage-disabled-reason': 'out_of_credits',
    'anthropic-ratelimit-unified-fallback-percentage': '0.5',
  };
}

/** Sent with every answer while a usage limit is configured and none is in force. */
const ALLOWED_HEADERS: Record<string, string> = {
  'anthropic-ratelimit-unified-status': 'allowed',
  'anthropic-ratelimit-unified-5h-status': 'allowed',
  'anthropic-ratelimit-unified-5h-utilization': '0.1',
  'anthropic-ratelimit-unified-7d-status': 'allowed',
  'anthropic-ratelimit-unified-7d-utilization': '0.1',
};

/** The limit each image wording states. */
const WORDING_PIXELS: Record<ImageRefusalWording, number> = { dimensions: 8000, 'many-image': 2000, unprocessable: 8000, unrecognised: 8000 };

/** The 400's message for the first refused image of a request (null: none refused). */
export function imageRefusalMessage(messages: readonly Message[], refusal: ImageRefusal): string | null {
  const max = refusal.maxPixels ?? WORDING_PIXELS[refusal.wording];
  const at = refusedImagePath(messages, max);
  if (at === null) return null;
  switch (refusal.wording) {
    case 'dimensions':
      return `${at}.image.source.base64.data: At least one of the image dimensions exceed max allowed size: ${max} pixels`;
    case 'many-image':
      return `${at}.image.source.base64.data: At least one of the image dimensions exceed max allowed size for many-image requests: ${max} pixels`;
    case 'unprocessable':
      return 'Could not process image';
    case 'unrecognised':
      return `${at}.image.source.base64.data: The image was declined by the media screening service`;
  }
}

/** `messages.<i>.content.<j>[.content.<k>]` of the first image over `max` pixels, or null. */
function refusedImagePath(messages: readonly Message[], max: number): string | null {
  for (let i = 0; i < messages.length; i++) {
    const content = (messages[i] as Message).content;
    if (!Array.isArray(content)) continue;
    for (let j = 0; j < content.length; j++) {
      const block = content[j] as Record<string, unknown> | null;
      if (block === null || typeof block !== 'object') continue;
      if (block.type === 'image' && tooLarge(block, max)) return `messages.${i}.content.${j}`;
      if (block.type === 'tool_result' && Array.isArray(block.content)) {
        const inner = block.content as unknown[];
        for (let k = 0; k < inner.length; k++) {
          const nested = inner[k] as Record<string, unknown> | null;
          if (nested !== null && typeof nested === 'object' && nested.type === 'image' && tooLarge(nested, max)) return `messages.${i}.content.${j}.content.${k}`;
        }
      }
    }
  }
  return null;
}

/** Whether an image block's PNG header gives a side longer than `max` pixels. */
function tooLarge(block: Record<string, unknown>, max: number): boolean {
  const size = pngSize(block);
  return size !== null && Math.max(size.width, size.height) > max;
}

/** Width and height from a base64 PNG's IHDR, or null for anything else. */
export function pngSize(block: Record<string, unknown>): { width: number; height: number } | null {
  const source = block.source as Record<string, unknown> | undefined;
  if (source?.type !== 'base64' || typeof source.data !== 'string') return null;
  const head = Buffer.from(source.data.slice(0, 64), 'base64');
  if (head.length < 24 || head.readUInt32BE(0) !== 0x89504e47) return null;
  return { width: head.readUInt32BE(16), height: head.readUInt32BE(20) };
}

function splitText(text: string): string[] {
  const pieces: string[] = [];
  for (let i = 0; i < text.length; i += 40) pieces.push(text.slice(i, i + 40));
  return pieces.length > 0 ? pieces : [''];
}
