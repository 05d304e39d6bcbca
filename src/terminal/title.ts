// The terminal-title bytes: the title sequence, the XTWINOPS title stack that keeps the
// user's own title for the end of the session, and the bell.

/** XTWINOPS: save the icon and window titles on the terminal's title stack. */
export const TITLE_PUSH = '\u001b[22;0t';
/** XTWINOPS: restore the icon and window titles saved by TITLE_PUSH. */
export const TITLE_POP = '\u001b[23;0t';
/** The bell. */
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
