// `claude -p` scripts through claude-recover, on the real Claude Code CLI 2.1.332 and the mock
// API: a `-p --resume <id>` run over the gate exits 0 with the answer on stdout (text and json);
// case B passes claude's own output through; a run killed mid-recovery ends cleanly, logged.
import { afterEach, describe, expect, it } from 'vitest';
import type { DetectedEntry, GaveUpEntry, RecoveredEntry } from '../../src/log/types.js';
import { GATE_BETA } from '../../src/demo/mock-api.js';
import { GATE_ON_THIRD, HAIKU, ONE_M_MODEL, processesIn, runToEnd, start, STANDARD_MODEL, startWorld, until, type HeadlessWorld } from '../support/e2e-headless.js';

let world: HeadlessWorld | null = null;
afterEach(async () => {
  await world?.close();
  world = null;
});

const model = ['--model', ONE_M_MODEL];

/** Two `-p` turns through claude-recover: the session's context is 190K afterwards. Returns its id. */
async function grow(w: HeadlessWorld): Promise<string> {
  const first = await runToEnd(w, ['-p', 'hello one', ...model, '--output-format', 'json']);
  expect(first.status).toBe(0);
  const id = (JSON.parse(first.stdout) as { session_id: string }).session_id;
  const second = await runToEnd(w, ['-p', '--resume', id, 'hello two', ...model]);
  expect(second).toMatchObject({ status: 0, stdout: 'Mock answer 2: you said "hello two".\n', stderr: '' });
  return id;
}

function expectOneRecovery(w: HeadlessWorld, sessionId: string): void {
  const compactions = w.requests('compaction');
  expect(compactions).toEqual([expect.objectContaining({ model: HAIKU, status: 200, sessionId })]);
  expect(compactions[0]?.betas).not.toContain(GATE_BETA);
  const answered = w.requests('chat').filter((r) => r.lastUserText === 'hello three' && r.status === 200);
  expect(answered).toEqual([expect.objectContaining({ model: STANDARD_MODEL, sessionId })]);
  const events = w.events();
  expect(events.filter((e): e is DetectedEntry => e.type === 'detected')).toEqual([expect.objectContaining({ case: 'A', mode: 'print', channel: 'output+transcript', sessionId })]);
  expect(events.filter((e): e is RecoveredEntry => e.type === 'recovered')).toEqual([expect.objectContaining({ sessionId, worked: `compact:${HAIKU}` })]);
  expect(events.filter((e) => e.type === 'gave-up' || e.type === 'warning')).toEqual([]);
}

describe('claude -p through claude-recover', () => {
  it('text: a -p --resume run over the gate exits 0 with the answer on stdout and one line on stderr', async () => {
    world = await startWorld({ mock: GATE_ON_THIRD });
    const id = await grow(world);
    const result = await runToEnd(world, ['-p', '--resume', id, 'hello three', ...model]);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^Mock answer \d+: you said "hello three"\.\n$/);
    expect(result.stderr).toMatch(/^claude-recover: the 1M-context credits gate blocked session \w{8}; compacted it \(compact:claude-haiku-4-5-20251001\) and ran the command again with claude-sonnet-4-6\.\n$/);
    expectOneRecovery(world, id);
  });

  it('json: the same run prints one successful result for the third prompt, in the same session', async () => {
    world = await startWorld({ mock: GATE_ON_THIRD });
    const id = await grow(world);
    const result = await runToEnd(world, ['-p', '--resume', id, 'hello three', ...model, '--output-format', 'json']);
    expect(result.status).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    const json = JSON.parse(lines[0] ?? '') as { type: string; is_error: boolean; result: string; session_id: string };
    expect(json).toMatchObject({ type: 'result', is_error: false, session_id: id });
    expect(json.result).toContain('you said "hello three"');
    expectOneRecovery(world, id);
  });

  it('stream-json: no error line of the blocked run reaches stdout, the re-run ends with a successful result', async () => {
    world = await startWorld({ mock: GATE_ON_THIRD });
    const id = await grow(world);
    const result = await runToEnd(world, ['-p', '--resume', id, 'hello three', ...model, '--output-format', 'stream-json', '--verbose']);
    expect(result.status).toBe(0);
    const events = result.stdout.trimEnd().split('\n').map((line) => JSON.parse(line) as { type: string; subtype?: string; is_error?: boolean; result?: string });
    expect(result.stdout).not.toContain('required for 1M context');
    expect(events.filter((e) => e.type === 'result')).toEqual([expect.objectContaining({ is_error: false, result: expect.stringContaining('you said "hello three"') })]);
    expectOneRecovery(world, id);
  });

  it("case B: a refusal on a small session passes claude's own output and exit status through, logged as given up", async () => {
    world = await startWorld({ mock: { gate: 'always' } });
    const direct = await runToEnd(world, ['-p', 'hello', ...model], { direct: true });
    const wrapped = await runToEnd(world, ['-p', 'hello', ...model]);
    expect(direct.status).toBe(1);
    expect(wrapped.status).toBe(1);
    expect(wrapped.stdout).toBe(direct.stdout);
    expect(wrapped.stdout).toMatch(/^API Error: Usage credits required for 1M context/);
    expect(wrapped.stderr).toMatch(/^claude-recover: the 1M-context credits gate blocked session \w{8} \(case B\); not recovered: case B/);
    expect(world.requests('compaction')).toEqual([]);
    const events = world.events();
    expect(events.filter((e) => e.type === 'detected')).toEqual([expect.objectContaining({ case: 'B', mode: 'print' })]);
    expect(events.filter((e): e is GaveUpEntry => e.type === 'gave-up')).toEqual([expect.objectContaining({ reason: expect.stringContaining('case B') })]);
  });

  it('killed during the recovery: exits 143, no claude left running, the outcome logged', async () => {
    world = await startWorld({ mock: { ...GATE_ON_THIRD, compactionDelayMs: 60_000 } });
    const id = await grow(world);
    const running = start(world, ['-p', '--resume', id, 'hello three', ...model]);
    await until(() => world?.requests('compaction')[0], 'the compaction request');
    running.child.kill('SIGTERM');
    const result = await running.finished;
    expect(result.status).toBe(143);
    expect(result.stdout).toBe('API Error: Usage credits required for 1M context · turn on usage credits at https://claude.ai/settings/usage?from=cc_cli_limit_message (they take effect in a new session), or use --model to switch to standard context\n');
    const home = world.home.cwd;
    await expect.poll(() => processesIn(home), { timeout: 10_000, interval: 100 }).toEqual([]);
    const gaveUp = world.events().filter((e): e is GaveUpEntry => e.type === 'gave-up');
    expect(gaveUp).toEqual([expect.objectContaining({ reason: 'canceled', sessionId: id })]);
  });
});
