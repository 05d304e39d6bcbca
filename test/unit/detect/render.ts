// Renders a message the way the CLI draws it, at a given width, for the detector tests:
// the 2.1.330 alternate-screen renderer (wrapped lines joined by `\r ESC[2C ESC[1B`) and the
// classic renderer (each word placed with `ESC[<col>G`, rows by newline), with the
// lead-in glyph the version draws (`●`, or `⎿` for older versions).

export type Rendering = 'alt-screen' | 'classic';

const SGR_ERROR = '\u001b[38;5;220m';
const SGR_RESET = '\u001b[39m';

/** Word-wraps `text` to lines of at most `width` columns; a word longer than the width is cut. */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    let rest = word;
    while (rest.length > width) {
      if (line !== '') {
        lines.push(line);
        line = '';
      }
      lines.push(rest.slice(0, width));
      rest = rest.slice(width);
    }
    if (line === '') line = rest;
    else if (line.length + 1 + rest.length <= width) line += ` ${rest}`;
    else {
      lines.push(line);
      line = rest;
    }
  }
  if (line !== '') lines.push(line);
  return lines;
}

/** The bytes (as decoded text) of one message drawn at `columns` with a two-column gutter holding `glyph`. */
export function render(text: string, columns: number, rendering: Rendering, glyph = '●'): string {
  const lines = wrap(text, columns - 2);
  if (rendering === 'alt-screen') {
    return `${SGR_ERROR}${glyph}\u001b[3G${lines.join('\r\u001b[2C\u001b[1B')}${SGR_RESET}\r\n`;
  }
  let out = `\r\n${SGR_ERROR}${glyph}`;
  lines.forEach((line, row) => {
    if (row > 0) out += '\r\n';
    let col = 3;
    for (const word of line.split(' ')) {
      out += `\u001b[${col}G${word}`;
      col += word.length + 1;
    }
  });
  return `${out}${SGR_RESET}`;
}

/** A busy footer frame: what the screen shows while a request is in flight. */
export const BUSY = '\u001b[2K\u001b[1A\u001b[2K\r\u001b[38;5;174m✻\u001b[39m Thinking… \u001b[2m(esc to interrupt)\u001b[22m\r\n';

/** The idle input box drawn after a reply. */
export const PROMPT_BOX = '\u001b[2m────────────────────────────────────────\u001b[22m\r\n❯\u00a0\u001b[7m \u001b[27m\r\n\u001b[2m────────────────────────────────────────\u001b[22m\r\n  ? for shortcuts\r\n';
