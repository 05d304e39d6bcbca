// The real Agent SDK (pinned devDependency) driving the real Claude Code CLI 2.1.332 through
// claude-recover's launcher (bin/claude-recover-sdk as pathToClaudeCodeExecutable), against the
// mock API: a conversation that crosses the 1M-context credits gate never sees it fail.
import { createSdkMcpServer, query, tool, type Options, type SDKMessage, type SDKResultMessage, type SDKUserMessage } from '@anthropic-ai/claude-agent-sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { DetectedEntry, RecoveredEntry } from '../../src/log/types.js';
import { GATE_BETA } from '../../src/demo/mock-api.js';
import { spawnClaudeCodeProcess } from '../../src/sdk.js';
import { GATE_ON_THIRD, HAIKU, ONE_M_MODEL, SDK_LAUNCHER, STANDARD_MODEL, startWorld, type HeadlessWorld } from '../support/e2e-headless.js';

let world: HeadlessWorld | null = null;
afterEach(async () => {
  await world?.close();
  world = null;
});

interface Conversation {
  messages: SDKMessage[];
  results: SDKResultMessage[];
  stderr: string;
  /** Set when the SDK's iteration threw (an error result, a dead process). */
  thrown: string | null;
}

/**
 * One SDK query over these prompts, each sent once the previous one has its result. With
 * `endEarly`, the prompt stream ends right after the last prompt, so the SDK closes claude's
 * input while that turn is still under way (what the SDK does for a finished prompt stream).
 */
async function converse(w: HeadlessWorld, prompts: string[], options: Partial<Options> & { direct?: boolean; endEarly?: boolean } = {}): Promise<Conversation> {
  const { direct, endEarly, ...sdkOptions } = options;
  let answered: () => void = () => undefined;
  async function* input(): AsyncGenerator<SDKUserMessage> {
    for (const [i, text] of prompts.entries()) {
      const done = new Promise<void>((resolve) => (answered = resolve));
      yield { type: 'user', message: { role: 'user', content: text }, parent_tool_use_id: null, session_id: '' };
      if (!(endEarly && i === prompts.length - 1)) await done;
    }
  }
  let stderr = '';
  const conversation: Conversation = { messages: [], results: [], stderr: '', thrown: null };
  const q = query({
    prompt: input(),
    options: {
      pathToClaudeCodeExecutable: direct ? w.claudePath : SDK_LAUNCHER,
      env: w.env,
      cwd: w.home.cwd,
      model: ONE_M_MODEL,
      stderr: (data) => (stderr += data),
      ...sdkOptions,
    },
  });
  try {
    for await (const message of q) {
      conversation.messages.push(message);
      if (message.type === 'result') {
        conversation.results.push(message);
        answered();
      }
    }
  } catch (error) {
    conversation.thrown = error instanceof Error ? error.message : String(error);
  }
  conversation.stderr = stderr;
  return conversation;
}

const said = (prompt: string): string => `you said "${prompt}"`;

