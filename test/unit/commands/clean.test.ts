import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { register } from '../../../src/commands/clean.js';
import { runCommand, tempHome } from './harness.js';

let home: ReturnType<typeof tempHome>;
const run = (...argv: string[]) => runCommand([register], argv);
beforeEach(() => {
  home = tempHome();
});
afterEach(() => home.cleanup());

describe('claude-recover clean', () => {
  it('removes a killed prune\'s file (after --dry-run said it would) and reports the backups against the configured budget', async () => {
    const project = path.join(home.root, '.claude', 'projects', '-p');
    mkdirSync(project, { recursive: true });
    const dead = Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout);
    const leftover = path.join(project, `s.jsonl.prune-${dead}-1.tmp`);
    writeFileSync(leftover, 'x'.repeat(2048));
    mkdirSync(path.join(home.root, '.config', 'claude-recover'), { recursive: true });
    writeFileSync(path.join(home.root, '.config', 'claude-recover', 'config.json'), '{"backups": {"maxBytes": 104857600}}');
    const backups = path.join(home.root, '.local', 'state', 'claude-recover', 'backups');

    const dry = await run('clean', '--dry-run');
    expect(dry.exitCode).toBe(0);
    expect(dry.stdout).toContain(`Would remove 1 temporary file left by killed runs (2 KiB):\n  ${leftover} (2 KiB)\n`);
    expect(existsSync(leftover)).toBe(true);

    const done = await run('clean');
    expect(done.exitCode).toBe(0);
    expect(done.stdout).toBe(`Removed 1 temporary file left by killed runs (2 KiB):\n  ${leftover} (2 KiB)\nBackups: 0 files, 0 B of 100 MiB (backups.maxBytes) in ${backups}\n`);
    expect(existsSync(leftover)).toBe(false);
  });
});
