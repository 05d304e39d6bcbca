import { describe, expect, it } from 'vitest';
import { buildResumeArgs, chooseResumeModel, parseClaudeArgs, standardContextModel } from '../../../src/recovery/resume-args.js';

const ID = '2e4cea85-07f6-4cbe-90b5-7bfdab87b7be';
const FALLBACK = 'claude-sonnet-4-6';

describe('buildResumeArgs', () => {
  const cases: Array<{ name: string; user: string[]; requested: string | null; expected: string[] }> = [
    { name: 'no flags, 1M session', user: [], requested: 'claude-sonnet-4-6[1m]', expected: ['--resume', ID, '--model', 'claude-sonnet-4-6'] },
    { name: 'no flags, unknown model', user: [], requested: null, expected: ['--resume', ID, '--model', FALLBACK] },
    { name: 'synthetic model is not a model', user: [], requested: '<synthetic>', expected: ['--resume', ID, '--model', FALLBACK] },
    { name: "user's own [1m] model loses the suffix", user: ['--model', 'opus[1m]'], requested: 'claude-sonnet-4-6[1m]', expected: ['--resume', ID, '--model', 'opus'] },
    { name: '--model=value form', user: ['--model=claude-opus-4-6[1m]'], requested: null, expected: ['--resume', ID, '--model', 'claude-opus-4-6'] },
    { name: 'last --model wins', user: ['--model', 'haiku', '--model', 'sonnet[1m]'], requested: null, expected: ['--resume', ID, '--model', 'sonnet'] },
    {
      name: 'permission mode and add-dir kept with values',
      user: ['--permission-mode', 'acceptEdits', '--add-dir', '../a', '../b', '--verbose'],
      requested: 'claude-sonnet-4-6[1m]',
      expected: ['--resume', ID, '--model', 'claude-sonnet-4-6', '--permission-mode', 'acceptEdits', '--add-dir', '../a', '../b', '--verbose'],
    },
    {
      name: 'variadic tools then an option',
      user: ['--allowedTools', 'Bash(git:*)', 'Edit', '--dangerously-skip-permissions'],
      requested: null,
      expected: ['--resume', ID, '--model', FALLBACK, '--allowedTools', 'Bash(git:*)', 'Edit', '--dangerously-skip-permissions'],
    },
    { name: '--continue dropped', user: ['--continue', '--verbose'], requested: null, expected: ['--resume', ID, '--model', FALLBACK, '--verbose'] },
    { name: '-c dropped', user: ['-c'], requested: null, expected: ['--resume', ID, '--model', FALLBACK] },
    { name: '--resume with id dropped', user: ['--resume', 'old-id', '--ide'], requested: null, expected: ['--resume', ID, '--model', FALLBACK, '--ide'] },
    { name: '-r without id before a flag', user: ['-r', '--ide'], requested: null, expected: ['--resume', ID, '--model', FALLBACK, '--ide'] },
    { name: '--resume=id dropped', user: ['--resume=old-id'], requested: null, expected: ['--resume', ID, '--model', FALLBACK] },
    { name: '--session-id and its value dropped', user: ['--session-id', 'abc', '--verbose'], requested: null, expected: ['--resume', ID, '--model', FALLBACK, '--verbose'] },
    { name: 'prompt positional dropped', user: ['fix the bug', '--verbose'], requested: null, expected: ['--resume', ID, '--model', FALLBACK, '--verbose'] },
    {
      name: 'print mode and its output flags dropped',
      user: ['-p', 'hello', '--output-format', 'json', '--max-turns', '3'],
      requested: null,
      expected: ['--resume', ID, '--model', FALLBACK],
    },
    { name: 'combined short flags', user: ['-cp', 'hi'], requested: null, expected: ['--resume', ID, '--model', FALLBACK] },
    { name: 'everything after -- is the prompt', user: ['--verbose', '--', '--not-a-flag'], requested: null, expected: ['--resume', ID, '--model', FALLBACK, '--verbose'] },
    {
      name: 'values that look like prompts stay with their option',
      user: ['--append-system-prompt', 'be brief', '--settings', '{"a":1}', 'prompt'],
      requested: null,
      expected: ['--resume', ID, '--model', FALLBACK, '--append-system-prompt', 'be brief', '--settings', '{"a":1}'],
    },
    { name: 'a value starting with a dash after a one-value option', user: ['--system-prompt', '-x'], requested: null, expected: ['--resume', ID, '--model', FALLBACK, '--system-prompt', '-x'] },
    { name: 'unknown flag kept as a boolean', user: ['--brand-new-flag', 'prompt'], requested: null, expected: ['--resume', ID, '--model', FALLBACK, '--brand-new-flag'] },
    { name: 'fork-session dropped (same id wanted)', user: ['--fork-session'], requested: null, expected: ['--resume', ID, '--model', FALLBACK] },
    { name: '--debug with a filter', user: ['--debug', 'api', 'hello'], requested: null, expected: ['--resume', ID, '--model', FALLBACK, '--debug', 'api'] },
  ];
  for (const { name, user, requested, expected } of cases) {
    it(name, () => {
      expect(buildResumeArgs({ userArgs: user, sessionId: ID, requestedModel: requested, fallbackModel: FALLBACK }).args).toEqual(expected);
    });
  }

  it('leaves --resume out for a fresh session', () => {
    expect(buildResumeArgs({ userArgs: ['-c', '--verbose'], sessionId: null, requestedModel: null, fallbackModel: FALLBACK }).args).toEqual([
      '--model',
      FALLBACK,
      '--verbose',
    ]);
  });

  it('reports what it dropped', () => {
    expect(parseClaudeArgs(['-c', 'hello', '--session-id', 'x']).dropped).toEqual(['--continue', '<prompt>', '--session-id']);
  });
});

describe('chooseResumeModel', () => {
  it.each([
    ['sonnet[1m]', null, 'sonnet', 'user --model'],
    [null, 'claude-opus-4-6[1m]', 'claude-opus-4-6', 'requested model'],
    [null, 'claude-haiku-4-5-20251001', 'claude-haiku-4-5-20251001', 'requested model'],
    [null, 'my-gateway-model', FALLBACK, 'config resume.model'],
    ['[1m]', null, FALLBACK, 'config resume.model'],
  ])('user %s, requested %s → %s', (user, requested, model, source) => {
    expect(chooseResumeModel(user, requested, FALLBACK)).toEqual({ model, modelSource: source });
  });

  it('recognises Claude model names only', () => {
    expect(standardContextModel('us.anthropic.claude-sonnet-4-6[1m]')).toBe('us.anthropic.claude-sonnet-4-6');
    expect(standardContextModel('')).toBeNull();
    expect(standardContextModel('gpt-5')).toBeNull();
  });
});
