import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findTranscript, javaHash, projectDirName, projectDirs, readPidFile, recentTranscripts, sessionIdFromArgs, transcriptPath } from '../../../src/transcript/locate.js';

const ID = '6b1bd639-262c-4160-8889-b80290c26486';

describe('projectDirName', () => {
  it('turns every character outside [a-zA-Z0-9] into -', () => {
    expect(projectDirName('/tmp/a.b/work')).toBe('-tmp-a-b-work');
    expect(projectDirName('/home/me/my_project (copy)/ü')).toBe('-home-me-my-project--copy---');
    expect(projectDirName('/tmp/claude-recover-home-dj8RGK/project')).toBe('-tmp-claude-recover-home-dj8RGK-project');
  });

  it('cuts names over 200 characters and adds the base-36 hash of the cwd', () => {
    const cwd = `/home/user/${'deeply/nested/'.repeat(15)}repo`;
    const name = projectDirName(cwd);
    expect(name.length).toBeGreaterThan(200);
    expect(name.slice(0, 200)).toBe(cwd.replace(/[^a-zA-Z0-9]/g, '-').slice(0, 200));
    // The CLI's own function (2.1.330: `e=(e<<5)-e+t.charCodeAt(n)|0`), values worked out by hand for short inputs.
    expect(javaHash('')).toBe(0);
    expect(javaHash('a')).toBe(97);
    expect(javaHash('ab')).toBe(97 * 31 + 98);
    expect(name).toBe(`${cwd.replace(/[^a-zA-Z0-9]/g, '-').slice(0, 200)}-${Math.abs(javaHash(cwd)).toString(36)}`);
    expect(projectDirName('/x'.repeat(100))).toBe('-x'.repeat(100));
  });

  it('matches Java String.hashCode overflow behaviour', () => {
    // "polygenelubricants".hashCode() == Integer.MIN_VALUE in Java.
    expect(javaHash('polygenelubricants')).toBe(-2147483648);
  });
});

describe('session ids and transcript files', () => {
  let home: string;
  let env: NodeJS.ProcessEnv;
  beforeEach(() => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'cr-locate-'));
    env = { HOME: home };
  });
  afterEach(() => fs.rmSync(home, { recursive: true, force: true }));

  it('finds --resume, -r, --resume=, --session-id; ignores a bare --resume and what follows --', () => {
    expect(sessionIdFromArgs(['--model', 'x', '--resume', ID])).toBe(ID);
    expect(sessionIdFromArgs(['-r', ID])).toBe(ID);
    expect(sessionIdFromArgs([`--resume=${ID}`])).toBe(ID);
    expect(sessionIdFromArgs(['--session-id', ID, '-p', 'hi'])).toBe(ID);
    expect(sessionIdFromArgs(['--resume'])).toBeNull();
    expect(sessionIdFromArgs(['--resume', '--model'])).toBeNull();
    expect(sessionIdFromArgs(['--', '--resume', ID])).toBeNull();
    expect(sessionIdFromArgs(['--resume', '../../etc/passwd'])).toBeNull();
  });

  it('uses $CLAUDE_CONFIG_DIR, else ~/.claude', () => {
    expect(transcriptPath('/w/p', ID, env)).toBe(path.join(home, '.claude', 'projects', '-w-p', `${ID}.jsonl`));
    expect(transcriptPath('/w/p', ID, { ...env, CLAUDE_CONFIG_DIR: '/cfg' })).toBe(path.join('/cfg', 'projects', '-w-p', `${ID}.jsonl`));
  });

  it('reads the pid file, and rejects a malformed one', () => {
    const sessions = path.join(home, '.claude', 'sessions');
    fs.mkdirSync(sessions, { recursive: true });
    fs.writeFileSync(path.join(sessions, '123.json'), JSON.stringify({ pid: 123, sessionId: ID, cwd: '/w/p', status: 'busy' }));
    fs.writeFileSync(path.join(sessions, '124.json'), '{"sessionId": 5}');
    expect(readPidFile(123, env)).toEqual({ sessionId: ID, cwd: '/w/p', status: 'busy' });
    expect(readPidFile(124, env)).toBeNull();
    expect(readPidFile(125, env)).toBeNull();
  });

  it('finds a transcript in the cwd project, through a symlinked cwd, or in another project', () => {
    const real = fs.mkdtempSync(path.join(os.tmpdir(), 'cr-real-'));
    const link = `${real}-link`;
    fs.symlinkSync(real, link);
    try {
      expect(projectDirs(link, env)).toHaveLength(2);
      const inReal = path.join(home, '.claude', 'projects', projectDirName(real));
      fs.mkdirSync(inReal, { recursive: true });
      fs.writeFileSync(path.join(inReal, `${ID}.jsonl`), '{}\n');
      expect(findTranscript(link, ID, env)).toBe(path.join(inReal, `${ID}.jsonl`));
      expect(findTranscript('/somewhere/else', ID, env)).toBe(path.join(inReal, `${ID}.jsonl`));
      expect(findTranscript(link, '11111111-2222-4333-8444-555555555555', env)).toBeNull();
    } finally {
      fs.rmSync(link);
      fs.rmSync(real, { recursive: true });
    }
  });

  it('lists the transcripts written since a time, newest first', () => {
    const dir = path.join(home, '.claude', 'projects', '-w-p');
    fs.mkdirSync(dir, { recursive: true });
    const write = (name: string, mtime: number): void => {
      fs.writeFileSync(path.join(dir, name), '{}\n');
      fs.utimesSync(path.join(dir, name), mtime / 1000, mtime / 1000);
    };
    write('old.jsonl', 1_000_000);
    write('a.jsonl', 2_000_000);
    write('b.jsonl', 3_000_000);
    write('notes.txt', 3_000_000);
    expect(recentTranscripts('/w/p', 1_500_000, env).map((file) => file.sessionId)).toEqual(['b', 'a']);
    expect(recentTranscripts('/w/q', 0, env)).toEqual([]);
  });
});
