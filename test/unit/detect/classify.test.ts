import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../../src/config/types.js';
import { classifyOccurrence, contextBeforeGate, decideCase, gateMention, lineMayMentionGate } from '../../../src/detect/classify.js';
import { compilePatterns } from '../../../src/detect/patterns.js';
import { parseRecord } from '../../../src/transcript/records.js';
import { gateLine, replyLine, toolResultLine, userLine } from './support.js';

const thresholds = DEFAULT_CONFIG.cases;
const { patterns } = compilePatterns();
const T = Date.parse('2026-11-24T02:00:00Z');

describe('decideCase', () => {
  const figures = { contextTokens: 190_000, pendingTokens: 0, requestedModel: 'claude-sonnet-4-6[1m]', source: 'reply' as const, requestCarried1M: null };

  it('A at or above caseAMinTokens, counting what was added since the last reply', () => {
    expect(decideCase('main-error', figures, thresholds)).toMatchObject({ case: 'A', reason: 'context 190000 + ~0 pending >= 150000, [1m] model' });
    expect(decideCase('main-error', { ...figures, contextTokens: 150_000 }, thresholds).case).toBe('A');
    expect(decideCase('main-error', { ...figures, contextTokens: 120_000, pendingTokens: 40_000 }, thresholds).case).toBe('A');
  });

  it('B below it, and for the first request', () => {
    expect(decideCase('main-error', { ...figures, contextTokens: 149_999 }, thresholds)).toMatchObject({ case: 'B', reason: expect.stringMatching(/149999 \+ ~0 pending < 150000/) });
    expect(decideCase('main-error', { ...figures, contextTokens: null, source: 'none', requestCarried1M: null }, thresholds)).toMatchObject({ case: 'B', reason: expect.stringMatching(/first request/) });
  });

  it('follows the configured threshold', () => {
    expect(decideCase('main-error', { ...figures, contextTokens: 100_000 }, { ...thresholds, caseAMinTokens: 90_000 }).case).toBe('A');
  });

  it('A when the reply lies beyond the scan limit of a huge file', () => {
    expect(decideCase('main-error', { ...figures, contextTokens: null, source: 'scan-limit', requestCarried1M: null }, thresholds).case).toBe('A');
  });

  it('C for every kind of content, whatever the size', () => {
    for (const kind of ['sidechain-error', 'tool-result', 'user-text', 'assistant-text', 'other'] as const) {
      expect(decideCase(kind, figures, thresholds)).toMatchObject({ case: 'C', reason: expect.stringContaining(kind) });
    }
  });
});

describe('gateMention: which records carry the gate', () => {
  const mention = (line: string): ReturnType<typeof gateMention> => gateMention(parseRecord(line)!, patterns);

  it('the main error record, with or without the apiError tag, and the variant of its text', () => {
    expect(mention(gateLine(T))).toEqual({ kind: 'main-error', variant: 'usage-credits-1m' });
    expect(mention(gateLine(T, { apiError: false, text: 'API Error: Request rejected (429) · Extra usage is required for long context requests.' }))).toEqual({
      kind: 'main-error',
      variant: 'request-rejected-long-context',
    });
    expect(mention(gateLine(T, { text: 'API Error: something new' }))).toEqual({ kind: 'main-error', variant: 'api-error:long_context_credits_required' });
  });

  it('another API error is not the gate', () => {
    const other = { ...JSON.parse(gateLine(T, { apiError: false, text: 'API Error: 529 Overloaded' })), errorDetails: '529 {"type":"overloaded_error"}' };
    expect(mention(JSON.stringify(other))).toBeNull();
  });

  it('a subagent error, a tool result, a prompt, the model quoting it', () => {
    expect(mention(gateLine(T, { sidechain: true }))?.kind).toBe('sidechain-error');
    expect(mention(toolResultLine('cat log: API Error: Usage credits required for 1M context', T))?.kind).toBe('tool-result');
    expect(mention(userLine('why do I get "Usage credits required for 1M context"?', T))?.kind).toBe('user-text');
    expect(mention(replyLine(1000, T, { text: 'It says: Extra usage is required for long context requests.' }))?.kind).toBe('assistant-text');
    expect(mention(replyLine(1000, T, { text: 'nothing to see' }))).toBeNull();
  });

  it("the CLI's own /compact failure, written as command output, is the main session's error", () => {
    const line = userLine('<local-command-stderr>Error: Error during compaction: API Error: Usage credits required for 1M context · run /model to switch to standard context</local-command-stderr>', T);
    expect(mention(line)).toEqual({ kind: 'main-error', variant: 'compaction:usage-credits-1m' });
  });

  it('the raw prefilter lets through every line that mentions it, escaped newlines included', () => {
    expect(lineMayMentionGate(gateLine(T), patterns)).toBe(true);
    expect(lineMayMentionGate(JSON.stringify({ text: 'Extra usage is required\nfor long context' }), patterns)).toBe(true);
    expect(lineMayMentionGate(replyLine(10, T), patterns)).toBe(false);
  });
});

