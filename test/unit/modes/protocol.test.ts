import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { classifyCallerLine, classifyClaudeLine, resendable } from '../../../src/modes/stream-json/protocol.js';

const sdk = readFileSync(new URL('../../fixtures/real/headless/2.1.332-oauth-sdk.jsonl', import.meta.url), 'utf8')
  .trim()
  .split('\n')
  .map((line) => JSON.parse(line) as { dir: string; line: string });

describe('the SDK session, as captured from the real SDK and CLI', () => {
  it('the SDK opens with initialize, then sends user messages', () => {
    const kinds = sdk.filter((e) => e.dir === 'in').map((e) => classifyCallerLine(e.line).kind);
    expect(kinds).toEqual(['initialize', 'user', 'user', 'user']);
  });

  it("claude's lines: the initialize answer first, one result per turn", () => {
    const out = sdk.filter((e) => e.dir === 'out').map((e) => classifyClaudeLine(e.line));
    const init = sdk.find((e) => e.dir === 'in');
    const requestId = (JSON.parse(init?.line ?? '{}') as { request_id: string }).request_id;
    expect(out[0]).toEqual({ kind: 'control-response', requestId });
    expect(out.filter((line) => line.kind === 'result')).toHaveLength(3);
  });
});

describe('classifyCallerLine', () => {
  it('knows settings that outlive a turn, and lets anything else be', () => {
    expect(classifyCallerLine('{"type":"control_request","request_id":"r2","request":{"subtype":"set_permission_mode","mode":"acceptEdits"}}')).toEqual({
      kind: 'setting',
      requestId: 'r2',
      subtype: 'set_permission_mode',
    });
    expect(classifyCallerLine('{"type":"control_request","request_id":"r3","request":{"subtype":"interrupt"}}')).toEqual({ kind: 'control-request', requestId: 'r3' });
    expect(classifyCallerLine('{"type":"control_response","response":{"request_id":"x"}}').kind).toBe('control-response');
    expect(classifyCallerLine('not json at all').kind).toBe('other');
    expect(classifyCallerLine('{"type":"keep_alive"}').kind).toBe('other');
  });
});

describe('resendable', () => {
  it('drops the uuid the resumed session already holds, and leaves a message without one as it was', () => {
    const withUuid = Buffer.from('{"type":"user","message":{"role":"user","content":"hello three"},"parent_tool_use_id":null,"session_id":"","uuid":"11111111-2222-4333-8444-555555555555"}\n');
    expect(JSON.parse(resendable(withUuid).toString())).toEqual({ type: 'user', message: { role: 'user', content: 'hello three' }, parent_tool_use_id: null, session_id: '' });
    const plain = Buffer.from('{"type":"user","message":{"role":"user","content":"hi"}}\n');
    expect(resendable(plain)).toBe(plain);
  });
});
