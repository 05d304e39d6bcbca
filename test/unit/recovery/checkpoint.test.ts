import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BACKUPS_KEPT, backupDir, checkpoint } from '../../../src/recovery/checkpoint.js';
import { installRealTranscript, makeHome, REAL_SESSION, type RecoveryHome } from '../../support/recovery-home.js';

let home: RecoveryHome;
beforeEach(() => {
  home = makeHome();
});
afterEach(() => home.cleanup());

describe('checkpoint', () => {
  it('copies the transcript to a timestamped backup in the state dir', async () => {
    const file = installRealTranscript(home, '2.1.330-oauth-sub-70-gate.jsonl');
    const result = await checkpoint({ transcriptPath: file, sessionId: REAL_SESSION, stateDir: home.stateDir, now: new Date('2026-11-24T02:01:44.123Z') });
    expect(result.backupPath).toBe(path.join(home.stateDir, 'backups', `${REAL_SESSION}.jsonl.bak-20261124T020144123Z`));
    expect(readFileSync(result.backupPath).equals(readFileSync(file))).toBe(true);
    expect(result.size).toBe(readFileSync(file).length);
  });

  it(`keeps the newest ${BACKUPS_KEPT} backups of a session and removes leftovers of killed copies`, async () => {
    const file = installRealTranscript(home, '2.1.330-oauth-sub-70-gate.jsonl');
    const dir = backupDir(home.stateDir);
    for (let i = 0; i < BACKUPS_KEPT + 2; i++) {
      await checkpoint({ transcriptPath: file, sessionId: REAL_SESSION, stateDir: home.stateDir, now: new Date(Date.UTC(2026, 0, 1, 0, 0, i)) });
    }
    writeFileSync(path.join(dir, `${REAL_SESSION}.jsonl.bak-x.tmp-999999`), 'partial');
    writeFileSync(path.join(dir, 'other.jsonl.bak-20200101T000000000Z'), 'other session');
    await checkpoint({ transcriptPath: file, sessionId: REAL_SESSION, stateDir: home.stateDir, now: new Date(Date.UTC(2026, 0, 2)) });
    const names = readdirSync(dir).sort();
    expect(names).toContain('other.jsonl.bak-20200101T000000000Z');
    const ours = names.filter((n) => n.startsWith(REAL_SESSION));
    expect(ours).toHaveLength(BACKUPS_KEPT);
    expect(ours.at(-1)).toBe(`${REAL_SESSION}.jsonl.bak-20260102T000000000Z`);
    expect(ours.some((n) => n.includes('.tmp-'))).toBe(false);
  });
});
