// A usage limit in `claude -p`, on the real CLI 2.1.332 with the mock API. By default
// claude-recover passes the failure through exactly (stdout and exit status as with claude
// alone) and logs it. Opted in (usageLimit.wait), it sends nothing until the reset plus the
// margin, then runs the same command again in the same session, and its answer is the caller's.
import { afterEach, describe, expect, it } from 'vitest';
import type { DetectedEntry, StepEntry, WaitedEntry } from '../../src/log/types.js';
import { runToEnd, start, STANDARD_MODEL, startWorld, until, type HeadlessWorld } from '../support/e2e-headless.js';

let world: HeadlessWorld | null = null;
afterEach(async () => {
  await world?.close();
  world = null;
});

const model = ['--model', STANDARD_MODEL];
const seconds = (n: number): number => Math.floor(Date.now() / 1000) + n;

describe('a usage limit in claude -p through claude-recover', () => {
  it('by default: the same stdout and exit status as claude alone, logged with its reset and as passed through', async () => {
    const resetAt = seconds(3600);
    world = await startWorld({ mock: { usageLimit: { claim: 'five_hour', resetsAt: [resetAt] } } });
    for (const format of ['text', 'json']) {
      const args = ['-p', 'hello one', ...model, '--output-format', format];
      const direct = await runToEnd(world, args, { direct: true });
      const wrapped = await runToEnd(world, args);
      expect(direct.status).toBe(1);
      expect(wrapped.status).toBe(direct.status);
      expect(wrapped.stderr).toBe(direct.stderr);
      if (format === 'text') expect(wrapped.stdout).toBe(direct.stdout);
      else {
        // The json result differs only in what differs between any two runs: ids and timings.
        const strip = (out: string): unknown => JSON.parse(out.replace(/"(session_id|uuid)":"[^"]*"/g, '"$1":"x"').replace(/"(duration_ms|duration_api_ms)":\d+/g, '"$1":0'));
        expect(strip(wrapped.stdout)).toEqual(strip(direct.stdout));
      }
      expect(wrapped.stdout).toMatch(/You've hit your 5-hour limit · resets/);
    }
    const events = world.events();
    const detected = events.filter((e): e is DetectedEntry => e.type === 'detected');
    expect(detected).toEqual([
      expect.objectContaining({ kind: 'usage-limit', mode: 'print', resetsAt: new Date(resetAt * 1000).toISOString(), limit: '5-hour limit' }),
      expect.objectContaining({ kind: 'usage-limit', mode: 'print' }),
    ]);
    expect(events.filter((e): e is WaitedEntry => e.type === 'waited')).toEqual([
      expect.objectContaining({ occurrence: detected[0]?.occurrence, until: 'passed', waitedMs: 0, detail: expect.stringContaining('usageLimit.wait is off') }),
      expect.objectContaining({ occurrence: detected[1]?.occurrence, until: 'passed' }),
    ]);
  });

  it('opted in: nothing before the reset, then the same command in the same session, answered; the wait logged', async () => {
    const resetAt = seconds(12);
    world = await startWorld({ mock: { usageLimit: { claim: 'five_hour', resetsAt: [resetAt] } } });
    world.env.CLAUDE_RECOVER_USAGE_LIMIT_WAIT = '1';
    world.env.CLAUDE_RECOVER_USAGE_LIMIT_MARGIN_SECONDS = '1';
    const result = await runToEnd(world, ['-p', 'hello one', ...model]);
    expect(result.status).toBe(0);
    expect(result.stdout).toBe('Mock answer 1: you said "hello one".\n');
    expect(result.stderr).toMatch(/^claude-recover: the 5-hour limit stopped session \w{8}; waiting until .* then it will run the same command again\.\n$/);

    const requests = world.requests('chat', 'compaction', 'probe', 'title', 'side');
    const refused = requests.filter((r) => r.status === 429);
    expect(refused).toHaveLength(1);
    // Nothing between the refusal and the reset plus the margin; then one answered request, same session.
    expect(requests.filter((r) => r.at > (refused[0]?.at as number) && r.at < resetAt * 1000 + 1000)).toEqual([]);
    const answered = requests.filter((r) => r.status === 200 && r.kind === 'chat');
    expect(answered).toEqual([expect.objectContaining({ lastUserText: 'hello one', sessionId: refused[0]?.sessionId })]);

    const events = world.events();
    const detected = events.find((e): e is DetectedEntry => e.type === 'detected');
    expect(detected).toMatchObject({ kind: 'usage-limit', mode: 'print' });
    expect(events.filter((e): e is StepEntry => e.type === 'step')).toEqual([expect.objectContaining({ occurrence: detected?.occurrence, name: 'rerun' })]);
    const waited = events.find((e): e is WaitedEntry => e.type === 'waited');
    expect(waited).toMatchObject({ occurrence: detected?.occurrence, until: 'continued', by: 'claude-recover' });
    expect(waited?.waitedMs).toBeGreaterThanOrEqual(resetAt * 1000 + 1000 - (refused[0]?.at as number) - 50);
  });

  it('opted in, refused again after the reset: waits for the next reset; never past the maximum', async () => {
    const first = seconds(8);
    const second = first + 6;
    world = await startWorld({ mock: { usageLimit: { claim: 'five_hour', resetsAt: [first, second] } } });
    world.env.CLAUDE_RECOVER_USAGE_LIMIT_WAIT = '1';
    world.env.CLAUDE_RECOVER_USAGE_LIMIT_MARGIN_SECONDS = '0';
    const result = await runToEnd(world, ['-p', 'hello one', ...model]);
    expect(result.status).toBe(0);
    expect(result.stdout).toBe('Mock answer 1: you said "hello one".\n');
    const statuses = world.requests('chat').map((r) => r.status);
    expect(statuses).toEqual([429, 429, 200]);
    const waits = world.events().filter((e): e is WaitedEntry => e.type === 'waited');
    expect(waits.map((w) => w.until)).toEqual(['refused-again', 'continued']);

    // A limit further away than usageLimit.maxWaitMinutes passes through at once.
    const far = await startWorld({ mock: { usageLimit: { claim: 'seven_day', resetsAt: [seconds(3 * 3600)] } } });
    try {
      far.env.CLAUDE_RECOVER_USAGE_LIMIT_WAIT = '1';
      far.env.CLAUDE_RECOVER_USAGE_LIMIT_MAX_WAIT_MINUTES = '60';
      const passed = await runToEnd(far, ['-p', 'hello one', ...model]);
      expect(passed.status).toBe(1);
      expect(passed.stdout).toMatch(/^You've hit your weekly limit · resets/);
      expect(far.events().filter((e): e is WaitedEntry => e.type === 'waited')).toEqual([expect.objectContaining({ until: 'over-max', waitedMs: 0 })]);
    } finally {
      await far.close();
    }
  });

  it('a stream-json session opted in: the refused message goes to the same claude again after the reset; the caller sees one answer', async () => {
    const resetAt = seconds(10);
    world = await startWorld({ mock: { usageLimit: { claim: 'five_hour', resetsAt: [resetAt] } } });
    const w = world;
    w.env.CLAUDE_RECOVER_USAGE_LIMIT_WAIT = '1';
    w.env.CLAUDE_RECOVER_USAGE_LIMIT_MARGIN_SECONDS = '1';
    const line = (value: unknown): string => `${JSON.stringify(value)}\n`;
    const results = (stdout: string): Array<{ is_error?: boolean; result?: string }> =>
      stdout.split('\n').filter((l) => l.includes('"type":"result"')).map((l) => JSON.parse(l) as { is_error?: boolean; result?: string });
    const running = start(w, ['--output-format', 'stream-json', '--verbose', '--input-format', 'stream-json', `--model=${STANDARD_MODEL}`], { stdin: 'pipe' });
    const stdin = running.child.stdin;
    if (!stdin) throw new Error('expected a piped stdin');
    stdin.write(line({ request_id: 'init-1', type: 'control_request', request: { subtype: 'initialize' } }));
    stdin.write(line({ type: 'user', message: { role: 'user', content: 'hello one' }, parent_tool_use_id: null, session_id: '' }));
    await until(() => (results(running.stdout()).length === 1 ? true : undefined), 'the result', 40_000);
    expect(results(running.stdout())).toEqual([expect.objectContaining({ is_error: false, result: 'Mock answer 1: you said "hello one".' })]);
    expect(running.stdout()).not.toContain("You've hit your");
    const chats = w.requests('chat');
    expect(chats.map((r) => r.status)).toEqual([429, 200]);
    expect(chats[1]?.at).toBeGreaterThanOrEqual(resetAt * 1000 + 1000);
    expect(chats[1]?.sessionId).toBe(chats[0]?.sessionId);
    await until(() => w.events().find((e) => e.type === 'waited'), 'the waited entry');
    expect(w.events().find((e) => e.type === 'waited')).toMatchObject({ until: 'continued', by: 'claude-recover' });
    stdin.end();
    expect((await running.finished).status).toBe(0);
  });
});
