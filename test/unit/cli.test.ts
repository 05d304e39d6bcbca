// src/cli.ts's routing: `--version` is answered without loading the command set, so it
// must print exactly what the commander program prints for it.
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main, runProgram } from '../../src/cli.js';
import { buildProgram } from '../../src/program.js';

async function captured(run: () => Promise<void>): Promise<{ stdout: string; stderr: string; exitCode: number }> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  process.exitCode = undefined;
  try {
    await run();
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
  const exitCode = Number(process.exitCode ?? 0);
  process.exitCode = undefined;
  return { stdout, stderr, exitCode };
}

afterEach(() => {
  process.exitCode = undefined;
});

describe('main', () => {
  const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

  for (const flag of ['--version', '-V']) {
    it(`prints for ${flag} what the commander program prints: the package version`, async () => {
      const fast = await captured(() => main([flag]));
      const commander = await captured(() => runProgram(buildProgram(), [flag]));
      expect(fast).toEqual({ stdout: `${version}\n`, stderr: '', exitCode: 0 });
      expect(fast).toEqual(commander);
    });
  }

  it('leaves --version with other arguments to commander', async () => {
    const result = await captured(() => main(['--version', 'log']));
    const commander = await captured(() => runProgram(buildProgram(), ['--version', 'log']));
    expect(result).toEqual(commander);
  });
});
