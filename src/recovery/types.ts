// The contract between whatever runs the child (the terminal session in src/terminal, a
// headless mode) and the recovery sequence (src/recovery): what recovery may ask of it. It
// names no terminal: each mode decides how progress and notices reach the person.

export interface StopResult {
  exitCode: number | null;
  signal: number | null;
  /** How the child was stopped. */
  how: 'ctrl-c' | 'exit-command' | 'signal' | 'already-exited';
  /** True when it had to be killed (SIGKILL) after not exiting in time. */
  timedOut: boolean;
}

/** What recovery is doing now, for the mode to show (a terminal animates it; elapsed time from `since`). */
export interface Progress {
  /** The step, as a verb phrase: `compacting`, `backing up the transcript`. */
  step: string;
  /** The model the step runs with, if any (`compacting with <model>`). */
  model?: string;
  /** What is being recovered from: `1M-context gate`. */
  about: string;
  /** When this recovery started (epoch ms). */
  since: number;
  /** True while the person can cancel (Ctrl-C in a terminal). */
  cancellable: boolean;
}

/** A message for the person. */
export interface Notice {
  /** done: recovered; info: what happened and what to do; warning: could not recover. */
  tone: 'done' | 'info' | 'warning';
  /** One short line, for a terminal title or a narrow place. */
  headline: string;
  /** The whole message as paragraphs (the mode wraps them); the first starts with `claude-recover:`. */
  text: string[];
}

/** A wait the session is in: a usage limit until its reset. */
export interface Wait {
  /** What is waited for, as the CLI named it: `5-hour limit`, `weekly limit`. */
  about: string;
  /** When it resets (epoch ms), null when nothing said. */
  until: number | null;
  /** The CLI said it goes on by itself after the reset; otherwise the person sends again. */
  continuesByItself: boolean;
}

export interface RespawnOptions {
  /** Shown inside the new child once it is ready (a terminal: above its input box). */
  notice?: Notice;
}

export interface ChildControl {
  /**
   * Stops the blocked child and resolves once it has exited. From the call on, its output is
   * no longer shown (its exit hints would mislead) and input is held for the next child.
   */
  stop(): Promise<StopResult>;
  /** Starts claude with these arguments in the same place; held input goes to it once recovery ends. */
  respawn(args: string[], options?: RespawnOptions): Promise<void>;
  /** Resolves when the child's input box is ready (or after timeoutMs; false then). */
  waitForPrompt(timeoutMs: number): Promise<boolean>;
  /**
   * Types into the child's input box (one bracketed paste when the child enabled it); with
   * submit, then presses Enter separately. Into an input box that holds text of the person's,
   * nothing is typed.
   */
  typeInput(text: string, submit: boolean): Promise<void>;
  /** Shows what recovery does now (null: done). Called only while no child runs. */
  progress(update: Progress | null): void;
  /**
   * Shows a notice: with a child running, inside its session until the person acts; with none,
   * where the mode prints (it stays after the session ends).
   */
  notify(notice: Notice): void;
  /**
   * Shows that the running child waits (a terminal: a countdown in its title, nothing on the
   * screen), or (null) that the wait is over. Optional: a mode with nobody to show it to leaves it out.
   */
  waiting?(wait: Wait | null): void;
}
