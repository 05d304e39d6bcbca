// The entries of the occurrence log (events.jsonl): one JSON object a line. Never the
// text of a prompt or a response.
import type { RefusedImage } from '../blocks/image-refused.js';
import type { BlockKind } from '../blocks/types.js';

export type GateCase = 'A' | 'B' | 'C';
/**
 * What showed the gate: the terminal's screen, or a headless run's output (a `-p` result,
 * a stream-json event), each confirmed by the transcript where it can be read.
 */
export type DetectionChannel = 'screen+transcript' | 'screen' | 'output+transcript' | 'output' | 'transcript';
/** How claude ran: in a terminal, as `claude -p`, or as a stream-json session (Agent SDK apps, IDEs). */
export type RunMode = 'terminal' | 'print' | 'stream-json';

interface Base {
  /** ISO timestamp. */
  ts: string;
}

/** A block was seen. `occurrence` ties the later entries to this one. */
export interface DetectedEntry extends Base {
  type: 'detected';
  occurrence: string;
  /** Which kind of block; absent in entries written before issue 17: those were all `credits-1m`. */
  kind?: BlockKind;
  variant: string;
  channel: DetectionChannel;
  /** Absent in entries written before headless modes existed: those ran in a terminal. */
  mode?: RunMode;
  /** The 1M gate's case; absent for the other kinds. */
  case?: GateCase;
  /** The 1M gate: input + cache read + cache creation tokens of the last real assistant reply; null if unknown. */
  contextTokens?: number | null;
  /** The 1M gate: the thresholds the case was decided with. */
  thresholds?: { standardWindow: number; caseAMinTokens: number };
  /** Why this classification (one short line, no conversation text). */
  reason: string;
  claudeVersion: string | null;
  sessionId: string | null;
  cwd: string;
  /** A usage limit: when it resets (ISO), or null when nothing said; `resetSource` says how it was known. */
  resetsAt?: string | null;
  resetSource?: 'record' | 'text' | 'none';
  /** A usage limit: what the CLI called it (`5-hour limit`, `weekly limit`). */
  limit?: string;
  /** A refused image: healed by the CLI, the same refusal again, and the images it can mean. */
  image?: { healed: boolean; again: boolean; refusal: string; images: RefusedImage[] };
}

/** One recovery step's result. */
export interface StepEntry extends Base {
  type: 'step';
  occurrence: string;
  name: string;
  model?: string;
  exitCode?: number | null;
  timedOut: boolean;
  durationMs: number;
  ok: boolean;
  /** Short machine-ish detail: `compact_result=failed`, `pruned 3 images`, an error message. */
  detail?: string;
}

export interface RecoveredEntry extends Base {
  type: 'recovered';
  occurrence: string;
  sessionId: string | null;
  totalMs: number;
  /** The step that made it work, e.g. `compact:claude-haiku-4-5-20251001`. */
  worked: string;
}

export interface GaveUpEntry extends Base {
  type: 'gave-up';
  occurrence: string;
  sessionId: string | null;
  totalMs: number;
  reason: string;
  tried: string[];
}

/**
 * A usage limit's wait ended: the session went on (`continued`: a request after the limit was
 * answered), claude ended (`ended`), the limit came back (`refused-again`: a new occurrence
 * follows), or a headless run passed the failure through (`passed`, `over-max`).
 */
export interface WaitedEntry extends Base {
  type: 'waited';
  occurrence: string;
  sessionId: string | null;
  /** From the refusal to how it ended. */
  waitedMs: number;
  until: 'continued' | 'ended' | 'refused-again' | 'passed' | 'over-max' | 'canceled';
  /** Who made the session go on: the CLI by itself, the person, or claude-recover's headless re-run. */
  by?: 'claude' | 'person' | 'claude-recover';
  /** Short, never conversation text. */
  detail?: string;
}

/** claude-recover let a block be: the CLI healed it (or may yet), or the words were not the block. */
export interface StoodAsideEntry extends Base {
  type: 'stood-aside';
  occurrence: string;
  sessionId: string | null;
  reason: string;
}

/** The context guard saw the session near the standard window. */
export interface NearMissEntry extends Base {
  type: 'near-miss';
  sessionId: string | null;
  contextTokens: number;
  window: number;
}

/** The guard typed /compact for the user. */
export interface AutoCompactEntry extends Base {
  type: 'auto-compact';
  sessionId: string | null;
  contextTokens: number;
}

/** Something inside claude-recover went wrong or fell back (e.g. screen-only detection). */
export interface WarningEntry extends Base {
  type: 'warning';
  message: string;
  sessionId?: string | null;
}

export type LogEntry =
  | DetectedEntry
  | StepEntry
  | RecoveredEntry
  | GaveUpEntry
  | WaitedEntry
  | StoodAsideEntry
  | NearMissEntry
  | AutoCompactEntry
  | WarningEntry;

/** Where entries go; the file sink in ./sink.ts, an array in tests. */
export interface LogSink {
  write(entry: LogEntry): void;
}
