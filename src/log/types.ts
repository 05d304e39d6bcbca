// The entries of the occurrence log (events.jsonl): one JSON object a line. Never the
// text of a prompt or a response.

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

/** The gate was seen. `occurrence` ties the later entries to this one. */
export interface DetectedEntry extends Base {
  type: 'detected';
  occurrence: string;
  variant: string;
  channel: DetectionChannel;
  /** Absent in entries written before headless modes existed: those ran in a terminal. */
  mode?: RunMode;
  case: GateCase;
  /** input + cache read + cache creation tokens of the last real assistant reply; null if unknown. */
  contextTokens: number | null;
  /** The thresholds the case was decided with. */
  thresholds: { standardWindow: number; caseAMinTokens: number };
  /** Why this case (one short line, no conversation text). */
  reason: string;
  claudeVersion: string | null;
  sessionId: string | null;
  cwd: string;
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
  | NearMissEntry
  | AutoCompactEntry
  | WarningEntry;

/** Where entries go; the file sink in ./sink.ts, an array in tests. */
export interface LogSink {
  write(entry: LogEntry): void;
}
