// claude-recover's own files: leftovers of killed runs, the backups' budget, privacy, and the
// clean/doctor reports built on them.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkpoint } from '../../../src/recovery/checkpoint.js';
import { backupUsage, enforceBackupBudget } from '../../../src/storage/backups.js';
import { clean, filesCheck } from '../../../src/storage/clean.js';
import { findLeftovers, removeLeftovers } from '../../../src/storage/leftovers.js';
import { ensurePrivateDirSync, narrowSync } from '../../../src/storage/private.js';
import { explainWriteError } from '../../../src/storage/write-errors.js';
import { UserError } from '../../../src/errors.js';
import { makeHome, syntheticTranscript, writeTranscript, type RecoveryHome } from '../../support/recovery-home.js';

let home: RecoveryHome;
beforeEach(() => {
  home = makeHome();
});
afterEach(() => home.cleanup());

const MB = 1 << 20;
const backups = (): string => path.join(home.stateDir, 'backups');
const mode = (file: string): number => statSync(file).mode & 0o777;

function deadPid(): number {
  return Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString());
}

/** A backup file of `mb` MB, `age` seconds old. */
function backup(name: string, mb: number, age: number): string {
  mkdirSync(backups(), { recursive: true });
  const file = path.join(backups(), `${name}.jsonl.bak-20260101T000000000Z`);
  writeFileSync(file, Buffer.alloc(mb * MB), { mode: 0o644 });
  const then = new Date(Date.now() - age * 1000);
  utimesSync(file, then, then);
  return file;
}

describe('leftovers of killed runs', () => {
  it('finds the temporary files whose writer is gone, wherever claude-recover writes them', async () => {
    const dead = deadPid();
    mkdirSync(backups(), { recursive: true });
    const prune = path.join(home.projectDir, `s1.jsonl.prune-${dead}-1700000000000.tmp`);
    const copy = path.join(backups(), `s1.jsonl.bak-20260101T000000000Z.tmp-${dead}`);
    const guard = path.join(home.stateDir, `recoveries.json.${dead}.tmp`);
    const lock = path.join(home.stateDir, 'events.jsonl.lock');
    writeFileSync(prune, 'x'.repeat(1000));
    writeFileSync(copy, 'y');
    writeFileSync(guard, '{}');
    writeFileSync(lock, `${dead}@${(await import('node:os')).hostname()}:1`);
    // A running writer's files stay: another process (our parent) is alive.
    const live = path.join(home.projectDir, `s2.jsonl.prune-${process.ppid}-1700000000000.tmp`);
    writeFileSync(live, 'being written');
    // An old one stays only while young: a reused pid does not keep it for ever.
    const reused = path.join(home.projectDir, `s3.jsonl.prune-${process.ppid}-1600000000000.tmp`);
    writeFileSync(reused, 'abandoned');
    const then = new Date(Date.now() - 2 * 3600_000);
    utimesSync(reused, then, then);
    // Not temporary files at all.
    writeFileSync(path.join(home.projectDir, 's1.jsonl'), '{}\n');
    writeFileSync(path.join(home.stateDir, 'events.jsonl'), '');

    const found = await findLeftovers(home.env);
    expect(found.map((item) => item.path).sort()).toEqual([copy, guard, lock, prune, reused].sort());
    expect(found.find((item) => item.path === prune)?.bytes).toBe(1000);
    expect((await removeLeftovers(found)).length).toBe(5);
    expect(existsSync(prune) || existsSync(copy) || existsSync(guard) || existsSync(lock)).toBe(false);
    expect(existsSync(live)).toBe(true);
  });
});

describe('backup budget', () => {
  it('removes the oldest backups across sessions until the folder fits, and makes the rest 0600', async () => {
    const a = backup('a', 3, 300);
    const b = backup('b', 3, 200);
    const c = backup('c', 3, 100);
    const d = backup('d', 3, 0);
    expect(await enforceBackupBudget(backups(), 7 * MB)).toEqual([a, b]);
    expect(readdirSync(backups()).sort()).toEqual([path.basename(c), path.basename(d)]);
    expect([mode(c), mode(d)]).toEqual([0o600, 0o600]);
    expect(await backupUsage(backups())).toEqual({ files: 2, bytes: 6 * MB });
  });

  it('never removes the backup just taken, nor the newest, even alone over the budget', async () => {
    const taken = backup('a', 5, 100);
    const newest = backup('b', 5, 0);
    expect(await enforceBackupBudget(backups(), 1 * MB, { keep: taken })).toEqual([]);
    expect(existsSync(taken) && existsSync(newest)).toBe(true);
  });

  it('is applied by checkpoint, which writes the backup 0600 in 0700 folders', async () => {
    const old = backup('other', 2, 100);
    const file = home.transcript('s1');
    writeTranscript(file, syntheticTranscript({ turns: 4, answerChars: 600_000 }));
    chmodSync(file, 0o644);
    const result = await checkpoint({ transcriptPath: file, sessionId: 's1', stateDir: home.stateDir, maxBytes: 3 * MB });
    expect(result.removed).toEqual([old]);
    expect(mode(result.backupPath)).toBe(0o600);
    expect(mode(backups())).toBe(0o700);
    expect(mode(home.stateDir)).toBe(0o700);
  });
});

