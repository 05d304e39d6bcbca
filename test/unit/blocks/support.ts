// The real captures of issue 17 (test/fixtures/real), read back for the kinds' tests.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseRecord, type TranscriptRecord } from '../../../src/transcript/records.js';

export const REAL = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/real');

/** The records of a captured transcript. */
export function records(name: string): TranscriptRecord[] {
  return fs
    .readFileSync(path.join(REAL, 'transcripts', `${name}.jsonl`), 'utf8')
    .split('\n')
    .map(parseRecord)
    .filter((record): record is TranscriptRecord => record !== null);
}
