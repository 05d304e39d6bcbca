import { afterEach, describe, expect, it } from 'vitest';
import {
  GATE_BETA,
  GATE_MESSAGE,
  QUOTE_TRIGGER,
  SUMMARY_MARKER,
  startMockApi,
  type MockApi,
  type MockApiOptions,
} from '../../../src/demo/mock-api.js';

let api: MockApi | null = null;

afterEach(async () => {
  await api?.close();
  api = null;
});

async function start(options: MockApiOptions = {}): Promise<MockApi> {
  api = await startMockApi(options);
  return api;
}

const CLAUDE_SYSTEM = [
  { type: 'text', text: "You are Claude Code, Anthropic's official CLI for Claude." },
  { type: 'text', text: 'You are an interactive agent that helps users with software engineering tasks.' },
];

interface Turn {
  role: 'user' | 'assistant';
  text: string;
}

function conversation(prompts: number, extra: Turn[] = []): Turn[] {
  const turns: Turn[] = [];
  for (let i = 1; i <= prompts; i++) {
    turns.push({ role: 'user', text: `prompt ${i}` });
    if (i < prompts) turns.push({ role: 'assistant', text: `answer ${i}` });
  }
  return [...turns, ...extra];
}

async function post(
  base: MockApi,
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(`${base.url}/v1/messages?beta=true`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

function chatBody(turns: Turn[], options: { model?: string; stream?: boolean; system?: unknown; maxTokens?: number } = {}) {
  return {
    model: options.model ?? 'claude-sonnet-4-6',
    max_tokens: options.maxTokens ?? 32_000,
    stream: options.stream ?? true,
    system: options.system ?? CLAUDE_SYSTEM,
    messages: turns.map((turn) => ({
      role: turn.role,
      content: [{ type: 'text', text: turn.role === 'user' ? `<system-reminder>ctx</system-reminder>\n${turn.text}` : turn.text }],
    })),
  };
}

interface SseEvent {
  event: string;
  data: Record<string, unknown>;
}

function parseSse(text: string): SseEvent[] {
  return text
    .split('\n\n')
    .filter((block) => block.trim() !== '')
    .map((block) => {
      const event = /^event: (.*)$/m.exec(block)?.[1] ?? '';
      const data = JSON.parse(/^data: (.*)$/m.exec(block)?.[1] ?? '{}') as Record<string, unknown>;
      return { event, data };
    });
}

function streamedText(events: SseEvent[]): string {
  return events
    .filter((e) => e.event === 'content_block_delta')
    .map((e) => (e.data.delta as { text: string }).text)
    .join('');
}

function startUsage(events: SseEvent[]): { input_tokens: number; cache_read_input_tokens: number; cache_creation_input_tokens: number } {
  const start = events.find((e) => e.event === 'message_start');
  return (start?.data.message as { usage: { input_tokens: number; cache_read_input_tokens: number; cache_creation_input_tokens: number } }).usage;
}

const ONE_M = { 'anthropic-beta': `claude-code-20250219,${GATE_BETA},interleaved-thinking-2025-05-14` };

describe('the mock Messages API', () => {
  it('streams a complete message in the order the SDK expects', async () => {
    const mock = await start();
    const response = await post(mock, chatBody(conversation(1)));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const events = parseSse(await response.text());
    expect(events.map((e) => e.event)).toEqual([
      'message_start',
      'content_block_start',
      ...events.filter((e) => e.event === 'content_block_delta').map(() => 'content_block_delta'),
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    expect(streamedText(events)).toBe('Mock answer 1: you said "prompt 1".');
    expect(events.find((e) => e.event === 'message_delta')?.data.delta).toEqual({ stop_reason: 'end_turn', stop_sequence: null });
  });

  it('reports a context of base + per-turn tokens for each reply in the history', async () => {
    const mock = await start({ baseTokens: 100_000, tokensPerTurn: 30_000 });
    const first = startUsage(parseSse(await (await post(mock, chatBody(conversation(1)))).text()));
    const third = startUsage(parseSse(await (await post(mock, chatBody(conversation(3)))).text()));
    const sum = (u: typeof first): number => u.input_tokens + u.cache_read_input_tokens + u.cache_creation_input_tokens;
    expect(sum(first)).toBe(100_000);
    expect(sum(third)).toBe(160_000);
    expect(mock.requests.map((r) => r.contextTokens)).toEqual([100_000, 160_000]);
  });

  it('refuses a 1M-beta request past the window with the gate 429, and lets the same request through without the beta', async () => {
    const mock = await start({ baseTokens: 150_000, tokensPerTurn: 40_000 });
    const under = await post(mock, chatBody(conversation(2)), ONE_M);
    expect(under.status).toBe(200);
    await under.text();
    const over = await post(mock, chatBody(conversation(3)), ONE_M);
    expect(over.status).toBe(429);
    const body = (await over.json()) as { type: string; error: { type: string; message: string }; request_id: string };
    expect(body.type).toBe('error');
    expect(body.error).toEqual({ type: 'rate_limit_error', message: GATE_MESSAGE });
    expect(body.request_id).toMatch(/^req_/);
    expect(over.headers.get('x-should-retry')).toBeNull();
    const standard = await post(mock, chatBody(conversation(3)), { 'anthropic-beta': 'claude-code-20250219' });
    expect(standard.status).toBe(200);
    await standard.text();
    expect(mock.requests.map((r) => [r.status, r.betas.includes(GATE_BETA)])).toEqual([
      [200, true],
      [429, true],
      [200, false],
    ]);
  });

  it('in case-B mode refuses every 1M request, even the first; with gate off never', async () => {
    const mock = await start({ gate: 'always', gateShouldRetry: false });
    const refused = await post(mock, chatBody(conversation(1)), ONE_M);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('x-should-retry')).toBe('false');
    await refused.text();
    mock.configure({ gate: 'off', baseTokens: 900_000 });
    const allowed = await post(mock, chatBody(conversation(1)), ONE_M);
    expect(allowed.status).toBe(200);
    await allowed.text();
  });

  it('answers a compaction request with analysis and summary, then reports a small context', async () => {
    const mock = await start({ baseTokens: 150_000, tokensPerTurn: 40_000, compactedTokens: 5_000 });
    const compactPrompt: Turn = {
      role: 'user',
      text: 'Your task is to create a detailed summary of the conversation so far, paying close attention to…',
    };
    const response = await post(mock, chatBody(conversation(3, [{ role: 'assistant', text: 'x' }, compactPrompt]), { model: 'claude-haiku-4-5-20251001' }));
    expect(response.status).toBe(200);
    const summary = streamedText(parseSse(await response.text()));
    expect(summary).toMatch(/^<analysis>[\s\S]*<\/analysis>\s*<summary>[\s\S]*<\/summary>$/);
    expect(summary).toContain(SUMMARY_MARKER);
    expect(mock.requests[0]?.kind).toBe('compaction');
    expect(mock.requests[0]?.model).toBe('claude-haiku-4-5-20251001');

    const resumed: Turn[] = [
      { role: 'user', text: `This session is being continued… Summary:\n${summary}` },
      { role: 'user', text: 'next prompt' },
    ];
    const after = await post(mock, chatBody(resumed), ONE_M);
    expect(after.status).toBe(200);
    const usage = startUsage(parseSse(await after.text()));
    expect(usage.input_tokens + usage.cache_read_input_tokens).toBe(5_000);
  });

  it("refuses the CLI's own 1M compaction of an over-window history like any other 1M request", async () => {
    const mock = await start({ baseTokens: 150_000, tokensPerTurn: 40_000 });
    const compact: Turn = { role: 'user', text: 'Your task is to create a detailed summary of the conversation so far.' };
    const history = conversation(3, [{ role: 'assistant', text: 'answer 3' }, compact]);
    const refused = await post(mock, chatBody(history), ONE_M);
    expect(refused.status).toBe(429);
    await refused.text();
    const haiku = await post(mock, chatBody(history, { model: 'claude-haiku-4-5-20251001' }));
    expect(haiku.status).toBe(200);
    await haiku.text();
    expect(mock.requests.map((r) => [r.kind, r.contextTokens])).toEqual([
      ['compaction', 270_000],
      ['compaction', 270_000],
    ]);
  });

  it('refuses compaction for the configured models only', async () => {
    const mock = await start({ refuseCompactionFor: ['claude-haiku'] });
    const compact: Turn = { role: 'user', text: 'Your task is to create a detailed summary of the conversation so far.' };
    const haiku = await post(mock, chatBody([compact], { model: 'claude-haiku-4-5-20251001' }));
    expect(haiku.status).toBe(400);
    expect(((await haiku.json()) as { error: { type: string } }).error.type).toBe('invalid_request_error');
    const opus = await post(mock, chatBody([compact], { model: 'claude-opus-4-6' }));
    expect(opus.status).toBe(200);
    await opus.text();
    const chat = await post(mock, chatBody(conversation(1), { model: 'claude-haiku-4-5-20251001' }));
    expect(chat.status).toBe(200);
    await chat.text();
  });

  it('quotes the gate text in an answer when asked, without refusing anything', async () => {
    const mock = await start();
    const response = await post(mock, chatBody([{ role: 'user', text: `please ${QUOTE_TRIGGER} error` }]), ONE_M);
    expect(response.status).toBe(200);
    const text = streamedText(parseSse(await response.text()));
    expect(text).toContain('API Error: Usage credits required for 1M context');
    expect(text).toContain('Request rejected (429) · Extra usage is required for long context requests.');
  });

  it('answers probes and title requests as JSON or small streams, never gated', async () => {
    const mock = await start({ gate: 'always' });
    const probe = await post(mock, chatBody(conversation(1), { stream: false, maxTokens: 1 }), ONE_M);
    expect(probe.status).toBe(200);
    const message = (await probe.json()) as { type: string; content: Array<{ type: string; text: string }>; usage: { output_tokens: number } };
    expect(message.type).toBe('message');
    expect(message.content[0]?.type).toBe('text');
    const titleSystem = [{ type: 'text', text: 'Generate a concise, sentence-case title (3-7 words) that captures the main topic' }];
    const title = await post(mock, chatBody(conversation(1), { system: titleSystem }), ONE_M);
    expect(title.status).toBe(200);
    expect(JSON.parse(streamedText(parseSse(await title.text())))).toEqual({ title: 'Mock session' });
    expect(mock.requests.map((r) => r.kind)).toEqual(['probe', 'title']);
  });

  it('records model, betas, session id header, size and kind of every request', async () => {
    const mock = await start();
    const body = chatBody(conversation(1));
    const response = await post(mock, body, { ...ONE_M, 'x-claude-code-session-id': 'sess-123' });
    await response.text();
    const head = await fetch(`${mock.url}/`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    const unknown = await fetch(`${mock.url}/v1/unknown`, { method: 'POST', body: '{}' });
    expect(unknown.status).toBe(404);
    await unknown.text();
    expect(mock.requests[0]).toMatchObject({
      method: 'POST',
      path: '/v1/messages?beta=true',
      kind: 'chat',
      model: 'claude-sonnet-4-6',
      betas: ['claude-code-20250219', GATE_BETA, 'interleaved-thinking-2025-05-14'],
      sessionId: 'sess-123',
      bodyBytes: Buffer.byteLength(JSON.stringify(body)),
      stream: true,
      status: 200,
      lastUserText: 'prompt 1',
    });
    expect(mock.requests.slice(1).map((r) => [r.method, r.kind, r.status])).toEqual([
      ['HEAD', 'other', 200],
      ['POST', 'other', 404],
    ]);
  });

  it('listens on 127.0.0.1 and stops accepting connections once closed', async () => {
    const mock = await startMockApi();
    expect(mock.url).toBe(`http://127.0.0.1:${mock.port}`);
    await mock.close();
    await expect(fetch(`${mock.url}/`, { method: 'HEAD' })).rejects.toThrow();
  });
});
