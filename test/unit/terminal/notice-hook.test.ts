import { execSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addNoticeHook, discardNotice, noticeShown } from '../../../src/terminal/notice-hook.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "cr notice 'hook' "));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

interface Settings {
  model?: string;
  hooks: { SessionStart: Array<{ hooks: Array<{ type: string; command: string }> }>; Stop?: unknown };
}

function settingsOf(args: string[]): Settings {
  const inline = args.find((a) => a.startsWith('--settings='));
  return JSON.parse(inline !== undefined ? inline.slice('--settings='.length) : (args[args.indexOf('--settings') + 1] as string)) as Settings;
}
const run = (command: string): string => execSync(command, { encoding: 'utf8', shell: '/bin/sh' });

describe('addNoticeHook', () => {
  it('adds --settings with a SessionStart hook that prints the message once, then nothing', () => {
    const hook = addNoticeHook(['--resume', 'id', '--model', 'claude-sonnet-4-6'], "it's recovered: \"quoted\" $HOME `x`", path.join(dir, 'notices'), dir);
    expect(hook).not.toBeNull();
    expect(hook?.args.slice(0, 4)).toEqual(['--resume', 'id', '--model', 'claude-sonnet-4-6']);
    const command = settingsOf(hook?.args ?? []).hooks.SessionStart[0]?.hooks[0]?.command ?? '';
    expect(noticeShown(hook!)).toBe(false);
    expect(JSON.parse(run(command))).toEqual({ systemMessage: "it's recovered: \"quoted\" $HOME `x`" });
    expect(noticeShown(hook!)).toBe(true);
    expect(run(command)).toBe('');
  });

  it("merges into the user's own --settings, JSON or file, keeping their hooks and values", () => {
    const own = { model: 'opus', hooks: { SessionStart: [{ hooks: [{ type: 'command', command: 'echo mine' }] }], Stop: [] } };
    const inline = addNoticeHook(['--settings', JSON.stringify(own), '-c'], 'm', dir, dir);
    const merged = settingsOf(inline?.args ?? []);
    expect(inline?.args.filter((a) => a === '--settings')).toHaveLength(1);
    expect(merged.model).toBe('opus');
    expect(merged.hooks.Stop).toEqual([]);
    expect(merged.hooks.SessionStart.map((g) => g.hooks[0]?.command)).toEqual(['echo mine', expect.stringMatching(/^cat /)]);

    writeFileSync(path.join(dir, 'mine.json'), JSON.stringify(own));
    const fromFile = addNoticeHook(['--settings=mine.json'], 'm', dir, dir);
    expect(fromFile?.args).toHaveLength(1);
    expect(settingsOf(fromFile?.args ?? []).hooks.SessionStart).toHaveLength(2);
  });

  it('leaves the arguments alone when the user settings cannot be read (the notice is shown another way)', () => {
    expect(addNoticeHook(['--settings', 'missing.json'], 'm', dir, dir)).toBeNull();
    expect(addNoticeHook(['--settings', '{not json'], 'm', dir, dir)).toBeNull();
  });

  it('discards an unshown notice', () => {
    const hook = addNoticeHook([], 'm', dir, dir)!;
    expect(existsSync(hook.file)).toBe(true);
    discardNotice(hook);
    expect(existsSync(hook.file)).toBe(false);
  });
});
