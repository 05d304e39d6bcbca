// What a person sees: a headless xterm.js fed the exact bytes a program wrote, read back as
// screen rows (the viewport) and as the whole buffer (scrollback included).
import xterm from '@xterm/headless';

const { Terminal } = xterm;

/** A spinner frame at the start of a row: claude-recover's status row. */
export const STATUS_ROW = /^[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] claude-recover/;

export class Screen {
  readonly term: InstanceType<typeof Terminal>;

  /** Every title set (OSC 0/2), in order. */
  readonly titles: string[] = [];

  constructor(cols: number, rows: number, scrollback = 5_000) {
    this.term = new Terminal({ cols, rows, scrollback, allowProposedApi: true });
    this.term.onTitleChange((title) => this.titles.push(title));
  }

  /** Feeds bytes; resolves once the terminal has parsed them. */
  write(data: string | Uint8Array): Promise<void> {
    return new Promise((resolve) => this.term.write(data, resolve));
  }

  resize(cols: number, rows: number): void {
    this.term.resize(cols, rows);
  }

  /** The rows on screen now, trailing spaces trimmed. */
  rows(): string[] {
    const buffer = this.term.buffer.active;
    const rows: string[] = [];
    for (let i = 0; i < this.term.rows; i++) rows.push(buffer.getLine(buffer.viewportY + i)?.translateToString(true) ?? '');
    return rows;
  }

  /** Every row of the buffer, scrollback first. */
  allRows(): string[] {
    const buffer = this.term.buffer.active;
    const rows: string[] = [];
    for (let i = 0; i < buffer.length; i++) rows.push(buffer.getLine(i)?.translateToString(true) ?? '');
    return rows;
  }

  /** Rows of the buffer that continue the row above (a line the terminal wrapped). */
  wrappedRows(): number {
    const buffer = this.term.buffer.active;
    let wrapped = 0;
    for (let i = 0; i < buffer.length; i++) if (buffer.getLine(i)?.isWrapped) wrapped++;
    return wrapped;
  }

  /** The screen as one string, rows joined by newlines; with `joinWrapped`, wrapped rows are joined to the row above. */
  text(joinWrapped = false): string {
    if (!joinWrapped) return this.rows().join('\n');
    const buffer = this.term.buffer.active;
    let out = '';
    for (let i = 0; i < this.term.rows; i++) {
      const line = buffer.getLine(buffer.viewportY + i);
      if (!line) continue;
      out += (i > 0 && !line.isWrapped ? '\n' : '') + line.translateToString(!this.nextIsWrapped(buffer.viewportY + i));
    }
    return out;
  }

  private nextIsWrapped(index: number): boolean {
    return this.term.buffer.active.getLine(index + 1)?.isWrapped ?? false;
  }

  /** Which buffer is shown: the normal screen or the alternate one. */
  get buffer(): 'normal' | 'alternate' {
    return this.term.buffer.active.type;
  }

  get cursor(): { x: number; y: number } {
    const buffer = this.term.buffer.active;
    return { x: buffer.cursorX, y: buffer.cursorY };
  }

  dispose(): void {
    this.term.dispose();
  }
}
