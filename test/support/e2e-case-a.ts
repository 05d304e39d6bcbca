// The case-A journey shared by the e2e scenarios: a session grows past the standard window, the
// gate blocks the third prompt, claude-recover compacts the same session with a small model and
// resumes it with a standard one, and the user carries on.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import type { LogEntry, RecoveredEntry } from '../../src/log/types.js';
import type { MockApiOptions, MockRequest } from '../../src/demo/mock-api.js';
import { isCompactBoundary } from '../../src/transcript/records.js';
import { carries1M, exitSession, STANDARD_MODEL, until, type E2eSession } from './e2e.js';

/** Prompt 1 reports 150K, prompt 2 190K, prompt 3 would be 230K with the 1M beta: refused. */
export const CASE_A_MOCK: MockApiOptions = { baseTokens: 150_000, tokensPerTurn: 40_000, gate: 'over-window' };

/** Detection is due within seconds of the error (screen, then the transcript line ~1 s later). */
const DETECT_MS = 20_000;
/** Generous: a recovery is several CLI start-ups and model calls on a shared 2-core box. */
const RECOVERY_MS = 45_000;

export interface CaseAResult {
  blockedSessionId: string;
  /** The compaction requests that claude-recover's headless runs made, in order. */
  compactions: MockRequest[];
  recovered: RecoveredEntry;
  events: LogEntry[];
}

/** Types the first two prompts and waits for their answers. */
export async function growSession(session: E2eSession): Promise<void> {
  for (const prompt of ['hello one', 'hello two']) {
    await session.typePrompt(prompt);
    await session.waitForAnswer(prompt);
  }
}

/**
 * Hits the gate with the third prompt, expects `gateText` on screen, then checks each stage of the
 * recovery as the issue states it and that the user's next prompt is answered.
 */
export async function hitGateAndExpectRecovery(
  session: E2eSession,
  gateText: RegExp,
  expectCompactionModel: (model: string) => boolean = (model) => model.startsWith('claude-haiku'),
): Promise<CaseAResult> {
  try {
    return await runCaseA(session, gateText, expectCompactionModel);
  } catch (error) {
    // A retried test's first failure is not printed: the evidence folder is named on stderr too.
    const dir = keepEvidence(session);
    process.stderr.write(`case A failed (${error instanceof Error ? error.message.split('\n')[0] : String(error)}); evidence in ${dir}\n`);
    throw error;
  }
}

async function runCaseA(
  session: E2eSession,
  gateText: RegExp,
  expectCompactionModel: (model: string) => boolean,
): Promise<CaseAResult> {
  await growSession(session);
  const beforeGate = session.mark();
  const requestsBeforeGate = session.api.requests.length;
  await session.typePrompt('hello three');
  await session.waitFor(gateText, { from: beforeGate });
  const blockedSessionId = session.sessionId();
  if (blockedSessionId === null) throw new Error('expected the CLI to send x-claude-code-session-id, got none');
  const refused = session.api.requests.slice(requestsBeforeGate).filter((r) => r.status === 429);
  expect(refused.length).toBeGreaterThanOrEqual(1);
  await until(() => session.events().find((e) => e.type === 'detected'), 'a `detected` entry in the event log', DETECT_MS);

  // Compaction: by the expected model, on the same session, without the 1M beta, accepted.
  const accepted = await until(
    () => session.requests('compaction').find((r) => r.status === 200 && r.model !== null && expectCompactionModel(r.model)),
    'an accepted compaction by the expected model',
    RECOVERY_MS,
  );
  expect(accepted.sessionId).toBe(blockedSessionId);
  expect(carries1M(accepted)).toBe(false);
  // …and the transcript of that same session has the compaction record.
  await expect.poll(() => session.transcript().some(isCompactBoundary), { timeout: 10_000, interval: 100 }).toBe(true);

  const recovered = await until(
    () => session.events().find((e): e is RecoveredEntry => e.type === 'recovered'),
    'a `recovered` entry in the event log',
    RECOVERY_MS,
  );

  // The blocked prompt is back in the input box: Enter sends it, to the standard model.
  const beforeResend = session.api.requests.length;
  const resent = (): MockRequest | undefined =>
    session.api.requests.slice(beforeResend).find((r) => r.kind === 'chat' && r.lastUserText === 'hello three');
  let resend: MockRequest | undefined;
  for (let attempt = 0; attempt < 10 && resend === undefined; attempt++) {
    session.pty.write('\r');
    resend = await until(resent, 'the restored prompt to be sent', 2_000).catch(() => undefined);
  }
  expect(resend, 'the blocked prompt "hello three" restored into the input box and sent with Enter').toBeDefined();
  await session.waitForAnswer('hello three');

  // The user carries on in the same session with the standard model.
  await session.typePrompt('after recovery');
  await session.waitForAnswer('after recovery');
  const next = session.requests('chat').filter((r) => r.lastUserText === 'after recovery');
  expect(next).toHaveLength(1);
  expect(next[0]).toMatchObject({ model: STANDARD_MODEL, status: 200, sessionId: blockedSessionId });
  expect(carries1M(next[0] as MockRequest)).toBe(false);

  const exit = await exitSession(session);
  expect(exit.exitCode).toBe(0);

  const events = session.events();
  expect(events.filter((e) => e.type === 'recovered')).toHaveLength(1);
  expect(events.filter((e) => e.type === 'gave-up')).toHaveLength(0);
  const detected = events.filter((e) => e.type === 'detected');
  expect(detected).toHaveLength(1);
  expect(detected[0]).toMatchObject({ case: 'A', sessionId: blockedSessionId });
  expect(recovered.sessionId).toBe(blockedSessionId);
  return { blockedSessionId, compactions: session.requests('compaction'), recovered, events };
}

/**
 * Saves what a missed detection leaves behind (raw screen bytes, the event log, the
 * transcript's record shapes, the mock's requests) in a directory that outlives the test;
 * returns its path.
 */
function keepEvidence(session: E2eSession): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'claude-recover-e2e-evidence-'));
  writeFileSync(path.join(dir, 'screen.bin'), session.pty.raw());
  writeFileSync(path.join(dir, 'events.json'), JSON.stringify(session.events(), null, 1));
  const shapes = session.transcript().map((r) => ({ type: r.type, subtype: r.subtype, ts: r.timestamp, api: r.isApiErrorMessage, err: r.apiError, side: r.isSidechain }));
  writeFileSync(path.join(dir, 'transcript-shapes.json'), JSON.stringify(shapes, null, 1));
  writeFileSync(path.join(dir, 'requests.json'), JSON.stringify(session.api.requests, null, 1));
  return dir;
}
