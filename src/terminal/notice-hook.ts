// Shows claude-recover's message inside the claude it starts, drawn by Claude Code itself:
// a one-shot SessionStart hook, passed with --settings (merged into the user's own
// --settings when they gave one), prints `{"systemMessage": …}`. The CLI shows that right
// above its input box as `SessionStart:resume says: …` on both renderers (2.1.200 classic,
// 2.1.332 alternate screen), wraps it to the width, keeps it in the scrollback, and neither
// sends it to the model nor writes it to the transcript (checked on both versions). The hook
// prints a file and removes it: it shows once, and the file being gone tells that it did.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface NoticeHook {
  /** claude's arguments with the hook in its settings. */
  args: string[];
  /** The message file; the hook removes it when it runs. */
  file: string;
}

/** POSIX shell quoting for one word. */
function quote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * `args` with a SessionStart hook that shows `message` once, or null when the user's own
 * `--settings` cannot be read (their settings win; the caller shows the message another way).
 */
export function addNoticeHook(args: readonly string[], message: string, dir: string, cwd: string): NoticeHook | null {
  const found = findSettings(args);
  let settings: Record<string, unknown> = {};
  if (found !== null) {
    const parsed = readSettings(found.value, cwd);
    if (parsed === null) return null;
    settings = parsed;
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = path.join(dir, `notice-${process.pid}-${Date.now().toString(36)}.json`);
  writeFileSync(file, `${JSON.stringify({ systemMessage: message })}\n`, { mode: 0o600 });
  const hook = { type: 'command', command: `cat ${quote(file)} 2>/dev/null; rm -f ${quote(file)}`, timeout: 10 };
  const hooks = isObject(settings.hooks) ? settings.hooks : {};
  const sessionStart = Array.isArray(hooks.SessionStart) ? hooks.SessionStart : [];
  const merged = JSON.stringify({ ...settings, hooks: { ...hooks, SessionStart: [...sessionStart, { hooks: [hook] }] } });
  const next = [...args];
  if (found === null) next.push('--settings', merged);
  else if (found.inline) next[found.index] = `--settings=${merged}`;
  else next[found.index + 1] = merged;
  return { args: next, file };
}

/** True once the hook has run (its file is gone). */
export function noticeShown(hook: NoticeHook): boolean {
  return !existsSync(hook.file);
}

/** Removes the file, so a hook that runs later (a /clear, a /resume) shows nothing. */
export function discardNotice(hook: NoticeHook): void {
  rmSync(hook.file, { force: true });
}

/** The last `--settings <v>` or `--settings=<v>` (commander: the last one wins). */
function findSettings(args: readonly string[]): { index: number; value: string; inline: boolean } | null {
  let found: { index: number; value: string; inline: boolean } | null = null;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '--') break;
    if (arg === '--settings' && i + 1 < args.length) found = { index: i, value: args[i + 1] as string, inline: false };
    else if (arg.startsWith('--settings=')) found = { index: i, value: arg.slice('--settings='.length), inline: true };
  }
  return found;
}

/** `--settings` takes a JSON string or a file; null when neither parses to an object. */
function readSettings(value: string, cwd: string): Record<string, unknown> | null {
  try {
    const text = value.trimStart().startsWith('{') ? value : readFileSync(path.resolve(cwd, value), 'utf8');
    const parsed: unknown = JSON.parse(text);
    return isObject(parsed) ? parsed : null;
  } catch {
    return null;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
