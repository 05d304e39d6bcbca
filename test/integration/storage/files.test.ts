// The files the built bin writes, checked on disk: everything that holds conversation text is
// 0600 in 0700 folders (under the common umask 022), nothing temporary is left behind, and the
// ordinary ways a write fails are one line with the fix, not an internal error.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { transcriptPath } from '../../../src/transcript/locate.js';
import { spawnPty } from '../../support/pty-driver.js';
import { BIN, PROGRAMS, ROOT, wrapperEnv } from '../../support/paths.js';
import { FAKE_CLAUDE, makeHome, syntheticTranscript, writeTranscript, type RecoveryHome } from '../../support/recovery-home.js';

let home: RecoveryHome;
const cleanups: Array<() => void> = [];
beforeEach(() => {
  home = makeHome();
});
afterEach(() => {
  for (const undo of cleanups.splice(0)) undo();
  home.cleanup();
});

/** Every file and folder under `dir` with its permission bits, relative paths. */
function modes(dir: string): Record<string, string> {
  const found: Record<string, string> = {};
  const walk = (at: string): void => {
    for (const name of readdirSync(at)) {
      const full = path.join(at, name);
      const info = statSync(full);
      found[path.relative(dir, full) + (info.isDirectory() ? '/' : '')] = (info.mode & 0o777).toString(8);
      if (info.isDirectory()) walk(full);
    }
  };
  walk(dir);
  return found;
}

