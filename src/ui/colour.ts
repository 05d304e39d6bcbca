// Colour for one output stream: on for a terminal, off when piped; NO_COLOR and FORCE_COLOR
// (https://no-color.org, https://force-color.org) decide before the terminal does.
import picocolors from 'picocolors';

export type Colours = ReturnType<typeof picocolors.createColors>;

/** Whether text written to `stream` should carry colour. */
export function colourEnabled(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined && force !== '') return force !== '0' && force !== 'false';
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return stream.isTTY === true && env.TERM !== 'dumb';
}

/** The colour functions for `stream`: identity functions when colour is off. */
export function coloursFor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): Colours {
  return picocolors.createColors(colourEnabled(stream, env));
}

/**
 * Colours by meaning, so the same meaning looks the same in every command: `ok` for
 * success, `fail` for failures, `warn` for warnings and what is unfinished, `muted` for
 * what matters least, `strong` for what the eye should find first.
 */
export interface Tones {
  ok: (text: string) => string;
  fail: (text: string) => string;
  warn: (text: string) => string;
  muted: (text: string) => string;
  strong: (text: string) => string;
}

/** The tones for text written to `stream` (identity functions when colour is off). */
export function tonesFor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): Tones {
  const c = coloursFor(stream, env);
  return { ok: c.green, fail: c.red, warn: c.yellow, muted: c.dim, strong: c.bold };
}
