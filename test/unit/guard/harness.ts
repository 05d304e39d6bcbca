// Test doubles for the guard: a hand-driven clock with timers, a recording host, fixture readers.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_CONFIG, type Config } from '../../../src/config/types.js';
import type { GuardHost, GuardTimers } from '../../../src/guard/guard.js';
import type { LogEntry } from '../../../src/log/types.js';
import { parseRecord, type TranscriptRecord } from '../../../src/transcript/records.js';

export const FIXTURES = path.join(import.meta.dirname, '..', '..', 'fixtures');

/** A clock that moves only when told, with the timers that run as it passes them. */
export class FakeTime implements GuardTimers {
  now = 0;
  private nextId = 1;
  private queue: Array<{ id: number; at: number; callback: () => void }> = [];

  setTimeout(callback: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.queue.push({ id, at: this.now + ms, callback });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.queue = this.queue.filter((timer) => timer.id !== handle);
  }

  get pending(): number {
    return this.queue.length;
  }

  /** Moves the clock forward, running each timer at its time, in order. */
  advance(ms: number): void {
    const end = this.now + ms;
    for (;;) {
      this.queue.sort((a, b) => a.at - b.at || a.id - b.id);
      const first = this.queue[0];
      if (first === undefined || first.at > end) break;
      this.queue.shift();
      this.now = first.at;
      first.callback();
    }
    this.now = end;
  }
}

/** A host that records what the guard asked for. */
export class RecordingHost implements GuardHost {
  titles: Array<string | null> = [];
  bells = 0;
  typed: string[] = [];
  entries: LogEntry[] = [];
  idle: (idleMs: number) => boolean = () => true;
  /** What the next typeCommand returns. */
  typeResult: () => Promise<void> = () => Promise.resolve();
  log = { write: (entry: LogEntry): void => void this.entries.push(entry) };

  setTitle(title: string | null): void {
    this.titles.push(title);
  }
  bell(): void {
    this.bells++;
  }
  isIdleAtEmptyPrompt(idleMs: number): boolean {
    return this.idle(idleMs);
  }
  typeCommand(text: string): Promise<void> {
    this.typed.push(text);
    return this.typeResult();
  }
  sessionId(): string | null {
    return 'session-1';
  }
  ofType<T extends LogEntry['type']>(type: T): Array<Extract<LogEntry, { type: T }>> {
    return this.entries.filter((entry): entry is Extract<LogEntry, { type: T }> => entry.type === type);
  }
}

export type GuardConfig = Pick<Config, 'guard' | 'cases'>;

export function guardConfig(guard: Partial<Config['guard']> = {}): GuardConfig {
  return { guard: { ...DEFAULT_CONFIG.guard, ...guard }, cases: { ...DEFAULT_CONFIG.cases } };
}

/** The records of a fixture transcript (path relative to test/fixtures). */
export function fixtureRecords(relative: string): TranscriptRecord[] {
  return readFileSync(path.join(FIXTURES, relative), 'utf8')
    .split('\n')
    .map(parseRecord)
    .filter((record): record is TranscriptRecord => record !== null);
}

/** Lets promise callbacks (typeCommand's) run. */
export const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
