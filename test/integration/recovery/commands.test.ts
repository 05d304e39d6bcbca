// `claude-recover recover` and `claude-recover prune-images`, the built bin, against the fake
// claude: in a real PTY for recover (claude comes back with the prompt in its input box).
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawnPty } from '../../support/pty-driver.js';
import { BIN, wrapperEnv } from '../../support/paths.js';
import { FAKE_CLAUDE, installRealTranscript, makeHome, REAL_SESSION, syntheticTranscript, writeTranscript, type RecoveryHome } from '../../support/recovery-home.js';

let home: RecoveryHome;
let fakeLog: string;
beforeEach(() => {
  home = makeHome();
  fakeLog = path.join(home.root, 'fake.log');
});
afterEach(() => home.cleanup());

function env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return wrapperEnv(FAKE_CLAUDE, { ...home.env, FAKE_CLAUDE_LOG: fakeLog, ...extra });
}

function fakeCalls(): Array<{ argv?: string[]; typed?: string }> {
  return readFileSync(fakeLog, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { argv?: string[]; typed?: string });
}

function events(): Array<{ type: string; name?: string; ok?: boolean; worked?: string }> {
  return readFileSync(path.join(home.stateDir, 'events.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { type: string });
}

describe('claude-recover recover', () => {
  it('compacts the newest session of the directory and brings claude back with the prompt ready', async () => {
    installRealTranscript(home, '2.1.330-oauth-sub-70-gate.jsonl');
    const run = spawnPty(process.execPath, [BIN, 'recover', '--', '--permission-mode', 'plan'], { cwd: home.cwd, env: env() });
    await run.waitFor(`Fake Claude Code 2.1.330 · claude-sonnet-4-6 · session ${REAL_SESSION}`);
    // The prompt is typed into the box, not sent.
    await run.waitFor('hello three');
    run.write('\r');
    await run.waitFor('Fake answer to 11 characters');
    run.write('/exit\r');
    expect((await run.exited).exitCode).toBe(0);

    const calls = fakeCalls();
    expect(calls[0]?.argv).toEqual(['-p', '/compact', '--resume', REAL_SESSION, '--model', 'claude-haiku-4-5-20251001', '--output-format', 'stream-json', '--verbose']);
    expect(calls[1]?.argv?.slice(0, 6)).toEqual(['--resume', REAL_SESSION, '--model', 'claude-sonnet-4-6', '--permission-mode', 'plan']);
    // …and the one-shot SessionStart hook that shows claude-recover's message inside claude.
    expect(calls[1]?.argv?.[6]).toBe('--settings');
    expect(run.text()).toContain('SessionStart:resume says: claude-recover recovered this session from the 1M-context gate');
    expect(calls.filter((c) => c.typed !== undefined).map((c) => c.typed)).toEqual(['hello three', '/exit']);
    const log = events();
    expect(log[0]).toMatchObject({ type: 'detected', variant: 'manual' });
    expect(log.at(-1)).toMatchObject({ type: 'recovered', worked: 'compact:claude-haiku-4-5-20251001' });
    expect(log.filter((e) => e.type === 'step').map((e) => `${e.name}=${e.ok}`)).toEqual([
      'stop=true',
      'checkpoint=true',
      'compact=true',
      'resume=true',
      'restore-prompt=true',
    ]);
  });

  it('--dry-run prints the plan and changes nothing', () => {
    const file = installRealTranscript(home, '2.1.330-oauth-sub-70-gate.jsonl');
    const before = readFileSync(file);
    const result = spawnSync(process.execPath, [BIN, 'recover', '--dry-run', '--session', REAL_SESSION], { cwd: home.cwd, env: env(), encoding: 'utf8' });
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('Plan (--dry-run changes nothing):');
    // The session and the paths are named once at the top; the steps refer to them.
    const flat = result.stdout.replace(/\s+/g, ' ');
    expect(result.stdout.split('\n')[0]).toBe(`Session ${REAL_SESSION}`);
    expect(flat).toContain('claude -p /compact --resume <session> --model claude-haiku-4-5-20251001');
    expect(flat).toContain('claude --resume <session> --model claude-sonnet-4-6');
    expect(readFileSync(file).equals(before)).toBe(true);
    expect(readdirSync(home.root)).not.toContain('fake.log');
    expect(readdirSync(home.root)).not.toContain('state');
  });

  it('without a terminal, compacts and prints the command that resumes', () => {
    installRealTranscript(home, '2.1.330-oauth-sub-70-gate.jsonl');
    const result = spawnSync(process.execPath, [BIN, 'recover'], { cwd: home.cwd, env: env(), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    expect(result.status).toBe(0);
    expect(result.stderr).toContain(`claude --resume ${REAL_SESSION} --model claude-sonnet-4-6`);
  });

  it('gives up with exit 1 and says what to do when no model can compact', () => {
    installRealTranscript(home, '2.1.330-oauth-sub-70-gate.jsonl');
    const result = spawnSync(process.execPath, [BIN, 'recover'], {
      cwd: home.cwd,
      env: env({ FAKE_CLAUDE_FAIL_MODELS: 'claude-haiku-4-5-20251001,opus' }),
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('could not recover session');
    expect(result.stderr).toContain('To finish by hand:');
  });

  it('says where it looked when there is no session', () => {
    const result = spawnSync(process.execPath, [BIN, 'recover'], { cwd: home.cwd, env: env(), encoding: 'utf8' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('expected a session transcript in');
  });
});

describe('claude-recover prune-images', () => {
  it('--dry-run lists what it would remove and changes nothing', () => {
    const file = home.transcript('s1');
    writeTranscript(file, syntheticTranscript({ sessionId: 's1', turns: 4, imageEvery: 2, imageChars: 3000 }));
    const before = readFileSync(file);
    const out = execFileSync(process.execPath, [BIN, 'prune-images', '--session', 's1', '--dry-run'], { cwd: home.cwd, env: env(), encoding: 'utf8' });
    expect(out).toContain('Would replace 2 images (5.86 KiB of base64) in 2 records.');
    expect(out).toMatch(/\n {3}5 {2}user {2}[0-9a-f-]{36} {7}1 {2}2\.93 KiB\n/);
    expect(readFileSync(file).equals(before)).toBe(true);
  });

  it('backs up, prunes, and names the backup', () => {
    const file = home.transcript('s1');
    writeTranscript(file, syntheticTranscript({ sessionId: 's1', turns: 4, imageEvery: 2, imageChars: 3000 }));
    const before = readFileSync(file);
    const out = execFileSync(process.execPath, [BIN, 'prune-images', '--session', 's1'], { cwd: home.root, env: env(), encoding: 'utf8' });
    expect(out).toContain('Replaced 2 images');
    const backup = (/Backup of the original:\s+(\S+)/.exec(out)?.[1] ?? '').replace(/^~/, home.env.HOME ?? '');
    expect(readFileSync(backup).equals(before)).toBe(true);
    expect(readFileSync(file, 'utf8')).not.toContain('"type":"image","source"');
  });
});
