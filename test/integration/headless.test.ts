// The headless modes' pass-through, fast and exact: the built bin around a stand-in claude that
// echoes each input line the moment it arrives (test/fixtures/programs/line-echo). A line goes
// out before the next one comes in, byte for byte; a `-p` text line streams before its
// newline; the exit status is claude's; nothing is logged.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, PROGRAMS, wrapperEnv } from '../support/paths.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'cr-headless-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function startWrapper(args: string[]) {
  const env = wrapperEnv(path.join(PROGRAMS, 'line-echo'), { LINE_ECHO_EXIT: '7', XDG_STATE_HOME: path.join(tmp, 'state'), CLAUDE_CONFIG_DIR: path.join(tmp, 'claude') });
  const child = spawn(process.execPath, [BIN, 'run', '--', ...args], { cwd: tmp, env, stdio: ['pipe', 'pipe', 'pipe'] });
  const out: Buffer[] = [];
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const stdout = (): Buffer => Buffer.concat(out);
  /** Writes `data` and waits until stdout has grown by exactly `expected`. */
  const exchange = async (data: Buffer | string, expected: Buffer | string): Promise<void> => {
    const before = stdout().length;
    const want = Buffer.from(expected);
    child.stdin.write(data);
    await expect.poll(() => stdout().subarray(before).equals(want), { timeout: 10_000, interval: 10 }).toBe(true);
  };
  return { child, stdout, stderr: () => stderr, exited, exchange };
}

describe('stream-json sessions', () => {
  it('pass every line both ways unchanged, each before the next is written, and end with claude\'s status', async () => {
    const run = startWrapper(['--output-format', 'stream-json', '--verbose', '--input-format', 'stream-json']);
    const lines: Array<Buffer | string> = [
      '{"request_id":"r1","type":"control_request","request":{"subtype":"initialize"}}\n',
      'not json at all\n',
      '{"type":"something_new","payload":[1,2,3]}\n',
      '{"type":"user","message":{"role":"user","content":"héllo · 🙂"},"parent_tool_use_id":null,"session_id":""}\r\n',
      Buffer.from([0x7b, 0xff, 0xfe, 0x7d, 0x0a]),
      `{"type":"user","message":{"role":"user","content":"${'x'.repeat(1_000_000)}"}}\n`,
      // The model quoting the gate is conversation, never the gate.
      '{"type":"assistant","message":{"model":"claude-sonnet-4-6","content":[{"type":"text","text":"API Error: Usage credits required for 1M context · run /model"}]},"parent_tool_use_id":null}\n',
    ];
    for (const line of lines) await run.exchange(line, line);
    run.child.stdin.end();
    expect(await run.exited).toBe(7);
    expect(run.stderr()).toBe('');
    expect(existsSync(path.join(tmp, 'state', 'claude-recover', 'events.jsonl'))).toBe(false);
  });
});

describe('-p runs', () => {
  it('text: a line streams before its newline; a line that starts like the error waits only for its newline', async () => {
    const run = startWrapper(['-p', 'hello']);
    await run.exchange('PARTIAL\n', 'partial:');
    await run.exchange('rest of the line\n', 'rest of the line\n');
    await run.exchange('API Error: 500 Internal server error\n', 'API Error: 500 Internal server error\n');
    run.child.stdin.end('last line without a newline');
    expect(await run.exited).toBe(7);
    expect(run.stdout().toString()).toBe('partial:rest of the line\nAPI Error: 500 Internal server error\nlast line without a newline');
    expect(run.stderr()).toBe('');
  });

  it('a reader that goes away (`| head -1`) stops claude without a stack trace', async () => {
    const run = startWrapper(['-p', 'hello']);
    await run.exchange('first\n', 'first\n');
    run.child.stdout.destroy();
    run.child.stdin.write('second\n');
    run.child.stdin.write('third\n');
    const code = await run.exited;
    expect(code).not.toBe(0);
    expect(run.stderr()).toBe('');
  });

  it('json: each line goes out when its newline arrives', async () => {
    const run = startWrapper(['-p', 'hello', '--output-format', 'json']);
    await run.exchange('{"type":"result","is_error":false,"result":"fine"}\n', '{"type":"result","is_error":false,"result":"fine"}\n');
    run.child.stdin.end();
    expect(await run.exited).toBe(7);
  });
});
