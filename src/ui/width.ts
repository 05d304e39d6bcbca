// Display width of terminal text (wide glyphs count two columns, escape sequences none) and
// shortening to a width, so that no line claude-recover prints wraps.
import cliTruncate from 'cli-truncate';
import stringWidth from 'string-width';
import wrapAnsi from 'wrap-ansi';

/** Columns `text` takes on a terminal. */
export function displayWidth(text: string): number {
  return stringWidth(text);
}

/**
 * `text` cut to at most `columns` display columns with an ellipsis: at the end by default,
 * in the middle for paths and ids (both ends say the most).
 */
export function fitWidth(text: string, columns: number, position: 'end' | 'middle' | 'start' = 'end'): string {
  if (columns <= 0) return '';
  return stringWidth(text) <= columns ? text : cliTruncate(text, columns, { position });
}

/** The terminal's width for `stream`, or 80 when it is not a terminal (or says 0). */
export function terminalColumns(stream: { isTTY?: boolean; columns?: number }, env: NodeJS.ProcessEnv = process.env): number {
  if (stream.isTTY === true && typeof stream.columns === 'number' && stream.columns > 0) return stream.columns;
  const fromEnv = Number(env.COLUMNS);
  return Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : 80;
}

/**
 * `text` broken at spaces to fit `columns` when every line is indented by `hanging` (the
 * first by whatever the caller puts before it, the others by spaces). A word longer than a
 * line (a path, a command) stays whole on a line of its own, so that it can be copied (only
 * the terminal wraps it), unless `long` is 'shorten': then it loses its middle to fit.
 */
export function wrapText(text: string, columns: number, hanging = 0, long: 'keep' | 'shorten' = 'keep'): string {
  const width = Math.max(1, columns - hanging);
  const words = long === 'shorten' ? text.replace(/\S+/g, (word) => fitWidth(word, width, 'middle')) : text;
  const lines = wrapAnsi(words, width, { hard: false, trim: true }).split('\n');
  const pad = ' '.repeat(hanging);
  return lines.map((line, i) => (i === 0 || line === '' ? line : pad + line)).join('\n');
}

/** `label` then `text` wrapped so that no line passes `columns`, continuation lines aligned under the text. */
export function labelled(label: string, text: string, columns: number, long: 'keep' | 'shorten' = 'keep'): string {
  const indent = stringWidth(label);
  return label + wrapText(text, columns, indent, long);
}

/**
 * `label` and a path on one line when they fit, else the path alone on the next line,
 * indented: a path someone may copy is never broken or shortened (the terminal wraps it
 * only when it is longer than a whole line).
 */
export function labelledPath(label: string, file: string, columns: number, indent = 2): string {
  if (stringWidth(label) + stringWidth(file) <= columns) return label + file;
  return `${label.trimEnd()}\n${' '.repeat(indent)}${file}`;
}

/**
 * An indented line too wide for the terminal: an item with its note in a column
 * (`  $ cmd      what it does`, `  --flag   what it does`) gets the note under it; other text
 * is wrapped at spaces under its own indent (a `$ command` two further, under the command).
 */
function fitIndented(line: string, columns: number): string {
  const item = /^(\s+)(\S.*?\S)\s{2,}(\S.*)$/.exec(line);
  if (item) {
    const indent = `${item[1]}    `;
    return `${item[1]}${item[2]}\n${indent}${wrapText(item[3] ?? '', columns, indent.length)}`;
  }
  const [, indent = '', text = ''] = /^(\s*)(.*)$/.exec(line) ?? [];
  return indent + wrapText(text, columns, indent.length + (text.startsWith('$ ') ? 2 : 0));
}

/**
 * Help-style text re-flowed to `columns`: consecutive lines that start at the margin form a
 * paragraph, joined and wrapped again; indented lines (lists, examples, commands) stay as
 * they are unless too wide (fitIndented); blank lines stay.
 */
export function reflow(text: string, columns: number): string {
  const out: string[] = [];
  let paragraph: string[] = [];
  const flush = (): void => {
    if (paragraph.length > 0) out.push(wrapText(paragraph.join(' '), columns));
    paragraph = [];
  };
  for (const line of text.split('\n')) {
    if (line.trim() !== '' && !/^\s/.test(line)) {
      paragraph.push(line.trim());
      continue;
    }
    flush();
    out.push(stringWidth(line) > columns ? fitIndented(line, columns) : line);
  }
  flush();
  return out.join('\n');
}

/**
 * `text` broken into lines of at most `columns` display columns, at spaces where it can be
 * (a word longer than a line is cut); existing line breaks are kept. For plain text (no
 * escape sequences): colour is added after wrapping.
 */
export function wrapWidth(text: string, columns: number): string[] {
  const width = Math.max(1, columns);
  return text.split('\n').flatMap((paragraph) => {
    // A paragraph's indentation is kept on each of its lines (when it leaves room for text).
    const indent = /^ */.exec(paragraph)?.[0] ?? '';
    const lead = indent.length < width / 2 ? indent : '';
    return wrapAnsi(paragraph.slice(indent.length), width - lead.length, { hard: true, trim: true })
      .split('\n')
      .map((line) => lead + line);
  });
}
