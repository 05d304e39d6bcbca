import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../../src/program.js';

describe('the program', () => {
  it('registers log, stats, config, doctor, install-alias and uninstall-alias', () => {
    const names = buildProgram().commands.map((c) => c.name());
    expect(names).toEqual(expect.arrayContaining(['log', 'stats', 'config', 'doctor', 'install-alias', 'uninstall-alias']));
  });
});
