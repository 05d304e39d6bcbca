// The shape of claude-recover's configuration and its defaults. Loading, validation
// and env overrides live in ./load.ts; everything else only reads a Config.

export type PromptRestore = 'off' | 'prefill' | 'submit';

export interface Config {
  /** Path of the real claude; empty means discover it. */
  claudePath: string;
  compaction: {
    /** Tried in order; the first is the small model. */
    models: string[];
    /** Per compaction attempt. */
    timeoutMs: number;
  };
  resume: {
    /** Used when the user's own model is unknown or was a [1m] one that cannot be reduced. */
    model: string;
  };
  detection: {
    /** Extra regular expressions (source strings, case-insensitive) matched like the built-in cores. */
    extraPatterns: string[];
    /** How long to wait for the transcript to confirm a screen match. */
    confirmTimeoutMs: number;
  };
  cases: {
    /** The standard context window in tokens. */
    standardWindow: number;
    /** A context at or above this many tokens is case A (recoverable by compaction). */
    caseAMinTokens: number;
  };
  loopGuard: {
    maxRecoveries: number;
    windowMinutes: number;
  };
  promptRestore: PromptRestore;
  allowClear: boolean;
  /** Log every occurrence but never stop or restart claude (see what happens before trusting it). */
  detectOnly: boolean;
  log: {
    /** Rotate events.jsonl past this size. */
    maxBytes: number;
    /** How many rotated files to keep. */
    keep: number;
  };
  backups: {
    /** The transcript backups together stay under this size (oldest removed first; the newest is always kept). */
    maxBytes: number;
  };
  usageLimit: {
    /**
     * Headless runs (`-p`, stream-json): wait until the limit resets (plus the margin), sending
     * nothing, then run the same request again in the same session. Off: the failure passes
     * through as the CLI gives it.
     */
    wait: boolean;
    /** Added to the reset time before the request runs again. */
    marginSeconds: number;
    /** Never wait longer than this in all (a limit further away passes through at once). */
    maxWaitMinutes: number;
    /** In a terminal: the countdown to the reset in the title while the session waits. */
    title: boolean;
    /** In a terminal: a bell when the reset passes on a CLI that does not continue by itself (only if the terminal is not focused, or it is not known). */
    bell: boolean;
  };
  guard: {
    enabled: boolean;
    /** Show the context size in the terminal title past this fraction of the window. */
    titleRatio: number;
    /** Log a near-miss (and ring the bell) past this fraction. */
    nearMissRatio: number;
    title: boolean;
    bell: boolean;
    autoCompact: boolean;
    /** Idle time at an empty prompt before auto-compact may type. */
    idleMs: number;
  };
}

export const DEFAULT_CONFIG: Config = {
  claudePath: '',
  compaction: {
    models: ['claude-haiku-4-5-20251001', 'opus'],
    timeoutMs: 180_000,
  },
  resume: { model: 'claude-sonnet-4-6' },
  detection: { extraPatterns: [], confirmTimeoutMs: 4_000 },
  cases: { standardWindow: 200_000, caseAMinTokens: 150_000 },
  loopGuard: { maxRecoveries: 2, windowMinutes: 15 },
  promptRestore: 'prefill',
  allowClear: false,
  detectOnly: false,
  log: { maxBytes: 5 * 1024 * 1024, keep: 3 },
  backups: { maxBytes: 500 * 1024 * 1024 },
  usageLimit: { wait: false, marginSeconds: 30, maxWaitMinutes: 300, title: true, bell: true },
  guard: {
    enabled: true,
    titleRatio: 0.7,
    nearMissRatio: 0.9,
    title: true,
    bell: true,
    autoCompact: false,
    idleMs: 4_000,
  },
};
