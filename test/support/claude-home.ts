// An isolated HOME for running the real Claude Code CLI in tests (seeded config, auth kinds,
// offline env: src/demo/claude-home.ts), plus readers for what a run leaves behind there:
// transcripts and claude-recover's event log.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { LogEntry } from '../../src/log/types.js';
import { stateDir } from '../../src/paths.js';
import { parseRecord, type TranscriptRecord } from '../../src/transcript/records.js';
import type { ClaudeHome } from '../../src/demo/claude-home.js';

export {
  createClaudeHome,
  fakeGatewayJwt,
  FAKE_API_KEY,
  FAKE_OAUTH_TOKEN,
  OFFLINE_ENV,
  seededClaudeJson,
  type AuthKind,
  type ClaudeHome,
  type ClaudeHomeOptions,
} from '../../src/demo/claude-home.js';

/** Every transcript file under the home's projects/, newest last. */
export function transcriptFiles(home: ClaudeHome): string[] {
  const projects = path.join(home.claudeDir, 'projects');
  if (!existsSync(projects)) return [];
  const files: string[] = [];
  for (const dir of readdirSync(projects)) {
    const full = path.join(projects, dir);
    for (const file of readdirSync(full)) if (file.endsWith('.jsonl')) files.push(path.join(full, file));
  }
  return files;
}

/** The transcript of this session id, or null if the CLI has not written it. */
export function transcriptPath(home: ClaudeHome, sessionId: string): string | null {
  return transcriptFiles(home).find((file) => path.basename(file) === `${sessionId}.jsonl`) ?? null;
}

/** The parsed lines of a transcript file (blank and torn lines skipped). */
export function readTranscript(file: string): TranscriptRecord[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .map(parseRecord)
    .filter((record): record is TranscriptRecord => record !== null);
}

/** claude-recover's events.jsonl inside this home ($XDG_STATE_HOME/claude-recover). */
export function eventLogPath(home: ClaudeHome): string {
  return path.join(stateDir({ XDG_STATE_HOME: home.stateHome, HOME: home.home }), 'events.jsonl');
}

/** The entries claude-recover logged so far. */
export function readEvents(home: ClaudeHome): LogEntry[] {
  const file = eventLogPath(home);
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as LogEntry);
}
