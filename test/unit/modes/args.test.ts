import { describe, expect, it } from 'vitest';
import { headlessModeOf, outputFormatOf, rerunArgs } from '../../../src/modes/args.js';

describe('headlessModeOf', () => {
  it('reads the mode as claude would', () => {
    expect(headlessModeOf(['-p', 'hi'])).toBe('print');
    expect(headlessModeOf(['--print', 'hi'])).toBe('print');
    expect(headlessModeOf(['-cp', 'next'])).toBe('print');
    expect(headlessModeOf(['--output-format', 'stream-json', '--verbose', '--input-format', 'stream-json', '--model=claude-sonnet-4-6[1m]'])).toBe('stream-json');
    expect(headlessModeOf(['-p', '--input-format=stream-json', '--output-format=stream-json'])).toBe('stream-json');
    expect(headlessModeOf(['--resume', 'abc'])).toBeNull();
    expect(headlessModeOf([])).toBeNull();
  });

  it('does not take an option value or a prompt for -p', () => {
    expect(headlessModeOf(['--append-system-prompt', '-p'])).toBeNull();
    expect(headlessModeOf(['--', '-p'])).toBeNull();
  });

  it('outputFormatOf', () => {
    expect(outputFormatOf(['-p', 'x'])).toBe('text');
    expect(outputFormatOf(['-p', 'x', '--output-format', 'json'])).toBe('json');
    expect(outputFormatOf(['-p', '--output-format=stream-json', 'x'])).toBe('stream-json');
  });
});

describe('rerunArgs', () => {
  it('keeps the command and replaces the session selection and the model', () => {
    expect(rerunArgs(['-p', '--resume', 'old', 'next step', '--model', 'claude-sonnet-4-6[1m]', '--output-format', 'json'], 'sid', 'claude-sonnet-4-6')).toEqual([
      '--resume', 'sid', '--model', 'claude-sonnet-4-6', '-p', 'next step', '--output-format', 'json',
    ]);
    expect(rerunArgs(['-cp', 'go on'], 'sid', 'm')).toEqual(['--resume', 'sid', '--model', 'm', '-p', 'go on']);
    expect(rerunArgs(['--session-id', 'x', '--fork-session', '-p', '--', '-literal prompt'], 'sid', 'm')).toEqual(['--resume', 'sid', '--model', 'm', '-p', '--', '-literal prompt']);
  });

  it('keeps the user model when none is given, and leaves the session out for a fresh one', () => {
    const sdk = ['--output-format', 'stream-json', '--verbose', '--input-format', 'stream-json', '--model=claude-sonnet-4-6[1m]', '--permission-prompt-tool', 'stdio'];
    expect(rerunArgs(sdk, 'sid', null)).toEqual(['--resume', 'sid', ...sdk]);
    expect(rerunArgs(sdk, 'sid', 'claude-sonnet-4-6')).toEqual(['--resume', 'sid', '--model', 'claude-sonnet-4-6', ...sdk.filter((a) => !a.startsWith('--model'))]);
    expect(rerunArgs(['-p', 'x', '--continue'], null, 'm')).toEqual(['--model', 'm', '-p', 'x']);
  });
});
