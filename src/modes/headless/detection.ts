// Block detection for a headless run: the mode reports the CLI's rendering it saw in the
// output, the BlockWatcher confirms it with the transcript, classifies and logs it exactly
// as in the terminal, and the mode gets the occurrence (or null when nothing confirmed it).
import type { BlockLine } from '../print/output.js';
import { BlockWatcher, type BlockOccurrence, type BlockWatcherOptions } from '../../detect/watcher.js';
import { describeError } from '../../errors.js';

/** Past the watcher's own limits (confirmation plus its late look): nothing will come any more. */
const GIVE_UP_MS = 30_000;

export class HeadlessDetection {
  private waiters: Array<(occurrence: BlockOccurrence | null) => void> = [];

  private constructor(private readonly watcher: BlockWatcher) {
    watcher.on('occurrence', (occurrence) => this.settle(occurrence));
    watcher.on('dismissed', () => this.settle(null));
  }

  /** Null when the watcher cannot start (the run then goes through undetected; `warn` says why). */
  static create(options: BlockWatcherOptions, warn: (message: string) => void): HeadlessDetection | null {
    try {
      return new HeadlessDetection(new BlockWatcher(options));
    } catch (error) {
      warn(`block detection is off for this run (${describeError(error)}); claude runs as usual`);
      return null;
    }
  }

  /** The output showed a block: resolves with the confirmed occurrence, or null. */
  confirm(line: BlockLine): Promise<BlockOccurrence | null> {
    const settled = new Promise<BlockOccurrence | null>((resolve) => {
      // Not unref'd: the blocked claude may have exited already, and this wait keeps the wrapper alive.
      const timer = setTimeout(() => resolve(null), GIVE_UP_MS);
      this.waiters.push((occurrence) => {
        clearTimeout(timer);
        resolve(occurrence);
      });
    });
    this.watcher.onRendering(line.variant, line.block, line.text);
    return settled;
  }

  /** A new claude runs from now on (its own arguments): only what it writes counts. */
  rebase(args: readonly string[]): void {
    this.watcher.rebase(args);
  }

  dispose(): void {
    this.settle(null);
    this.watcher.dispose();
  }

  private settle(occurrence: BlockOccurrence | null): void {
    for (const waiter of this.waiters.splice(0)) waiter(occurrence);
  }
}
