// The caller's stdin for a `-p` run: recorded as it is passed to claude, so a re-run after a
// recovery reads exactly the same input (`cat notes.md | claude -p --resume <id> "summarize"`).
import type { Readable, Writable } from 'node:stream';

export class InputRecorder {
  private readonly chunks: Buffer[] = [];
  private ended = false;
  private sink: Writable | null = null;

  constructor(private readonly source: Readable) {
    source.on('data', (chunk: Buffer) => {
      this.chunks.push(chunk);
      this.sink?.write(chunk);
    });
    source.on('end', () => {
      this.ended = true;
      this.sink?.end();
    });
    // An unreadable stdin ends the input, as it would for claude.
    source.on('error', () => {
      this.ended = true;
      this.sink?.end();
    });
  }

  /** Feeds a new claude: everything recorded so far, then what still comes. */
  attach(sink: Writable | null): void {
    this.sink = sink;
    if (sink === null) return;
    for (const chunk of this.chunks) sink.write(chunk);
    if (this.ended) sink.end();
  }

  /** Stops reading (an input that never ends must not keep the wrapper alive). */
  close(): void {
    this.sink = null;
    this.source.destroy();
  }
}
