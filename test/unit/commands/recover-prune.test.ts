// `recover` and `prune-images` as a new user meets them: the same default session, a file
// that is not a transcript refused before anything is planned or touched, the dry-run plan
// naming each path once and fitting the terminal, sizes in the units they are labelled with.
import { chmodSync, copyFileSync, mkdirSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { randomBytes, randomUUID } from 'node:crypto';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { register as registerPrune } from '../../../src/commands/prune-images.js';
import { register as registerRecover } from '../../../src/commands/recover.js';
import { projectDirName } from '../../../src/transcript/locate.js';
import { REAL_SESSION, REAL_TRANSCRIPTS, syntheticTranscript, writeTranscript } from '../../support/recovery-home.js';
import { runCommand, tempHome } from './harness.js';

let home: ReturnType<typeof tempHome>;
let project: string;
let cwd: string;
const run = (...argv: string[]) => runCommand([registerRecover, registerPrune], argv);

beforeEach(() => {
  home = tempHome();
  cwd = path.join(home.root, 'work', 'my-project');
  mkdirSync(cwd, { recursive: true });
  project = path.join(home.root, '.claude', 'projects', projectDirName(cwd));
  mkdirSync(project, { recursive: true });
  vi.spyOn(process, 'cwd').mockReturnValue(cwd);
  const claude = path.join(home.root, 'bin', 'claude');
  mkdirSync(path.dirname(claude));
  writeFileSync(claude, '#!/bin/sh\necho "2.1.330 (Claude Code)"\n');
  chmodSync(claude, 0o755);
  vi.stubEnv('PATH', `${path.dirname(claude)}:/usr/bin:/bin`);
});
afterEach(() => {
  vi.restoreAllMocks();
  home.cleanup();
});

/** A real 2.1.330 capture as a session of this directory, modified `age` seconds ago. */
function realSession(age = 0): string {
  const file = path.join(project, `${REAL_SESSION}.jsonl`);
  copyFileSync(path.join(REAL_TRANSCRIPTS, '2.1.330-oauth-sub-70-gate.jsonl'), file);
  const time = new Date(Date.now() - age * 1000);
  utimesSync(file, time, time);
  return file;
}

/** 3 KB of random bytes under a session-like name, the newest file of the folder. */
function junk(): string {
  const file = path.join(project, `${randomUUID()}.jsonl`);
  writeFileSync(file, randomBytes(3072));
  return file;
}

describe('a file that is not a Claude Code transcript', () => {
  it('is refused by recover and prune-images in one line, before anything is planned or touched', async () => {
    realSession(60);
    const file = junk();
    const before = readFileSync(file);
    for (const argv of [['recover', '--dry-run'], ['recover'], ['prune-images', '--dry-run'], ['prune-images']]) {
      const result = await run(...argv);
      expect(result.exitCode, argv.join(' ')).toBe(1);
      expect(result.stdout, argv.join(' ')).toBe('');
      expect(result.stderr, argv.join(' ')).toMatch(
        new RegExp(`^claude-recover: expected a Claude Code transcript, but the newest \\.jsonl file here, ${file.replace(home.root, '~').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}, is not one \\((line 1 is not a JSON object|it holds binary data)\\); nothing was changed; pass --session <id> for the session you mean\\n$`),
      );
    }
    expect(readFileSync(file).equals(before)).toBe(true);
    expect(readdirSync(home.root)).not.toContain('.local');
  });

  it('is refused when named with --session too, and JSON that is not session records as well', async () => {
    const id = randomUUID();
    writeFileSync(path.join(project, `${id}.jsonl`), '{"level":"info","msg":"another program\'s log"}\n{"level":"info","msg":"line 2"}\n');
    const result = await run('prune-images', '--session', id);
    expect(result).toEqual({
      stdout: '',
      stderr: `claude-recover: expected a Claude Code transcript, but ${path.join(project, `${id}.jsonl`).replace(home.root, '~')} is not one (line 1 has no record type); nothing was changed\n`,
      exitCode: 1,
    });
  });
});

describe('the default session', () => {
  it('is the newest transcript of the directory for both recover and prune-images', async () => {
    realSession(60);
    const newer = randomUUID();
    writeTranscript(path.join(project, `${newer}.jsonl`), syntheticTranscript({ sessionId: newer, turns: 2, imageEvery: 1, imageChars: 3000 }));
    const plan = await run('recover', '--dry-run');
    expect(plan.exitCode).toBe(0);
    expect(plan.stdout.split('\n')[0]).toBe(`Session ${newer}`);
    expect((await run('recover', '--dry-run', '--wide')).stdout).toContain(`/${newer}.jsonl\n`);
    const prune = await run('prune-images', '--dry-run', '--wide');
    expect(prune.exitCode).toBe(0);
    expect(prune.stdout.replace(/\s+/g, ' ')).toContain(`Transcript: ~/.claude/projects/${projectDirName(cwd)}/${newer}.jsonl`);
    expect(prune.stdout).toContain('Would replace 2 images (5.86 KiB of base64) in 2 records.');
  });

  it('prune-images without --session prunes it, after a backup', async () => {
    const id = randomUUID();
    const file = path.join(project, `${id}.jsonl`);
    writeTranscript(file, syntheticTranscript({ sessionId: id, turns: 4, imageEvery: 2, imageChars: 3000 }));
    const before = readFileSync(file);
    const result = await run('prune-images');
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('Replaced 2 images (5.86 KiB of base64) in 2 records.');
    const backup = /Backup of the original:\s+(\S+)/.exec(result.stdout)?.[1]?.replace(/^~/, home.root) ?? '';
    expect(readFileSync(backup).equals(before)).toBe(true);
  });
});

describe('prune-images output', () => {
  it('fits 40 columns: the uuid column goes first and is named; the backup path is whole', async () => {
    const id = randomUUID();
    writeTranscript(path.join(project, `${id}.jsonl`), syntheticTranscript({ sessionId: id, turns: 4, imageEvery: 1, imageChars: 3000 }));
    vi.stubEnv('COLUMNS', '40');
    const dry = (await run('prune-images', '--dry-run')).stdout;
    for (const line of dry.trimEnd().split('\n')) expect(line.length, line).toBeLessThanOrEqual(40);
    expect(dry).toContain('LINE  TYPE  IMAGES    BASE64\n');
    expect(dry).toContain('(UUID left out to fit 40 columns; --wide');
    const real = (await run('prune-images')).stdout;
    const backup = /Backup of the original:\n {2}(\S+)\n/.exec(real)?.[1] ?? '';
    expect(backup).toMatch(new RegExp(`^~/\\.local/state/claude-recover/backups/${id}\\.jsonl\\.bak-\\d{8}T\\d+Z$`));
  });
});

describe('recover --dry-run', () => {
  it('names each path once, then steps that refer to them', async () => {
    const file = realSession();
    const result = await run('recover', '--dry-run', '--wide');
    expect(result.exitCode).toBe(0);
    const out = result.stdout;
    expect(out.split(file.replace(home.root, '~')).length - 1).toBe(1);
    expect(out).not.toContain(file);
    expect(out.split(path.join(home.root, 'bin', 'claude')).length - 1 + out.split('~/bin/claude').length - 1).toBe(1);
    const flat = out.replace(/\s+/g, ' ');
    expect(flat).toContain('copy the transcript to backups/<session>.jsonl.bak-<timestamp>');
    expect(flat).toContain('claude -p /compact --resume <session> --model claude-haiku-4-5-20251001');
    // In the Session line and the transcript's file name, nowhere else.
    expect(out.split(REAL_SESSION).length - 1).toBe(2);
    expect(flat).toMatch(/ session 145 KiB · model claude-sonnet-4-6\[1m\] · claude 2\.1\.330 · context \d+k tokens /);
    expect(out).toContain('Plan (--dry-run changes nothing):');
  });

  for (const width of [80, 40]) {
    it(`fits ${width} columns: wrapped at spaces, a path too long for a line shortened in the middle; --wide keeps all whole`, async () => {
      realSession();
      vi.stubEnv('COLUMNS', String(width));
      const narrow = (await run('recover', '--dry-run')).stdout;
      for (const line of narrow.trimEnd().split('\n')) expect(line.length, line).toBeLessThanOrEqual(width);
      // The session id, which --session takes, is never shortened: on its own line when it must.
      expect(narrow.startsWith(width === 80 ? `Session ${REAL_SESSION}\n` : `Session\n  ${REAL_SESSION}\n`)).toBe(true);
      const wide = (await run('recover', '--dry-run', '--wide')).stdout;
      expect(wide).toContain(`  transcript  ~/.claude/projects/${projectDirName(cwd)}/${REAL_SESSION}.jsonl\n`);
      expect(wide.split('\n').length).toBeLessThan(narrow.split('\n').length);
    });
  }
});
