// A stream-json session (the Agent SDK's protocol) driven line by line by the test, through
// claude-recover around the real Claude Code CLI 2.1.332 and the mock API.
import { afterEach, describe, expect, it } from 'vitest';
import { GATE_ON_THIRD, ONE_M_MODEL, processesIn, start, startWorld, until, type HeadlessWorld } from '../support/e2e-headless.js';

let world: HeadlessWorld | null = null;
afterEach(async () => {
  await world?.close();
  world = null;
});

describe('a stream-json caller (the SDK protocol, driven by hand)', () => {
  /** One line of the protocol. */
  const line = (value: unknown): string => `${JSON.stringify(value)}\n`;
  const user = (text: string): string => line({ type: 'user', message: { role: 'user', content: text }, parent_tool_use_id: null, session_id: '' });
  const results = (stdout: string): number => stdout.split('\n').filter((l) => l.includes('"type":"result"')).length;
  const SESSION_ARGS = ['--output-format', 'stream-json', '--verbose', '--input-format', 'stream-json', `--model=${ONE_M_MODEL}`];

  it('killed during the recovery: exits 143, no claude left running, the outcome logged', async () => {
    world = await startWorld({ mock: { ...GATE_ON_THIRD, compactionDelayMs: 60_000 } });
    const w = world;
    const running = start(w, SESSION_ARGS, { stdin: 'pipe' });
    const stdin = running.child.stdin;
    if (!stdin) throw new Error('expected a piped stdin');
    stdin.write(line({ request_id: 'init-1', type: 'control_request', request: { subtype: 'initialize' } }));
    for (const [i, text] of ['hello one', 'hello two', 'hello three'].entries()) {
      stdin.write(user(text));
      if (i < 2) await until(() => (results(running.stdout()) === i + 1 ? true : undefined), `the result of "${text}"`);
    }
    await until(() => w.requests('compaction')[0], 'the compaction request');
    running.child.kill('SIGTERM');
    const result = await running.finished;
    expect(result.status).toBe(143);
    await expect.poll(() => processesIn(w.home.cwd), { timeout: 10_000, interval: 100 }).toEqual([]);
    expect(w.events().filter((e) => e.type === 'gave-up')).toEqual([expect.objectContaining({ reason: 'canceled' })]);
  });

  it('a line claude-recover does not understand passes through untouched, both ways', async () => {
    world = await startWorld({ mock: { gate: 'off' } });
    const w = world;
    const running = start(w, SESSION_ARGS, { stdin: 'pipe' });
    const stdin = running.child.stdin;
    if (!stdin) throw new Error('expected a piped stdin');
    stdin.write(line({ request_id: 'init-1', type: 'control_request', request: { subtype: 'initialize' } }));
    stdin.write('{"type":"something_new","payload":[1,2,3]}\n');
    stdin.write(user('hello one'));
    await until(() => (results(running.stdout()) === 1 ? true : undefined), 'the first result');
    stdin.end();
    const result = await running.finished;
    const direct = start(w, SESSION_ARGS, { stdin: 'pipe', direct: true });
    direct.child.stdin?.end(`${line({ request_id: 'init-1', type: 'control_request', request: { subtype: 'initialize' } })}{"type":"something_new","payload":[1,2,3]}\n${user('hello one')}`);
    const alone = await direct.finished;
    // claude's reaction to the unknown line is the same with and without claude-recover.
    const types = (stdout: string): string[] => stdout.trimEnd().split('\n').map((l) => { const e = JSON.parse(l) as { type: string; subtype?: string }; return `${e.type}/${e.subtype ?? ''}`; });
    expect(result.status).toBe(alone.status);
    expect(types(result.stdout)).toEqual(types(alone.stdout));
    expect(result.stderr).toBe(alone.stderr);
  });

  it('when recovery gives up, the error goes through and claude is restarted on the session, so the caller can go on', async () => {
    world = await startWorld({ mock: { ...GATE_ON_THIRD, refuseCompactionFor: ['claude-haiku', 'claude-opus', 'opus'] } });
    const w = world;
    const running = start(w, SESSION_ARGS, { stdin: 'pipe' });
    const stdin = running.child.stdin;
    if (!stdin) throw new Error('expected a piped stdin');
    stdin.write(line({ request_id: 'init-1', type: 'control_request', request: { subtype: 'initialize' } }));
    for (const [i, text] of ['hello one', 'hello two', 'hello three'].entries()) {
      stdin.write(user(text));
      await until(() => (results(running.stdout()) === i + 1 ? true : undefined), `the result of "${text}"`, 60_000);
    }
    const third = running.stdout().trimEnd().split('\n').map((l) => JSON.parse(l) as { type: string; is_error?: boolean; result?: string }).filter((e) => e.type === 'result')[2];
    expect(third).toMatchObject({ is_error: true, result: expect.stringMatching(/^API Error: Usage credits required for 1M context/) });
    expect(w.events().filter((e) => e.type === 'gave-up')).toEqual([expect.objectContaining({ reason: 'no compaction worked' })]);
    // The account gets the credits: the restarted claude (the caller's own flags) answers the next message.
    w.api.configure({ gate: 'off' });
    stdin.end(user('hello four'));
    const result = await running.finished;
    expect(result.status).toBe(0);
    expect(results(result.stdout)).toBe(4);
    expect(result.stdout).toContain('you said \\"hello four\\"');
    expect(w.requests('chat').filter((r) => r.lastUserText === 'hello four')).toEqual([expect.objectContaining({ status: 200, model: 'claude-sonnet-4-6' })]);
    expect(result.stderr).toMatch(/not recovered: no compaction worked/);
  });
});
