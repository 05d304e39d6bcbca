// The whole program through main's error path: the exit-code table and one-line usage
// errors (commander's own mapped to 2), the same for every command.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { usageMessage } from '../../../src/cli.js';
import { EXIT_CODE_HELP } from '../../../src/errors.js';
import { buildProgram } from '../../../src/program.js';
import { runCaptured, tempHome } from './harness.js';

let home: ReturnType<typeof tempHome>;
const run = (...argv: string[]) => runCaptured(buildProgram(), argv);

beforeEach(() => {
  home = tempHome();
});
afterEach(() => home.cleanup());

describe('the program', () => {
  it('registers every command', () => {
    const names = buildProgram().commands.map((c) => c.name());
    expect(names).toEqual(['run', 'recover', 'prune-images', 'log', 'stats', 'config', 'doctor', 'clean', 'install-alias', 'uninstall-alias', 'demo']);
  });

  it('documents the exit codes in --help', async () => {
    const result = await run('--help');
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain(EXIT_CODE_HELP);
    expect(EXIT_CODE_HELP).toMatch(/^ {2}0 {4}success$/m);
    expect(EXIT_CODE_HELP).toMatch(/^ {2}127 {2}the real claude was not found$/m);
  });

  it('prints the help with no command, and the version, with exit 0', async () => {
    const bare = await run();
    expect(bare.exitCode).toBe(0);
    expect(bare.stdout).toContain('Usage: claude-recover [options] [command]');
    expect(bare.stderr).toBe('');
    expect((await run('--version')).exitCode).toBe(0);
  });
});

describe('usage errors: one line, the did-you-mean, where the help is, exit 2', () => {
  const cases: Array<[string[], string]> = [
    [['lgo'], "claude-recover: unknown command 'lgo' (did you mean log?); see claude-recover --help\n"],
    [['log', '--jsn'], "claude-recover: unknown option '--jsn' (did you mean --json?); see claude-recover log --help\n"],
    [['log', '--bogus'], "claude-recover: unknown option '--bogus'; see claude-recover log --help\n"],
    [['log', '--since'], "claude-recover: option '--since <when>' argument missing; see claude-recover log --help\n"],
    [['stats', 'extra'], "claude-recover: too many arguments for 'stats'. Expected 0 arguments but got 1; see claude-recover stats --help\n"],
    [['demo', '--gate-at', 'banana'], 'claude-recover: --gate-at: expected a whole number ≥ 1, got "banana"; see claude-recover demo --help\n'],
    [['demo', '--gate-at', '0'], 'claude-recover: --gate-at: expected a whole number ≥ 1, got "0"; see claude-recover demo --help\n'],
    [['log', '--limit', 'ten'], 'claude-recover: --limit: expected a whole number (0 for all), got "ten"; see claude-recover log --help\n'],
    [['install-alias', '--shell', 'pwsh'], 'claude-recover: --shell: expected bash, zsh or fish, got "pwsh"; see claude-recover install-alias --help\n'],
    [['--bogus'], "claude-recover: unknown option '--bogus'; see claude-recover --help\n"],
  ];
  for (const [argv, stderr] of cases) {
    it(argv.join(' '), async () => {
      expect(await run(...argv)).toEqual({ stdout: '', stderr, exitCode: 2 });
    });
  }

  it('puts commander’s two-line messages on one line', () => {
    expect(usageMessage("error: unknown command 'lgo'\n(Did you mean log?)")).toBe("unknown command 'lgo' (did you mean log?)");
    expect(usageMessage("error: option '--gate-at <n>' argument 'x' is invalid. expected a whole number ≥ 1, got \"x\"")).toBe(
      '--gate-at: expected a whole number ≥ 1, got "x"',
    );
  });
});

describe('failures: exit 1 for what was not found or failed, 127 only for a missing claude', () => {
  const projectDir = () => path.join(home.root, '.claude', 'projects', home.root.replace(/[^a-zA-Z0-9]/g, '-'));

  it('an unknown session id exits 1 with one line', async () => {
    for (const command of ['recover', 'prune-images']) {
      const result = await run(command, '--session', 'no-such-session');
      expect(result.exitCode, command).toBe(1);
      expect(result.stderr, command).toMatch(/^claude-recover: expected a transcript for session no-such-session in .* got none; check the id \(a transcript's file name without \.jsonl\)\n$/);
      expect(result.stdout).toBe('');
    }
  });

  it('no transcript in this directory exits 1 for recover and prune-images alike', async () => {
    vi.spyOn(process, 'cwd').mockReturnValue(home.root);
    try {
      for (const command of ['recover', 'prune-images']) {
        const result = await run(command, '--dry-run');
        expect(result.exitCode, command).toBe(1);
        expect(result.stderr, command).toBe(
          `claude-recover: expected a session transcript in ${projectDir().replace(home.root, '~')}, got none; run this in the folder the session ran in, or pass --session <id>\n`,
        );
      }
    } finally {
      vi.restoreAllMocks();
    }
  });

  it('a missing real claude exits 127', async () => {
    mkdirSync(projectDir(), { recursive: true });
    writeFileSync(path.join(projectDir(), 's1.jsonl'), `${JSON.stringify({ type: 'user', sessionId: 's1', message: { role: 'user', content: 'hi' } })}\n`);
    vi.stubEnv('PATH', '/nonexistent');
    vi.stubEnv('CLAUDE_RECOVER_CLAUDE', path.join(home.root, 'no-claude'));
    vi.spyOn(process, 'cwd').mockReturnValue(home.root);
    const result = await run('recover', '--session', 's1', '--dry-run');
    vi.restoreAllMocks();
    expect(result.exitCode).toBe(127);
    expect(result.stderr).toBe(
      `claude-recover: CLAUDE_RECOVER_CLAUDE is ${path.join(home.root, 'no-claude')}, which is not an executable file; point CLAUDE_RECOVER_CLAUDE at the real claude binary (one that \`which -a claude\` lists).\n`,
    );
  });
});