/** Runs the bin under `umask 022`, without a terminal. */
function runBin(args: string[], env: NodeJS.ProcessEnv, cwd = home.cwd) {
  return spawnSync('/bin/sh', ['-c', 'umask 022; exec "$@"', 'sh', process.execPath, BIN, ...args], { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

describe('file modes', () => {
  it('a recovery that backs up, prunes and compacts leaves only private files, and narrows an older state folder', () => {
    // An older claude-recover made the state folder and a backup with the umask's modes.
    mkdirSync(path.join(home.stateDir, 'backups'), { recursive: true, mode: 0o755 });
    chmodSync(home.stateDir, 0o755);
    writeFileSync(path.join(home.stateDir, 'backups', 'old.jsonl.bak-20250101T000000000Z'), 'old backup', { mode: 0o644 });
    const file = home.transcript('s1');
    writeTranscript(file, syntheticTranscript({ sessionId: 's1', turns: 4, imageEvery: 2, imageChars: 3000 }));
    chmodSync(file, 0o644);

    const env = wrapperEnv(FAKE_CLAUDE, { ...home.env, FAKE_CLAUDE_FAIL_IF_IMAGES: '1' });
    const result = runBin(['recover', '--session', 's1'], env);
    expect(result.stderr).toContain('claude --resume s1');
    expect(result.status).toBe(0);
    const log = readFileSync(path.join(home.stateDir, 'events.jsonl'), 'utf8');
    expect(log).toContain('"worked":"prune-images+compact:claude-haiku-4-5-20251001"');

    const state = modes(home.stateDir);
    expect(Object.keys(state)).toHaveLength(4);
    expect(Object.keys(state)).toEqual(
      expect.arrayContaining(['backups/', 'backups/old.jsonl.bak-20250101T000000000Z', expect.stringMatching(/^backups\/s1\.jsonl\.bak-\d{8}T\d{9}Z$/), 'events.jsonl']),
    );
    for (const [name, mode] of Object.entries(state)) expect(`${name} ${mode}`).toBe(`${name} ${name.endsWith('/') ? '700' : '600'}`);
    expect((statSync(home.stateDir).mode & 0o777).toString(8)).toBe('700');
    // The pruned transcript: 0600 as Claude Code writes its own, and no temporary file beside it.
    expect(modes(home.projectDir)).toEqual({ 's1.jsonl': '600' });
  });

  it('the wrapper\'s recovery state (loop guard, backups, log) is private too', async () => {
    const stateHome = path.join(home.root, 'xdg-state');
    const sessionId = (JSON.parse(readFileSync(path.join(ROOT, 'test/fixtures/real/transcripts/2.1.330-oauth-sub-70-gate.jsonl'), 'utf8').split('\n')[0] as string) as { sessionId: string }).sessionId;
    const env = wrapperEnv(path.join(PROGRAMS, 'replay-gate'), {
      ...home.env,
      XDG_STATE_HOME: stateHome,
      CLAUDE_RECOVER_GUARD: '0',
      FAKE_CLAUDE_HANG_MODELS: 'claude-haiku-4-5-20251001,opus',
      REPLAY_SCREEN: path.join(ROOT, 'test/fixtures/real/screens/2.1.330-oauth-sub-70-gate.bin'),
      REPLAY_TRANSCRIPT: path.join(ROOT, 'test/fixtures/real/transcripts/2.1.330-oauth-sub-70-gate.jsonl'),
      REPLAY_TRANSCRIPT_OUT: transcriptPath(home.cwd, sessionId, home.env),
    });
    const run = spawnPty('/bin/sh', ['-c', `umask 022; exec ${process.execPath} ${BIN} run -- --model 'claude-sonnet-4-6[1m]'`], { cwd: home.cwd, env, cols: 70 });
    await run.waitFor(/claude-recover · .*compacting/);
    run.write('\u0003');
    expect((await run.exited).exitCode).toBe(1);
    const state = modes(path.join(stateHome, 'claude-recover'));
    expect(Object.keys(state)).toEqual(expect.arrayContaining(['recoveries.json', 'events.jsonl', 'backups/']));
    for (const [name, mode] of Object.entries(state)) expect(`${name} ${mode}`).toBe(`${name} ${name.endsWith('/') ? '700' : '600'}`);
    expect((statSync(path.join(stateHome, 'claude-recover')).mode & 0o777).toString(8)).toBe('700');
  });
});

describe('leftovers of a killed run', () => {
  it('are removed by the next run, in the background, and the log says so', async () => {
    const dead = Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout);
    const prune = `${home.transcript('s1')}.prune-${dead}-1700000000000.tmp`;
    writeFileSync(prune, 'half a transcript');
    const live = `${home.transcript('s2')}.prune-${process.pid}-1700000000000.tmp`;
    writeFileSync(live, 'a prune still running');
    const run = spawnPty(process.execPath, [BIN, 'run', '--'], { cwd: home.cwd, env: wrapperEnv(path.join(PROGRAMS, 'echo-raw'), home.env) });
    await run.waitFor('echo-raw ready');
    await expect.poll(() => readdirSync(home.projectDir), { timeout: 20_000, interval: 100 }).toEqual([path.basename(live)]);
    await expect.poll(() => readFileSync(path.join(home.stateDir, 'events.jsonl'), 'utf8'), { timeout: 5_000 }).toContain(`left by a killed claude-recover: ${prune}`);
    run.write('q');
    expect((await run.exited).exitCode).toBe(0);
  });
});

describe('ordinary failures are one line with the fix', () => {
  it('a project folder that cannot be written', () => {
    const file = home.transcript('s1');
    writeTranscript(file, syntheticTranscript({ sessionId: 's1', turns: 4, imageEvery: 2, imageChars: 3000 }));
    const before = readFileSync(file);
    let code: string;
    if (process.getuid?.() === 0) {
      // Root writes through permissions; an immutable folder stops it.
      if (spawnSync('chattr', ['+i', home.projectDir]).status !== 0) throw new Error('expected chattr to make the project folder immutable (root ignores modes)');
      cleanups.push(() => spawnSync('chattr', ['-i', home.projectDir]));
      code = 'EPERM';
    } else {
      chmodSync(home.projectDir, 0o555);
      cleanups.push(() => chmodSync(home.projectDir, 0o755));
      code = 'EACCES';
    }
    const result = runBin(['prune-images', '--session', 's1'], wrapperEnv(FAKE_CLAUDE, home.env));
    expect(result.status).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(new RegExp(`^claude-recover: cannot write the project folder ${home.projectDir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(${code}: [a-z ]+\\); make it writable for you \\(chmod u\\+w '`)),
    ]);
    expect(result.stderr).not.toContain('internal error');
    expect(readFileSync(file).equals(before)).toBe(true);
  });

  it('a transcript that a running claude appends to while it is pruned', async () => {
    const file = home.transcript('s1');
    writeTranscript(file, syntheticTranscript({ sessionId: 's1', turns: 300, imageEvery: 1, imageChars: 20_000 }));
    // An older claude (no pid file) that keeps its transcript open and keeps writing.
    const writer = spawn(process.execPath, [
      '-e',
      `const fs = require('fs'); const fd = fs.openSync(${JSON.stringify(file)}, 'a'); process.stdout.write('writing\\n');
       const line = JSON.stringify({ type: 'progress', sessionId: 's1' }) + '\\n';
       setInterval(() => fs.writeSync(fd, line), 1);`,
    ]);
    cleanups.push(() => writer.kill('SIGKILL'));
    await new Promise((resolve) => writer.stdout.once('data', resolve));
    const result = await new Promise<{ status: number | null; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [BIN, 'prune-images', '--session', 's1'], { cwd: home.cwd, env: wrapperEnv(FAKE_CLAUDE, home.env) });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.on('close', (status) => resolve({ status, stderr }));
    });
    expect(result.status).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(new RegExp(`^claude-recover: the session is being written by a running claude \\(pid ${writer.pid}\\); stop it first, then run this again \\(`)),
    ]);
    // Nothing was replaced: every image is still there, and no temporary file is left.
    expect(readFileSync(file, 'utf8').match(/"type":"image","source"/g)).toHaveLength(300);
    expect(readdirSync(home.projectDir)).toEqual(['s1.jsonl']);
  });
});
