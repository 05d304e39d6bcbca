import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compilePatterns } from '../../../src/detect/patterns.js';
import { createOutputFilter } from '../../../src/modes/print/output.js';
import type { OutputFormat } from '../../../src/modes/args.js';

const DIR = new URL('../../fixtures/real/headless/', import.meta.url);
const { patterns } = compilePatterns();
const capture = (name: string): Buffer => readFileSync(new URL(name, DIR));

function filter(format: OutputFormat, holdGates = true) {
  const written: Buffer[] = [];
  const gates: string[] = [];
  const f = createOutputFilter(format, {
    write: (data) => written.push(Buffer.from(data)),
    patterns,
    onBlock: (line) => gates.push(line.variant),
    holds: (kind) => holdGates && kind === 'credits-1m',
  });
  return { f, gates, out: () => Buffer.concat(written).toString('utf8') };
}

describe('text output', () => {
  it('passes a normal answer through byte by byte, before its newline', () => {
    const { f, out } = filter('text');
    f.push(Buffer.from('Mock ans'));
    expect(out()).toBe('Mock ans');
    f.push(Buffer.from('wer 3.\nAPI'));
    expect(out()).toBe('Mock answer 3.\n');
    f.push(Buffer.from(' docs are fine\n'));
    expect(out()).toBe('Mock answer 3.\nAPI docs are fine\n');
    f.end();
  });

  it('holds the gate line of every real capture, split at every offset, and releases it unchanged', () => {
    for (const name of ['2.1.332-oauth-subscription-print-text.out', '2.1.100-api-key-print-text.out', '2.1.200-oauth-subscription-print-text.out']) {
      const bytes = capture(name);
      for (let cut = 0; cut <= bytes.length; cut++) {
        const { f, gates, out } = filter('text');
        f.push(bytes.subarray(0, cut));
        f.push(bytes.subarray(cut));
        f.end();
        expect(out(), `${name} cut at ${cut}`).toBe('');
        expect(gates).toHaveLength(1);
        expect(f.hold.holding).toBe(true);
        f.hold.release();
        expect(out()).toBe(bytes.toString('utf8'));
      }
    }
  });

  it('a line that only starts like the error goes out at its newline', () => {
    const { f, gates, out } = filter('text');
    f.push(Buffer.from('API Error: 500 Internal server error'));
    expect(out()).toBe('');
    f.push(Buffer.from('\nnext'));
    expect(out()).toBe('API Error: 500 Internal server error\nnext');
    expect(gates).toEqual([]);
  });

  it('without holding, reports the gate and lets it through', () => {
    const { f, gates, out } = filter('text', false);
    f.push(capture('2.1.332-api-key-print-text.out'));
    expect(gates).toEqual(['request-rejected-long-context']);
    expect(out()).toBe(capture('2.1.332-api-key-print-text.out').toString('utf8'));
  });
});

describe('json and stream-json output', () => {
  it('passes each line as its newline arrives and holds from the rejected rate limit on', () => {
    const bytes = capture('2.1.332-oauth-subscription-print-stream-json.out');
    const text = bytes.toString('utf8');
    const firstLineEnd = bytes.indexOf(0x0a) + 1;
    const firstLine = bytes.subarray(0, firstLineEnd).toString('utf8');
    const { f, gates, out } = filter('stream-json');
    f.push(bytes.subarray(0, firstLineEnd - 1));
    expect(out()).toBe('');
    f.push(bytes.subarray(firstLineEnd - 1, firstLineEnd));
    expect(out()).toBe(firstLine);
    f.push(bytes.subarray(firstLineEnd));
    f.end();
    expect(gates).toEqual(['usage-credits-1m']);
    expect(out()).toBe(firstLine);
    f.hold.release();
    expect(out()).toBe(text);
  });

  it('the json result is held whole and released unchanged', () => {
    const bytes = capture('2.1.200-oauth-subscription-print-json.out');
    const { f, gates, out } = filter('json');
    f.push(bytes);
    f.end();
    expect(gates).toHaveLength(1);
    expect(out()).toBe('');
    f.hold.release();
    expect(out()).toBe(bytes.toString('utf8'));
  });

  it('a rejected rate limit that no error follows goes out', () => {
    const { f, out } = filter('stream-json');
    f.push(Buffer.from('{"type":"rate_limit_event","rate_limit_info":{"status":"rejected"}}\n'));
    expect(out()).toBe('');
    f.push(Buffer.from('{"type":"assistant","message":{"content":[]}}\n'));
    expect(out()).toBe('{"type":"rate_limit_event","rate_limit_info":{"status":"rejected"}}\n{"type":"assistant","message":{"content":[]}}\n');
  });
});