describe('private folders', () => {
  it('narrows a folder of ours an older version made 0755', () => {
    mkdirSync(home.stateDir, { recursive: true, mode: 0o755 });
    chmodSync(home.stateDir, 0o755);
    ensurePrivateDirSync(home.stateDir);
    expect(mode(home.stateDir)).toBe(0o700);
  });

  it('never narrows a shared folder with the sticky bit, like /tmp', () => {
    const shared = path.join(home.root, 'shared');
    mkdirSync(shared);
    chmodSync(shared, 0o1777);
    expect(narrowSync(shared, 0o700)).toBe(false);
    expect(statSync(shared).mode & 0o7777).toBe(0o1777);
  });
});

describe('clean and the doctor line', () => {
  it('reports a clean state as ok, and names leftovers, excess backups and readable files with the fix', async () => {
    mkdirSync(home.stateDir, { recursive: true, mode: 0o700 });
    expect(await filesCheck(home.env, 500 * MB)).toEqual({ ok: true, detail: `backups 0 B of 500 MiB (0 files) in ${backups()}` });

    backup('a', 2, 100);
    backup('b', 2, 0);
    writeFileSync(path.join(home.projectDir, `s1.jsonl.prune-${deadPid()}-1.tmp`), Buffer.alloc(3 * MB));
    const check = await filesCheck(home.env, 3 * MB);
    expect(check).toEqual({
      ok: false,
      detail: `backups 4 MiB of 3 MiB (2 files) in ${backups()}; 1 temporary file left by killed runs (3 MiB), 1 old backup over the budget, 3 files or folders others can read`,
      fix: 'claude-recover clean',
    });
  });

  it('clean --dry-run changes nothing; clean does what it said, then finds nothing', async () => {
    mkdirSync(home.stateDir, { recursive: true, mode: 0o700 });
    const a = backup('a', 2, 100);
    backup('b', 2, 0);
    const prune = path.join(home.projectDir, `s1.jsonl.prune-${deadPid()}-1.tmp`);
    writeFileSync(prune, Buffer.alloc(MB));
    const dry = await clean({ env: home.env, maxBytes: 3 * MB, dryRun: true });
    expect(dry).toEqual([
      'Would remove 1 temporary file left by killed runs (1 MiB):',
      `  ${prune} (1 MiB)`,
      'Would remove 1 old backup to stay within backups.maxBytes (3 MiB):',
      `  ${a}`,
      'Would make 3 files or folders private (others could read them).',
      `Backups: 2 files, 4 MiB of 3 MiB (backups.maxBytes) in ${backups()}`,
    ]);
    expect(existsSync(prune) && existsSync(a)).toBe(true);
    const done = await clean({ env: home.env, maxBytes: 3 * MB });
    expect(done).toEqual([...dry.slice(0, 4).map((line) => line.replace('Would remove', 'Removed')), 'Made 3 files or folders private (others could read them).', `Backups: 1 file, 2 MiB of 3 MiB (backups.maxBytes) in ${backups()}`]);
    expect(existsSync(prune) || existsSync(a)).toBe(false);
    expect(await clean({ env: home.env, maxBytes: 3 * MB })).toEqual(['Nothing to clean.', `Backups: 1 file, 2 MiB of 3 MiB (backups.maxBytes) in ${backups()}`]);
    expect((await filesCheck(home.env, 3 * MB)).ok).toBe(true);
  });
});

describe('write errors', () => {
  const errno = (code: string): NodeJS.ErrnoException => Object.assign(new Error(`${code}: x`), { code });

  it.each([
    ['EACCES', "cannot write the project folder /p (EACCES: permission denied); make it writable for you (chmod u+w '/p', or chattr -i if it is immutable) and run this again"],
    ['EPERM', "cannot write the project folder /p (EPERM: operation not permitted); make it writable for you (chmod u+w '/p', or chattr -i if it is immutable) and run this again"],
    ['EROFS', 'cannot write the project folder /p: it is on a read-only file system; remount it writable and run this again'],
    ['ENOSPC', 'cannot write the project folder /p: no space left on its disk (ENOSPC); free some space and run this again'],
  ])('%s becomes one line naming the folder and the fix', (code, message) => {
    const error = explainWriteError(errno(code), 'the project folder', '/p');
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toBe(message);
    expect((error as UserError).exitCode).toBe(1);
  });

  it('leaves other errors alone', () => {
    const original = errno('EIO');
    expect(explainWriteError(original, 'the project folder', '/p')).toBe(original);
  });
});
