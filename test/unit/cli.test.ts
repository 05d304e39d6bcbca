// src/cli.ts's routing: `--version` is answered without loading the command set, so it
// must print exactly what the commander program prints for it.
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main, runProgram } from '../../src/cli.js';
import { buildProgram } from '../../src/program.js';
import { captureOutput } from './commands/harness.js';


afterEach(() => {
  process.exitCode = undefined;
});

describe('main', () => {
  const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

  for (const flag of ['--version', '-V']) {
    it(`prints for ${flag} what the commander program prints: the package version`, async () => {
      const fast = await captureOutput(() => main([flag]));
      const commander = await captureOutput(() => runProgram(buildProgram(), [flag]));
      expect(fast).toEqual({ stdout: `${version}\n`, stderr: '', exitCode: 0 });
      expect(fast).toEqual(commander);
    });
  }

  it('leaves --version with other arguments to commander', async () => {
    const result = await captureOutput(() => main(['--version', 'log']));
    const commander = await captureOutput(() => runProgram(buildProgram(), ['--version', 'log']));
    expect(result).toEqual(commander);
  });
});
