import { appendFileSync, readdirSync, statSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hasCompactBoundarySince, lastUserPrompt, promptsSinceLastReply, sessionFacts } from '../../../src/recovery/transcript-scan.js';
import { installRealTranscript, makeHome, REAL_TRANSCRIPTS, syntheticTranscript, writeTranscript, type RecoveryHome } from '../../support/recovery-home.js';

let home: RecoveryHome;
beforeEach(() => {
  home = makeHome();
});
afterEach(() => home.cleanup());

const GATES = readdirSync(REAL_TRANSCRIPTS).filter((name) => name.endsWith('-gate.jsonl'));

describe('the real captures', () => {
  it.each(GATES)('%s: finds the blocked prompt and the session facts', async (name) => {
    const file = installRealTranscript(home, name);
    const prompt = await lastUserPrompt(file);
    expect(prompt).toMatch(/^\S/);
    expect(prompt?.startsWith('<')).toBe(false);
    const facts = await sessionFacts(file);
    expect(facts.version).toBe(name.split('-')[0]);
    expect(facts.cwd).toMatch(/\/project$/);
    // Case B: refused on the first request, so there is no real reply to measure.
    if (name.includes('caseB')) expect(facts.contextTokens).toBeNull();
    else expect(facts.contextTokens).toBeGreaterThan(0);
  });
});

describe('promptsSinceLastReply', () => {
  it.each(GATES)('%s: the blocked prompt, alone', async (name) => {
    const prompts = await promptsSinceLastReply(installRealTranscript(home, name));
    expect(prompts).toEqual([name.includes('caseB') ? 'hello one' : 'hello three']);
  });

  it('the blocked prompt, then what was queued behind it (sent or not), each once, in order', async () => {
    const file = home.transcript('s');
    const lines = syntheticTranscript({ sessionId: 's', turns: 2, lastPrompt: 'blocked' });
    const queue = (operation: string, content?: string): string => JSON.stringify({ type: 'queue-operation', operation, sessionId: 's', ...(content ? { content } : {}) });
    const error = lines.splice(-2, 1)[0] as string;
    lines.splice(-1, 0, queue('enqueue', 'one'), queue('enqueue', 'two'), error);
    lines.push(queue('dequeue'), JSON.stringify({ type: 'user', sessionId: 's', message: { role: 'user', content: 'one' } }), queue('enqueue', 'three'));
    writeTranscript(file, lines);
    expect(await promptsSinceLastReply(file)).toEqual(['blocked', 'one', 'two', 'three']);
  });

  it('nothing once the last prompt was answered', async () => {
    const file = home.transcript('s');
    writeTranscript(file, syntheticTranscript({ sessionId: 's', turns: 2 }));
    expect(await promptsSinceLastReply(file)).toEqual([]);
  });
});

describe('lastUserPrompt', () => {
  it('finds the blocked prompt in a real gate transcript', async () => {
    expect(await lastUserPrompt(installRealTranscript(home, '2.1.330-oauth-sub-70-gate.jsonl'))).toBe('hello three');
  });

  it('skips the compaction records (summary, /compact command lines, caveats)', async () => {
    expect(await lastUserPrompt(installRealTranscript(home, '2.1.330-oauth-sub-70-compacted.jsonl'))).toBe('hello three');
  });

  it('keeps a multi-line prompt whole', async () => {
    const file = home.transcript('s');
    writeTranscript(file, syntheticTranscript({ turns: 3, lastPrompt: 'first line\nsecond line\n  indented' }));
    expect(await lastUserPrompt(file)).toBe('first line\nsecond line\n  indented');
  });
});

describe('hasCompactBoundarySince', () => {
  it('sees only a boundary written after the offset', async () => {
    const file = installRealTranscript(home, '2.1.330-oauth-sub-70-compacted.jsonl');
    expect(await hasCompactBoundarySince(file, 0)).toBe(true);
    const size = statSync(file).size;
    expect(await hasCompactBoundarySince(file, size)).toBe(false);
    appendFileSync(file, '{"type":"system","subtype":"compact_boundary","uuid":"n","parentUuid":null}\n');
    expect(await hasCompactBoundarySince(file, size)).toBe(true);
  });

  it('is not fooled by the words in a prompt', async () => {
    const file = home.transcript('s');
    writeTranscript(file, syntheticTranscript({ turns: 2, lastPrompt: '"subtype":"compact_boundary"' }));
    expect(await hasCompactBoundarySince(file, 0)).toBe(false);
  });
});