describe('contextBeforeGate: the figures from the transcript', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cr-classify-'));
    file = path.join(dir, 's.jsonl');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  const write = (...lines: string[]): void => fs.writeFileSync(file, lines.map((line) => `${line}\n`).join(''));

  it('the last main reply, not a subagent one, plus what was added since', () => {
    write(replyLine(120_000, T), userLine('x'.repeat(40_000), T + 1), replyLine(5_000, T + 2, { sidechain: true }), toolResultLine('y'.repeat(80_000), T + 3), gateLine(T + 4));
    expect(contextBeforeGate(file)).toEqual({ contextTokens: 120_000, pendingTokens: 30_000, requestedModel: 'claude-sonnet-4-6[1m]', source: 'reply', requestCarried1M: null });
    expect(classifyOccurrence(file, 'main-error', thresholds).case).toBe('A');
  });

  it('a compaction after the last reply gives its postTokens', () => {
    write(
      replyLine(190_000, T),
      JSON.stringify({ type: 'system', subtype: 'compact_boundary', compactMetadata: { trigger: 'manual', preTokens: 190_000, postTokens: 12_000 } }),
      userLine('summary', T + 1, { isCompactSummary: true }),
      gateLine(T + 2),
    );
    expect(contextBeforeGate(file)).toMatchObject({ contextTokens: 12_000, source: 'compact-boundary', requestedModel: 'claude-sonnet-4-6[1m]' });
    expect(classifyOccurrence(file, 'main-error', thresholds).case).toBe('B');
  });

  it('images count as about 1600 tokens each', () => {
    const image = { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'A'.repeat(400_000) } };
    write(replyLine(100_000, T), JSON.stringify({ type: 'user', message: { role: 'user', content: [{ type: 'tool_result', content: [image, image] }] } }), gateLine(T + 1));
    expect(contextBeforeGate(file).pendingTokens).toBe(3_200);
  });

  it('no reply at all: the first request', () => {
    write(userLine('hi', T), gateLine(T + 1));
    expect(contextBeforeGate(file)).toMatchObject({ contextTokens: null, source: 'none', requestCarried1M: null });
  });
});

const REAL = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/real/transcripts');
const real = fs.existsSync(REAL) ? fs.readdirSync(REAL).filter((name) => name.endsWith('-gate.jsonl')) : [];

describe.skipIf(real.length === 0)('real transcripts: the error record is recognised in every version and login', () => {
  for (const name of real) {
    it(name, () => {
      const lines = fs.readFileSync(path.join(REAL, name), 'utf8').split('\n');
      const mentions = lines.filter((line) => lineMayMentionGate(line, patterns)).map((line) => gateMention(parseRecord(line)!, patterns));
      expect(mentions.filter((found) => found?.kind === 'main-error')).toHaveLength(1);
      expect(mentions.filter((found) => found !== null && found.kind !== 'main-error')).toEqual([]);
      const classification = classifyOccurrence(path.join(REAL, name), 'main-error', thresholds);
      expect(classification.case).toBe(name.includes('caseB') ? 'B' : 'A');
      // 2.1.330 writes an api-request record per request: the refused one carried the 1M
      // beta (the session ran a [1m] model). 2.1.200 and 2.1.100 write none: not known.
      expect(classification.requestCarried1M).toBe(name.startsWith('2.1.330') ? true : null);
    });
  }

  it('a refused request without the 1M beta says so, in the figures and the reason', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cr-classify-beta-'));
    try {
      const source = fs.readFileSync(path.join(REAL, '2.1.330-oauth-sub-70-caseB-gate.jsonl'), 'utf8');
      expect(source).toContain('"context-1m-2025-08-07"');
      const file = path.join(dir, 'standard.jsonl');
      fs.writeFileSync(file, source.replace(/"context-1m-2025-08-07",?/g, ''));
      const classification = classifyOccurrence(file, 'main-error', thresholds);
      expect(classification).toMatchObject({ case: 'B', requestCarried1M: false, requestedModel: 'claude-sonnet-4-6', reason: expect.stringContaining('no 1M beta') });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the quoting session has the words only in assistant text', () => {
    for (const name of fs.readdirSync(REAL).filter((file) => file.endsWith('-quote.jsonl'))) {
      const kinds = fs
        .readFileSync(path.join(REAL, name), 'utf8')
        .split('\n')
        .filter((line) => lineMayMentionGate(line, patterns))
        .map((line) => gateMention(parseRecord(line)!, patterns)?.kind);
      expect(kinds.length, name).toBeGreaterThan(0);
      expect(new Set(kinds), name).toEqual(new Set(['assistant-text']));
    }
  });
});
