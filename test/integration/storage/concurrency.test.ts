// Many claude-recover processes on one machine share the event log and the loop guard's file.
// 20 processes at once, against the built modules: every log line survives a rotation storm,
// and every recovery claim is counted, none allowed past the limit.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ROOT } from '../../support/paths.js';

const run = promisify(execFile);
const WRITERS = 20;
const dist = (file: string): string => pathToFileURL(path.join(ROOT, 'dist', file)).href;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'cr-concurrency-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Starts `count` node processes running `script` (an ES module body) together; resolves with their stdout once all exit 0. */
async function startAll(count: number, script: string): Promise<string[]> {
  // A barrier: each says it is ready, then waits for the go, so that they really overlap.
  const barrier = path.join(dir, 'barrier');
  mkdirSync(barrier);
  const body = `import { existsSync, writeFileSync } from 'node:fs';
    writeFileSync(${JSON.stringify(barrier)} + '/ready-' + process.argv[1], '');
    while (!existsSync(${JSON.stringify(path.join(barrier, 'go'))})) await new Promise((r) => setTimeout(r, 2));
    ${script}`;
  const all = Promise.all(Array.from({ length: count }, (_, i) => run(process.execPath, ['--input-type=module', '-e', body, String(i)], { timeout: 60_000 })));
  await expect.poll(() => readdirSync(barrier).length, { timeout: 30_000 }).toBe(count);
  writeFileSync(path.join(barrier, 'go'), '');
  const results = await all;
  rmSync(barrier, { recursive: true });
  return results.map((r) => r.stdout);
}

describe('the event log under 20 concurrent writers', () => {
  it('loses no line while they rotate a tiny file, and every file holds whole lines', async () => {
    const file = path.join(dir, 'events.jsonl');
    const perWriter = 40;
    await startAll(
      WRITERS,
      `const { createFileSink } = await import(${JSON.stringify(dist('log/sink.js'))});
       const writer = Number(process.argv[1]);
       const sink = createFileSink({ file: ${JSON.stringify(file)}, maxBytes: 700, keep: 100000, report: (m) => { console.error(m); process.exitCode = 1; } });
       for (let i = 0; i < ${perWriter}; i++) sink.write({ ts: new Date().toISOString(), type: 'warning', message: 'w' + writer + '-' + i });`,
    );
    const files = readdirSync(dir);
    // Rotations happened, and no lock or temporary file is left behind.
    expect(files.length).toBeGreaterThan(50);
    expect(files.every((name) => /^events\.jsonl(\.\d+)?$/.test(name))).toBe(true);
    const seen = new Map<string, number>();
    for (const name of files) {
      const text = readFileSync(path.join(dir, name), 'utf8');
      expect(text.endsWith('\n')).toBe(true);
      for (const line of text.split('\n').filter(Boolean)) {
        const message = (JSON.parse(line) as { message: string }).message;
        seen.set(message, (seen.get(message) ?? 0) + 1);
      }
    }
    expect(seen.size).toBe(WRITERS * perWriter);
    expect([...seen.values()].every((n) => n === 1)).toBe(true);
  });
});

describe('the loop guard under 20 concurrent recoveries', () => {
  const claimScript = (file: string, max: number): string =>
    `const { LoopGuard } = await import(${JSON.stringify(dist('recovery/loop-guard.js'))});
     const decision = await new LoopGuard(${JSON.stringify(file)}, ${max}, 15).claim('recover', 'session-1');
     console.log(JSON.stringify(decision));`;

  it('counts every claim', async () => {
    const file = path.join(dir, 'state', 'recoveries.json');
    const out = await startAll(WRITERS, claimScript(file, 1000));
    expect(out.map((o) => (JSON.parse(o) as { allowed: boolean }).allowed)).toEqual(Array(WRITERS).fill(true));
    // Each saw the claims before it: 0 … 19, once each.
    expect(out.map((o) => (JSON.parse(o) as { recent: number }).recent).sort((a, b) => a - b)).toEqual([...Array(WRITERS).keys()]);
    const store = JSON.parse(readFileSync(file, 'utf8')) as { attempts: Record<string, number[]> };
    expect(store.attempts['recover:session-1']).toHaveLength(WRITERS);
    expect(existsSync(`${file}.lock`)).toBe(false);
  });

  it('allows exactly the limit when they race for it', async () => {
    const file = path.join(dir, 'state', 'recoveries.json');
    const out = await startAll(WRITERS, claimScript(file, 3));
    expect(out.filter((o) => (JSON.parse(o) as { allowed: boolean }).allowed)).toHaveLength(3);
    const store = JSON.parse(readFileSync(file, 'utf8')) as { attempts: Record<string, number[]> };
    expect(store.attempts['recover:session-1']).toHaveLength(3);
  });
});
