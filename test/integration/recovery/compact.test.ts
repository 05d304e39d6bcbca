// One headless compaction against the fake claude, which prints the real CLI's stream-json
// and appends its records.
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readCompactEvents, runCompaction } from '../../../src/recovery/compact.js';
import { checkIntegrity } from '../../../src/recovery/transcript-scan.js';
import { captureSession, FAKE_CLAUDE, installRealTranscript, makeHome, REAL_SESSION, REPO, type RecoveryHome } from '../../support/recovery-home.js';
import path from 'node:path';

let home: RecoveryHome;
beforeEach(() => {
  home = makeHome();
});
afterEach(() => home.cleanup());

function run(model: string, env: NodeJS.ProcessEnv = {}, timeoutMs = 20_000) {
  return runCompaction({
    claudePath: FAKE_CLAUDE,
    sessionId: REAL_SESSION,
    model,
    cwd: home.cwd,
    transcriptPath: home.transcript(REAL_SESSION),
    timeoutMs,
    env: { ...home.env, ...env },
  });
}

describe('readCompactEvents', () => {
  const real = path.join(REPO, 'test', 'fixtures', 'real', 'compact');
  const read = (name: string) => readCompactEvents(readFileSync(path.join(real, name), 'utf8'));

  it('reads 2.1.200, which has compact_result', () => {
    expect(read('2.1.200-success.jsonl')).toEqual({ compactResult: 'success', error: null, boundaryEvent: true });
    expect(read('2.1.200-failed.jsonl')).toMatchObject({ compactResult: 'failed', boundaryEvent: false });
  });

  it('reads 2.1.100, which has no compact_result: the boundary event, or a synthetic error message', () => {
    expect(read('2.1.100-success.jsonl')).toEqual({ compactResult: null, error: null, boundaryEvent: true });
    expect(read('2.1.100-failed.jsonl')).toMatchObject({ compactResult: null, boundaryEvent: false, error: expect.stringMatching(/^Error: Error during compaction: API Error: 400/) });
  });

  it('reads the real CLI success and failure output', () => {
    expect(readCompactEvents(readFileSync(path.join(real, '2.1.330-success.jsonl'), 'utf8'))).toEqual({ compactResult: 'success', error: null, boundaryEvent: true });
    expect(readCompactEvents(readFileSync(path.join(real, '2.1.330-failed.jsonl'), 'utf8'))).toEqual({
      compactResult: 'failed',
      error: 'Error during compaction: API Error: 400 mock: compaction refused for model claude-haiku-4-5-20251001',
      boundaryEvent: false,
    });
  });
});

describe('runCompaction', () => {
  it('succeeds when compact_result is success and a new boundary is in the transcript', async () => {
    installRealTranscript(home, '2.1.330-oauth-sub-70-gate.jsonl');
    const result = await run('claude-haiku-4-5-20251001');
    expect(result).toMatchObject({ ok: true, exitCode: 0, timedOut: false, compactResult: 'success', boundary: true });
  });

  it('fails on compact_result failed although the exit status is 0', async () => {
    installRealTranscript(home, '2.1.330-oauth-sub-70-gate.jsonl');
    const result = await run('claude-haiku-4-5-20251001', { FAKE_CLAUDE_FAIL_MODELS: 'claude-haiku-4-5-20251001' });
    expect(result).toMatchObject({ ok: false, exitCode: 0, compactResult: 'failed' });
    expect(result.detail).toBe('compact_result=failed: Error during compaction: API Error: 400 mock: compaction refused for model claude-haiku-4-5-20251001');
  });

  it('does not trust a success without a new compact_boundary (an older boundary does not count)', async () => {
    installRealTranscript(home, '2.1.330-oauth-sub-70-compacted.jsonl');
    const result = await run('opus', { FAKE_CLAUDE_NO_BOUNDARY_MODELS: 'opus' });
    expect(result).toMatchObject({ ok: false, compactResult: 'success', boundary: false });
  });

  it('kills a hanging compaction at its timeout', async () => {
    installRealTranscript(home, '2.1.330-oauth-sub-70-gate.jsonl');
    const result = await run('opus', { FAKE_CLAUDE_HANG_MODELS: 'opus' }, 1_500);
    expect(result).toMatchObject({ ok: false, timedOut: true });
  });

  it.each(['2.1.100', '2.1.200'])('works with the output and records of %s', async (version) => {
    const gate = `${version}-oauth-70-gate.jsonl`;
    const session = captureSession(gate);
    installRealTranscript(home, gate);
    const args = { claudePath: FAKE_CLAUDE, sessionId: session, cwd: home.cwd, transcriptPath: home.transcript(session), timeoutMs: 20_000 };
    const failed = await runCompaction({ ...args, model: 'opus', env: { ...home.env, FAKE_CLAUDE_VERSION: version, FAKE_CLAUDE_FAIL_MODELS: 'opus' } });
    expect(failed).toMatchObject({ ok: false, exitCode: 0 });
    expect(failed.detail).toContain('Error during compaction');
    const done = await runCompaction({ ...args, model: 'claude-haiku-4-5-20251001', env: { ...home.env, FAKE_CLAUDE_VERSION: version } });
    expect(done).toMatchObject({ ok: true, boundary: true });
    expect((await checkIntegrity(home.transcript(session))).malformed).toBe(0);
  });

  it('reports a missing session', async () => {
    const result = await run('opus');
    expect(result.ok).toBe(false);
    expect(result.detail).toContain('No conversation found with session ID');
  });

  it('runs claude with CLAUDE_RECOVER_ACTIVE=1 and the verified argv', async () => {
    installRealTranscript(home, '2.1.330-oauth-sub-70-gate.jsonl');
    const logFile = path.join(home.root, 'fake.log');
    await run('claude-haiku-4-5-20251001', { FAKE_CLAUDE_LOG: logFile });
    const entry = JSON.parse(readFileSync(logFile, 'utf8').trim()) as { argv: string[]; recoverActive: string; cwd: string };
    expect(entry).toEqual({
      argv: ['-p', '/compact', '--resume', REAL_SESSION, '--model', 'claude-haiku-4-5-20251001', '--output-format', 'stream-json', '--verbose'],
      cwd: home.cwd,
      pid: expect.any(Number),
      recoverActive: '1',
    });
  });
});
