import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { transcriptProblem } from '../../../src/transcript/check.js';
import { REAL_TRANSCRIPTS } from '../../support/recovery-home.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'cr-check-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function file(content: string | Buffer): string {
  const name = path.join(dir, 'f.jsonl');
  writeFileSync(name, content);
  return name;
}

const record = (fields: Record<string, unknown>) => `${JSON.stringify({ type: 'user', sessionId: 's1', ...fields })}\n`;

describe('transcriptProblem', () => {
  it('accepts every real capture (2.1.100, 2.1.200, 2.1.330)', async () => {
    const names = readdirSync(REAL_TRANSCRIPTS).filter((n) => n.endsWith('.jsonl'));
    expect(names.length).toBeGreaterThan(10);
    for (const name of names) expect(await transcriptProblem(path.join(REAL_TRANSCRIPTS, name)), name).toBeNull();
  });

  it('accepts a transcript being written (a torn last line) and a one-record one', async () => {
    expect(await transcriptProblem(file(`${record({})}${record({})}{"type":"assi`))).toBeNull();
    expect(await transcriptProblem(file(record({})))).toBeNull();
  });

  it('says what is wrong with anything else', async () => {
    expect(await transcriptProblem(file(''))).toBe('it is empty');
    expect(await transcriptProblem(file(Buffer.from([0x7b, 0x00, 0x01, 0x02])))).toBe('it holds binary data');
    expect(await transcriptProblem(file('hello\n'))).toBe('line 1 is not a JSON object');
    expect(await transcriptProblem(file('[1,2]\n'))).toBe('line 1 is not a JSON object');
    expect(await transcriptProblem(file('{"a":1}\n'))).toBe('line 1 has no record type');
    expect(await transcriptProblem(file(`${record({})}{not json}\n${record({})}`))).toBe('line 2 is not JSON');
    expect(await transcriptProblem(file('{"type":"x"}\n'.repeat(3)))).toBe('none of its first 3 lines is a session record (with a sessionId)');
    // A torn line is only forgiven at the end of a file that already had session records.
    expect(await transcriptProblem(file('{"type":"assi'))).toBe('line 1 is not JSON');
  });
});
