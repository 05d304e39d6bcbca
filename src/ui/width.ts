// Display width of terminal text (wide glyphs count two columns, escape sequences none) and
// shortening to a width, so that no line claude-recover prints wraps.
import cliTruncate from 'cli-truncate';
import stringWidth from 'string-width';

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
 * `text` broken into lines of at most `columns` display columns, at spaces where it can be
 * (a word longer than a line is cut); existing line breaks are kept. For plain text (no
 * escape sequences): colour is added after wrapping.
 */
export function wrapWidth(text: string, columns: number): string[] {
  const width = Math.max(1, columns);
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    // A paragraph's indentation is kept on each of its lines (when it leaves room for text).
    const indent = /^ */.exec(paragraph)?.[0] ?? '';
    const lead = indent.length < width / 2 ? indent : '';
    let line = lead;
    for (const word of paragraph.slice(indent.length).split(' ')) {
      const candidate = line === lead ? `${lead}${word}` : `${line} ${word}`;
      if (stringWidth(candidate) <= width) {
        line = candidate;
        continue;
      }
      if (line !== lead) lines.push(line);
      line = `${lead}${word}`;
      // A word wider than the line: cut it, a display column at a time.
      while (stringWidth(line) > width) {
        let head = '';
        for (const char of line) {
          if (stringWidth(head + char) > width) break;
          head += char;
        }
        if (head === '') head = Array.from(line)[0] ?? '';
        lines.push(head);
        line = `${lead}${line.slice(head.length)}`;
      }
    }
    lines.push(line);
  }
  return lines;
}
