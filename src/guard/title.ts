// The terminal-title bytes the guard writes: its status text, the title sequence, and the
// XTWINOPS title stack that keeps the user's own title for the end of the session.

/** XTWINOPS: save the icon and window titles on the terminal's title stack. */
export const TITLE_PUSH = '\u001b[22;0t';
/** XTWINOPS: restore the icon and window titles saved by TITLE_PUSH. */
export const TITLE_POP = '\u001b[23;0t';
/** The bell, for the near-miss. */
export const BELL = '\u0007';

/** Longest title written; terminals cut long ones anyway. */
const MAX_TITLE = 120;

/**
 * OSC 0 (icon and window title) with `text`, BEL-terminated. OSC 0 rather than 2 because
 * Claude Code sets its own title with OSC 0: with OSC 2 alone, terminals that show the icon
 * name in the tab would keep showing the CLI's. Control characters (C0, DEL, C1) are
 * removed so the text can neither end the sequence early nor start another one.
 */
export function titleSequence(text: string): string {
  const clean = text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '');
  const cut = Array.from(clean).slice(0, MAX_TITLE).join('');
  return `\u001b]0;${cut}\u0007`;
}

/** The guard's status: `claude · 172K/200K ctx`. */
export function statusText(contextTokens: number, window: number): string {
  return `claude · ${formatTokens(contextTokens)}/${formatTokens(window)} ctx`;
}

/** 950 → `950`, 172_400 → `172K`, 1_000_000 → `1M`, 1_500_000 → `1.5M`. */
export function formatTokens(tokens: number): string {
  if (tokens < 1000) return String(Math.max(0, Math.round(tokens)));
  if (tokens < 999_500) return `${Math.round(tokens / 1000)}K`;
  const millions = Math.round(tokens / 100_000) / 10;
  return `${millions}M`;
}
