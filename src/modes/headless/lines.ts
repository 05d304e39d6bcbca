// Splits a byte stream into lines without decoding it: each line is handed on as the bytes
// that came, newline included, as soon as its newline arrives.

const NEWLINE = 0x0a;

/** Calls `onLine` with every complete line (newline included); `end()` hands on the rest. */
export class LineSplitter {
  private rest: Buffer[] = [];

  constructor(private readonly onLine: (line: Buffer) => void) {}

  push(chunk: Buffer): void {
    let from = 0;
    for (let at = chunk.indexOf(NEWLINE); at !== -1; at = chunk.indexOf(NEWLINE, from)) {
      const piece = chunk.subarray(from, at + 1);
      if (this.rest.length > 0) {
        this.rest.push(piece);
        const line = Buffer.concat(this.rest);
        this.rest = [];
        this.onLine(line);
      } else {
        this.onLine(piece);
      }
      from = at + 1;
    }
    if (from < chunk.length) this.rest.push(chunk.subarray(from));
  }

  /** The stream ended: a last line without a newline is handed on as it is. */
  end(): void {
    if (this.rest.length === 0) return;
    const line = Buffer.concat(this.rest);
    this.rest = [];
    this.onLine(line);
  }
}

/** The text of a line without its line ending. */
export function lineText(line: Buffer): string {
  let end = line.length;
  if (end > 0 && line[end - 1] === NEWLINE) end--;
  if (end > 0 && line[end - 1] === 0x0d) end--;
  return line.toString('utf8', 0, end);
}
