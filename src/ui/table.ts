// Tables that fit the terminal. Columns are data (header, cell, how important, how a cell
// may be shortened), padded by display width. A table too wide for the terminal first has
// its shortenable cells cut (paths and ids in the middle, prose at the end), and when that
// is not enough loses its least important columns, which the caller names under it.
//
// Hand-written on purpose: the table libraries (cli-table3, text-table, columnify) pad and
// draw, but none drops columns by importance or cuts a path in the middle, which is most of
// what this file does; the padding itself is string-width and cli-truncate via ./width.ts.
import { displayWidth, fitWidth, wrapText } from './width.js';

export interface Column<Row> {
  header: string;
  cell: (row: Row) => string;
  /** When the table is too wide, columns with the highest `drop` go first; 0 (the default) never goes. */
  drop?: number;
  align?: 'left' | 'right';
  /** Where a long cell loses characters: the middle for paths and ids, the end for prose; unset, never. */
  shorten?: 'middle' | 'end';
  /** The narrowest a shortened column gets (default: its header, at least 8 columns). */
  minWidth?: number;
  /** Colour for a cell's text, applied after it is fitted (padding stays outside the colour). */
  style?: (text: string, row: Row) => string;
}

export interface TableOptions {
  /** The terminal's columns (terminalColumns()). */
  width: number;
  /** Every column at full width, nothing cut (--wide). */
  wide?: boolean;
}

export interface Table {
  text: string;
  /** Headers of the columns left out to fit the width, in table order. */
  dropped: string[];
}

const GAP = 2;

/** The rows under a header line, columns two spaces apart, no trailing spaces, no line past `width` unless `wide`. */
export function renderTable<Row>(columns: readonly Column<Row>[], rows: readonly Row[], options: TableOptions): Table {
  const cells = rows.map((row) => columns.map((column) => column.cell(row)));
  const natural = columns.map((column, i) => Math.max(displayWidth(column.header), ...cells.map((r) => displayWidth(r[i] ?? ''))));
  const minimum = columns.map((column, i) =>
    column.shorten ? Math.min(natural[i] ?? 0, Math.max(displayWidth(column.header), column.minWidth ?? 8)) : (natural[i] ?? 0),
  );
  const widths = [...natural];
  let shown = columns.map((_, i) => i);
  if (!options.wide) {
    const total = (indexes: number[], w: number[]): number => indexes.reduce((sum, i) => sum + (w[i] ?? 0), 0) + GAP * Math.max(0, indexes.length - 1);
    // Least important first; of equals, the rightmost.
    const droppable = shown.filter((i) => (columns[i]?.drop ?? 0) > 0).sort((a, b) => (columns[b]?.drop ?? 0) - (columns[a]?.drop ?? 0) || b - a);
    while (total(shown, minimum) > options.width && droppable.length > 0) {
      const gone = droppable.shift();
      shown = shown.filter((i) => i !== gone);
    }
    for (let excess = total(shown, widths) - options.width; excess > 0; excess--) {
      // Take a column from the cell with the most to spare above its minimum.
      let widest = -1;
      for (const i of shown) if ((widths[i] ?? 0) > (minimum[i] ?? 0) && (widest === -1 || (widths[i] ?? 0) - (minimum[i] ?? 0) > (widths[widest] ?? 0) - (minimum[widest] ?? 0))) widest = i;
      if (widest === -1) break;
      widths[widest] = (widths[widest] ?? 0) - 1;
    }
  }
  const line = (texts: string[], row: Row | null): string =>
    shown
      .map((i, n) => {
        const column = columns[i] as Column<Row>;
        const width = widths[i] ?? 0;
        const fitted = fitWidth(texts[i] ?? '', width, column.shorten === 'middle' ? 'middle' : 'end');
        const room = ' '.repeat(Math.max(0, width - displayWidth(fitted)));
        const styled = row !== null && column.style ? column.style(fitted, row) : fitted;
        if (column.align === 'right') return room + styled;
        return n === shown.length - 1 ? styled : styled + room;
      })
      .join(' '.repeat(GAP))
      .trimEnd();
  const text = [line(columns.map((c) => c.header), null), ...rows.map((row, r) => line(cells[r] ?? [], row))].join('\n');
  return { text, dropped: columns.filter((_, i) => !shown.includes(i)).map((c) => c.header) };
}

/** The note under a table that names the columns left out (wrapped to the width), or null when none were. */
export function droppedNote(dropped: readonly string[], width: number): string | null {
  if (dropped.length === 0) return null;
  return wrapText(`(${dropped.join(', ')} left out to fit ${width} columns; --wide shows ${dropped.length === 1 ? 'it' : 'them'})`, width);
}
