import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFileSink, createMemorySink, eventsFile, readEntries } from '../../../src/log/sink.js';
import type { LogEntry, NearMissEntry } from '../../../src/log/types.js';

let root: string;
let env: NodeJS.ProcessEnv;

beforeEach(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'cr-sink-'));
  env = { HOME: root, XDG_STATE_HOME: path.join(root, 'state') };
});
afterEach(() => {
  chmodSync(root, 0o700);
  rmSync(root, { recursive: true, force: true });
});

function nearMiss(i: number): NearMissEntry {
  return { type: 'near-miss', ts: new Date(Date.UTC(2025, 0, 1, 0, i)).toISOString(), sessionId: `s${i}`, contextTokens: 180_000 + i, window: 200_000 };
}

function lines(file: string): string[] {
  return readFileSync(file, 'utf8').split('\n').filter((l) => l !== '');
}

describe('file sink', () => {
  it('creates the state dir 0700 and events.jsonl 0600 and appends one JSON line an entry', () => {
    const sink = createFileSink({ env });
    sink.write(nearMiss(1));
    sink.write(nearMiss(2));
    const file = path.join(root, 'state', 'claude-recover', 'events.jsonl');
    expect(sink.file).toBe(file);
    expect(eventsFile(env)).toBe(file);
    expect(statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(lines(file).map((l) => JSON.parse(l) as LogEntry)).toEqual([nearMiss(1), nearMiss(2)]);
    expect(sink.failed).toBe(false);
  });

  it('tightens an existing log that others can read', () => {
    const file = eventsFile(env);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, '', { mode: 0o644 });
    createFileSink({ env }).write(nearMiss(1));
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('rotates before a write would pass maxBytes and keeps `keep` old files', () => {
    const lineBytes = JSON.stringify(nearMiss(0)).length + 1;
    const sink = createFileSink({ env, maxBytes: lineBytes * 2, keep: 2 });
    for (let i = 0; i < 7; i++) sink.write(nearMiss(i));
    const file = eventsFile(env);
    // 0 1 | 2 3 | 4 5 | 6: the oldest pair fell off.
    expect(lines(file).map((l) => (JSON.parse(l) as NearMissEntry).sessionId)).toEqual(['s6']);
    expect(lines(`${file}.1`).map((l) => (JSON.parse(l) as NearMissEntry).sessionId)).toEqual(['s4', 's5']);
    expect(lines(`${file}.2`).map((l) => (JSON.parse(l) as NearMissEntry).sessionId)).toEqual(['s2', 's3']);
    expect(existsSync(`${file}.3`)).toBe(false);
    expect(readEntries(env).map((e) => (e as NearMissEntry).sessionId)).toEqual(['s2', 's3', 's4', 's5', 's6']);
  });

  it('drops rotated files past a lowered keep, and keep 0 keeps none', () => {
    const file = eventsFile(env);
    mkdirSync(path.dirname(file), { recursive: true });
    for (const suffix of ['', '.1', '.2', '.3']) writeFileSync(`${file}${suffix}`, `${JSON.stringify(nearMiss(1))}\n`);
    createFileSink({ env, maxBytes: 10, keep: 1 }).write(nearMiss(2));
    expect([existsSync(`${file}.1`), existsSync(`${file}.2`), existsSync(`${file}.3`)]).toEqual([true, false, false]);
    createFileSink({ env, maxBytes: 10, keep: 0 }).write(nearMiss(3));
    expect(existsSync(`${file}.1`)).toBe(false);
    expect(lines(file)).toHaveLength(1);
  });

  it('writes a line bigger than maxBytes into a fresh file rather than losing it', () => {
    const sink = createFileSink({ env, maxBytes: 10, keep: 1 });
    sink.write(nearMiss(1));
    sink.write(nearMiss(2));
    expect(lines(eventsFile(env))).toHaveLength(1);
    expect(lines(`${eventsFile(env)}.1`)).toHaveLength(1);
  });

  it('starts a new line when the file ends in a cut-off line, so neither entry is glued to the other', () => {
    const file = eventsFile(env);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, `${JSON.stringify(nearMiss(1))}\n{"ts":"2025-01-01T00:02:00.000Z","type":"near-`);
    createFileSink({ env }).write(nearMiss(3));
    const text = readFileSync(file, 'utf8');
    expect(text.split('\n')).toEqual([JSON.stringify(nearMiss(1)), '{"ts":"2025-01-01T00:02:00.000Z","type":"near-', JSON.stringify(nearMiss(3)), '']);
    expect(readEntries(env)).toEqual([nearMiss(1), nearMiss(3)]);
  });

  it('leaves no lock file behind', () => {
    const sink = createFileSink({ env, maxBytes: 10, keep: 5 });
    for (let i = 0; i < 3; i++) sink.write(nearMiss(i));
    expect(readdirSync(path.dirname(eventsFile(env))).sort()).toEqual(['events.jsonl', 'events.jsonl.1', 'events.jsonl.2']);
  });

  it('reports a write failure once and never throws', () => {
    if (process.getuid?.() === 0) {
      // Root ignores permissions, so make the directory a file instead.
      mkdirSync(path.join(root, 'state'), { recursive: true });
      writeFileSync(path.join(root, 'state', 'claude-recover'), 'not a dir');
    } else {
      chmodSync(root, 0o500);
    }
    const reports: string[] = [];
    const sink = createFileSink({ env, report: (m) => reports.push(m) });
    expect(() => {
      sink.write(nearMiss(1));
      sink.write(nearMiss(2));
    }).not.toThrow();
    expect(sink.failed).toBe(true);
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatch(/^could not write the event log .*events\.jsonl \(.+\); claude keeps running/);
  });
});

describe('memory sink', () => {
  it('keeps entries in order', () => {
    const sink = createMemorySink();
    sink.write(nearMiss(1));
    sink.write(nearMiss(2));
    expect(sink.entries).toEqual([nearMiss(1), nearMiss(2)]);
  });
});

describe('readEntries', () => {
  it('returns nothing when there is no log', () => {
    expect(readEntries(env)).toEqual([]);
  });

  it('skips malformed lines and entries missing the fields readers need, and orders by time', () => {
    const file = eventsFile(env);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(
      file,
      [
        JSON.stringify(nearMiss(5)),
        '{"type":"near-miss","ts":',
        'null',
        JSON.stringify({ type: 'detected', ts: '2025-01-01T00:00:00Z', case: 'A' }),
        JSON.stringify({ type: 'mystery', ts: '2025-01-01T00:00:00Z' }),
        JSON.stringify({ ...nearMiss(6), ts: 'yesterday' }),
        JSON.stringify(nearMiss(3)),
        '',
      ].join('\n'),
    );
    writeFileSync(`${file}.1`, `${JSON.stringify(nearMiss(4))}\n`);
    expect(readEntries(env).map((e) => (e as NearMissEntry).sessionId)).toEqual(['s3', 's4', 's5']);
  });

  it('filters by since', () => {
    const sink = createFileSink({ env });
    for (let i = 0; i < 4; i++) sink.write(nearMiss(i));
    expect(readEntries(env, { since: new Date(Date.UTC(2025, 0, 1, 0, 2)) })).toEqual([nearMiss(2), nearMiss(3)]);
  });
});
