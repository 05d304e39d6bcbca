// The contract between the terminal session that owns the child (src/terminal) and the
// recovery sequence (src/recovery): what recovery may ask of the live terminal.

export interface StopResult {
  exitCode: number | null;
  signal: number | null;
  /** How the child was stopped: keys first, a signal only after a timeout. */
  how: 'ctrl-c' | 'exit-command' | 'signal' | 'already-exited';
  timedOut: boolean;
}

export interface ChildControl {
  /** Stops the blocked child and resolves once it has exited; keystrokes are held from now on. */
  stop(): Promise<StopResult>;
  /** Starts claude with these arguments in the same terminal; held keystrokes go to it. */
  respawn(args: string[]): Promise<void>;
  /** Resolves when the child's input box is ready (or after timeoutMs; false then). */
  waitForPrompt(timeoutMs: number): Promise<boolean>;
  /** Types into the child as one bracketed paste; with submit, then presses Enter separately. */
  typeInput(text: string, submit: boolean): Promise<void>;
  /** A progress line on stderr; only called while no child owns the screen. */
  status(line: string): void;
}