describe('an Agent SDK app through claude-recover', () => {
  it('three turns, the third over the gate: every turn succeeds, the third answer replies to it, one recovery on the same session', async () => {
    world = await startWorld({ mock: GATE_ON_THIRD });
    // The prompt stream ends with the third prompt: the SDK closes claude's input during the recovery.
    const c = await converse(world, ['hello one', 'hello two', 'hello three'], { endEarly: true });
    expect(c.thrown).toBeNull();
    expect(c.results.map((r) => [r.subtype, r.is_error])).toEqual([
      ['success', false],
      ['success', false],
      ['success', false],
    ]);
    const texts = c.results.map((r) => (r.subtype === 'success' ? r.result : ''));
    expect(texts[0]).toContain(said('hello one'));
    expect(texts[1]).toContain(said('hello two'));
    expect(texts[2]).toContain(said('hello three'));
    // No error of the blocked turn reached the app.
    expect(JSON.stringify(c.messages)).not.toContain('required for 1M context');

    const sessionId = c.results[0]?.session_id;
    const refused = world.requests('chat').filter((r) => r.status === 429);
    expect(refused).toHaveLength(1);
    expect(refused[0]?.sessionId).toBe(sessionId);
    const compactions = world.requests('compaction');
    expect(compactions).toEqual([expect.objectContaining({ model: HAIKU, status: 200, sessionId })]);
    expect(compactions[0]?.betas).not.toContain(GATE_BETA);
    const answer = world.requests('chat').filter((r) => r.lastUserText === 'hello three' && r.status === 200);
    expect(answer).toEqual([expect.objectContaining({ model: STANDARD_MODEL, sessionId })]);
    expect(answer[0]?.betas).not.toContain(GATE_BETA);

    const events = world.events();
    const detected = events.filter((e): e is DetectedEntry => e.type === 'detected');
    expect(detected).toEqual([expect.objectContaining({ case: 'A', mode: 'stream-json', channel: 'output+transcript', sessionId })]);
    const recovered = events.filter((e): e is RecoveredEntry => e.type === 'recovered');
    expect(recovered).toEqual([expect.objectContaining({ sessionId, worked: `compact:${HAIKU}` })]);
    expect(events.filter((e) => e.type === 'gave-up')).toEqual([]);
    expect(events).toContainEqual(expect.objectContaining({ type: 'step', name: 'resend', ok: true }));
    expect(c.stderr).toMatch(/claude-recover: the 1M-context credits gate blocked session \w+; compacted it/);
  });

  it('after the restart, permission prompts, hooks and an in-process MCP server still work', async () => {
    world = await startWorld({
      mock: { ...GATE_ON_THIRD, toolUse: (ctx) => (ctx.lastUserText.includes('use the echo tool') ? { name: 'mcp__probe__echo', input: { text: 'ping' } } : null) },
    });
    const calls: string[] = [];
    const probe = createSdkMcpServer({
      name: 'probe',
      version: '1.0.0',
      tools: [
        tool('echo', 'Echoes its text', { text: z.string() }, async (args) => {
          calls.push(`mcp:${args.text}`);
          return { content: [{ type: 'text', text: `echo: ${args.text}` }] };
        }),
      ],
    });
    const c = await converse(world, ['hello one', 'hello two', 'hello three', 'now use the echo tool'], {
      mcpServers: { probe },
      mcpServersDelivery: 'argv',
      permissionMode: 'default',
      canUseTool: async (name, input) => {
        calls.push(`permission:${name}`);
        return { behavior: 'allow', updatedInput: input };
      },
      hooks: {
        PreToolUse: [
          {
            matcher: 'mcp__probe__echo',
            hooks: [
              async () => {
                calls.push('hook:PreToolUse');
                return { continue: true };
              },
            ],
          },
        ],
      },
    });
    expect(c.thrown).toBeNull();
    expect(c.results.map((r) => r.is_error)).toEqual([false, false, false, false]);
    expect(c.results[2]?.subtype === 'success' && c.results[2].result).toContain(said('hello three'));
    expect(c.results[3]?.subtype === 'success' && c.results[3].result).toContain('the tool said "echo: ping"');
    expect(calls).toEqual(['hook:PreToolUse', 'permission:mcp__probe__echo', 'mcp:ping']);
    expect(world.events().filter((e) => e.type === 'recovered')).toHaveLength(1);
    // The tool turn ran on the restarted claude: after the compaction, with the standard model.
    const toolTurn = world.requests('chat').filter((r) => r.lastUserText === 'now use the echo tool');
    expect(toolTurn.length).toBeGreaterThanOrEqual(2);
    expect(toolTurn.every((r) => r.model === STANDARD_MODEL && r.status === 200)).toBe(true);
  });

  it('without a gate, the app sees the same sequence of message types as from claude directly', async () => {
    const shape = (messages: SDKMessage[]): string[] => messages.map((m) => ('subtype' in m && typeof m.subtype === 'string' ? `${m.type}/${m.subtype}` : m.type));
    world = await startWorld({ mock: { gate: 'off' } });
    const direct = await converse(world, ['hello one', 'hello two', 'hello three'], { direct: true });
    await world.close();
    world = await startWorld({ mock: { gate: 'off' } });
    const wrapped = await converse(world, ['hello one', 'hello two', 'hello three']);
    expect(direct.thrown).toBeNull();
    expect(wrapped.thrown).toBeNull();
    expect(shape(wrapped.messages)).toEqual(shape(direct.messages));
    expect(shape(direct.messages).filter((t) => t === 'result/success')).toHaveLength(3);
    expect(world.events()).toEqual([]);
    expect(wrapped.stderr).toBe('');
  });
});

describe('spawnClaudeCodeProcess from claude-recover/sdk', () => {
  it("wraps the claude the SDK itself would start (its bundled binary) and recovers the same way", async () => {
    world = await startWorld({ mock: GATE_ON_THIRD });
    const env = { ...world.env };
    delete env.CLAUDE_RECOVER_CLAUDE;
    const commands: string[] = [];
    const c = await converse(world, ['hello one', 'hello two', 'hello three'], {
      env,
      pathToClaudeCodeExecutable: undefined,
      spawnClaudeCodeProcess: (options) => {
        commands.push(options.command);
        return spawnClaudeCodeProcess(options);
      },
    });
    expect(c.thrown).toBeNull();
    expect(commands).toHaveLength(1);
    expect(commands[0]).toContain('claude-agent-sdk');
    expect(c.results.map((r) => r.is_error)).toEqual([false, false, false]);
    expect(c.results[2]?.subtype === 'success' && c.results[2].result).toContain(said('hello three'));
    expect(world.events().filter((e) => e.type === 'recovered')).toHaveLength(1);
  });
});
