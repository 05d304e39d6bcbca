import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { register } from '../../../src/commands/config.js';
import { SETTINGS } from '../../../src/config/load.js';
import { DEFAULT_CONFIG } from '../../../src/config/types.js';
import { runCommand, tempHome } from './harness.js';

let home: ReturnType<typeof tempHome>;
let file: string;
const run = (...argv: string[]) => runCommand([register], argv);

beforeEach(() => {
  home = tempHome();
  file = path.join(home.root, '.config', 'claude-recover', 'config.json');
});
afterEach(() => home.cleanup());

function writeConfig(value: unknown): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(value));
}

describe('claude-recover config', () => {
  it('--path prints the file path only', async () => {
    expect(await run('config', '--path')).toEqual({ stdout: `${file}\n`, stderr: '', exitCode: 0 });
  });

  it('prints every value and where it came from', async () => {
    writeConfig({ allowClear: true });
    vi.stubEnv('CLAUDE_RECOVER_RESUME_MODEL', 'opus');
    const result = await run('config');
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toBe('');
    const lines = result.stdout.split('\n');
    expect(lines[0]).toBe('Config file: ~/.config/claude-recover/config.json');
    expect(lines).toContainEqual(expect.stringMatching(/^compaction\.models +\["claude-haiku-4-5…  default$/));
    expect(lines[2]).toMatch(/^KEY +VALUE +FROM$/);
    expect(lines).toContainEqual(expect.stringMatching(/^allowClear +true +file$/));
    expect(lines).toContainEqual(expect.stringMatching(/^resume\.model +"opus" +env CLAUDE_RECOVER_RESUME_MODEL$/));
    expect(lines).toHaveLength(3 + SETTINGS.length + 1);
    for (const line of lines) expect(line.length, line).toBeLessThanOrEqual(80);
  });

  it('fits 40 columns without the FROM column, naming it; --wide shows every value whole', async () => {
    vi.stubEnv('COLUMNS', '40');
    const lines = (await run('config')).stdout.trimEnd().split('\n');
    // The path loses its middle to fit (`config --path` prints it whole).
    expect(lines.slice(0, 2)).toEqual(['Config file: ~/.config/cla…r/config.json', '             (not found: defaults apply)']);
    for (const line of lines) expect(line.length, line).toBeLessThanOrEqual(40);
    expect(lines[3]).toBe('KEY                         VALUE');
    expect(lines.slice(-2)).toEqual(['(FROM left out to fit 40 columns; --wide', 'shows it)']);
    const wide = (await run('config', '--wide')).stdout;
    expect(wide).toMatch(/\ncompaction\.models +\["claude-haiku-4-5-20251001","opus"\] +default\n/);
  });

  it('says when there is no file', async () => {
    expect((await run('config')).stdout.split('\n')[0]).toBe('Config file: ~/.config/claude-recover/config.json (not found: defaults apply)');
  });

  it('reports validation problems on stderr and still exits 0', async () => {
    writeConfig({ loopGuard: { maxRecoveries: -1 } });
    const result = await run('config');
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toBe('claude-recover: warning: config.json: loopGuard.maxRecoveries: expected a whole number ≥ 0, got -1; using the default 2\n');
    expect(result.stdout).toMatch(/\nloopGuard\.maxRecoveries +2 +default\n/);
  });

  it('--json prints config, sources and warnings', async () => {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, 'not json');
    const result = await run('config', '--json');
    const parsed = JSON.parse(result.stdout) as { path: string; exists: boolean; config: unknown; warnings: string[] };
    expect(parsed.path).toBe(file);
    expect(parsed.exists).toBe(true);
    expect(parsed.config).toEqual(DEFAULT_CONFIG);
    expect(parsed.warnings).toHaveLength(1);
  });

  it('has help listing the env overrides', async () => {
    const result = await run('config', '--help');
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/CLAUDE_RECOVER_COMPACTION_MODELS +compaction\.models/);
    expect(result.stdout).toContain('$ claude-recover config --path');
  });
});
