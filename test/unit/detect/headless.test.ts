import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { classifyEvent, classifyJsonLine, classifyTextLine, type HeadlessLine } from '../../../src/detect/headless.js';
import { compilePatterns } from '../../../src/detect/patterns.js';
import { QUOTED_GATE_TEXT } from '../../../src/demo/mock-api.js';

const DIR = new URL('../../fixtures/real/headless/', import.meta.url);
const { patterns } = compilePatterns();
const captures = readdirSync(DIR).filter((name) => name.endsWith('.out'));
/** `gate` for a line that is the 1M gate's rendering, else the line's kind. */
const gateOr = (line: HeadlessLine): string => (line.kind === 'block' && line.block === 'credits-1m' ? 'gate' : line.kind);
const lines = (name: string): string[] => readFileSync(new URL(name, DIR), 'utf8').split('\n').filter((line) => line !== '');

describe('the gate in real -p output (2.1.100, 2.1.200, 2.1.332; OAuth and API key)', () => {
  it('has captures of every format', () => {
    expect(captures.filter((name) => name.endsWith('-text.out'))).toHaveLength(6);
    expect(captures.filter((name) => name.endsWith('-json.out') && !name.includes('stream'))).toHaveLength(6);
    expect(captures.filter((name) => name.endsWith('-stream-json.out'))).toHaveLength(6);
  });

  for (const name of captures.filter((n) => n.endsWith('-text.out'))) {
    it(`text: ${name} is one gate line`, () => {
      expect(lines(name).map((line) => gateOr(classifyTextLine(line, patterns)))).toEqual(['gate']);
    });
  }

  for (const name of captures.filter((n) => n.endsWith('json.out'))) {
    it(`json: ${name} has the error message and the result as gate lines, a rejected rate limit as lead, nothing else`, () => {
      const kinds = lines(name).map((line) => gateOr(classifyJsonLine(line, patterns)));
      const types = lines(name).map((line) => (JSON.parse(line) as { type: string }).type);
      kinds.forEach((kind, i) => {
        if (types[i] === 'result' || types[i] === 'assistant') expect(kind, `${types[i]} line`).toBe('gate');
        else if (types[i] === 'rate_limit_event') expect(kind).toBe('lead');
        else expect(kind, `${types[i]} line`).toBe('other');
      });
      expect(kinds.filter((kind) => kind === 'gate').length).toBe(name.includes('stream-json') ? 2 : 1);
    });
  }

  it('SDK session over the gate: only the blocked turn is the gate; the normal answers and the allowed rate limit are not', () => {
    const out = lines('2.1.332-oauth-sdk.jsonl')
      .map((line) => JSON.parse(line) as { dir: string; line: string })
      .filter((entry) => entry.dir === 'out');
    const kinds = out.map((entry) => gateOr(classifyJsonLine(entry.line, patterns)));
    expect(kinds.filter((kind) => kind === 'gate')).toHaveLength(2);
    expect(kinds.filter((kind) => kind === 'lead')).toHaveLength(1);
    const gateTypes = out.filter((_, i) => kinds[i] === 'gate').map((entry) => (JSON.parse(entry.line) as { type: string }).type);
    expect(gateTypes).toEqual(['assistant', 'result']);
  });
});

describe('what is never the gate', () => {
  const quoted = (extra: Record<string, unknown>): Record<string, unknown> => ({
    type: 'assistant',
    message: { model: 'claude-sonnet-4-6', content: [{ type: 'text', text: QUOTED_GATE_TEXT }] },
    parent_tool_use_id: null,
    ...extra,
  });

  it('the model quoting the gate, in an answer or a successful result', () => {
    expect(classifyEvent(quoted({}), patterns).kind).toBe('other');
    expect(classifyEvent({ type: 'result', is_error: false, result: 'API Error: Usage credits required for 1M context · x' }, patterns).kind).toBe('other');
    expect(classifyTextLine('Here is the error: API Error: Usage credits required for 1M context', patterns).kind).toBe('other');
  });

  it("a subagent's error", () => {
    const event = {
      type: 'assistant',
      is_api_error_message: true,
      parent_tool_use_id: 'toolu_1',
      message: { model: '<synthetic>', content: [{ type: 'text', text: 'API Error: Usage credits required for 1M context · run /model' }] },
    };
    expect(classifyEvent(event, patterns).kind).toBe('other');
    expect(classifyEvent({ ...event, parent_tool_use_id: null }, patterns)).toEqual(expect.objectContaining({ kind: 'block', block: 'credits-1m', variant: 'usage-credits-1m' }));
  });

  it('another API error, an allowed rate limit, a line that is not JSON', () => {
    expect(classifyJsonLine('{"type":"result","is_error":true,"result":"API Error: 500 Internal server error required for"}', patterns).kind).toBe('other');
    expect(classifyJsonLine('{"type":"rate_limit_event","rate_limit_info":{"status":"allowed"}}', patterns).kind).toBe('other');
    expect(classifyJsonLine('required for 1M context {not json', patterns).kind).toBe('other');
    expect(classifyTextLine('API Error: 500 {"type":"error"}', patterns).kind).toBe('other');
  });

  it('recognises the gate by its api_error tag when a new wording does not match', () => {
    const event = { type: 'result', is_error: true, api_error: 'long_context_credits_required', result: 'API Error: something new' };
    expect(classifyEvent(event, patterns)).toEqual(expect.objectContaining({ kind: 'block', block: 'credits-1m', variant: 'api-error:long_context_credits_required' }));
  });
});
