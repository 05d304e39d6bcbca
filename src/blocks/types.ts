// The shape of one kind of block: how the CLI shows it (screen, `-p` text, JSON events, the
// transcript record), whether the CLI heals it by itself, and what it asks of claude-recover.
// One file per kind under src/blocks/ fills it in; index.ts is the registry.
import type { TranscriptRecord } from '../transcript/records.js';
import type { CompiledWording } from './wordings.js';

/** The kinds of block claude-recover knows. Log entries written before issue 17 have no kind: they are `credits-1m`. */
export type BlockKind = 'credits-1m' | 'usage-limit' | 'image-refused';

/** One wording of a block's message, matched against normalized text (whitespace runs collapsed). */
export interface Wording {
  /** Short stable name for the log, e.g. `usage-credits-1m`, `five-hour`. */
  variant: string;
  /** Case-insensitive regular expression source, anchored at the start of the body. */
  source: string;
}

/**
 * How a kind is drawn on a live terminal: the word every rendering has unbroken (the anchor the
 * detector searches the raw output for), what the CLI draws right before the message (so that
 * the same words in a prompt, prose or code never match) and the wordings of the message.
 */
export interface ScreenWording {
  /**
   * `api-error`: an `API Error: …` message (● / ⏺ / ⎿ then `API`; the anchor is its `Error:`,
   * the wordings match what follows it). `response`: a message in the response gutter (`⎿`),
   * whose first word is the anchor; the wordings match from the anchor on.
   */
  rendering: 'api-error' | 'response';
  /** `response` only: an ASCII start every wording has, drawn unbroken (`You'`). */
  anchor?: string;
}

/** Where a transcript record carries a block's words; only `main-error` is the block itself. */
export type RecordKind = 'main-error' | 'sidechain-error' | 'tool-result' | 'user-text' | 'assistant-text' | 'other';

/** A record that carries a kind's words: how, and the wording's variant when it is an error record. */
export interface RecordMention {
  kind: RecordKind;
  variant: string;
}

/** What claude-recover does about a confirmed block (the launcher and the headless policy map it to a handler). */
export type Plan =
  /** Compact the session and resume it (the 1M gate, case A). */
  | 'recover'
  /** Explain, and restart once with a standard-context model where that helps (the 1M gate, case B). */
  | 'explain'
  /** The CLI waits for the limit itself (or offers its menu): show the wait, send nothing. */
  | 'wait'
  /** Remove what the API refused from the transcript (after a backup) and resume. */
  | 'prune'
  /** The CLI healed it, or may still: log it, do nothing else. */
  | 'stand-aside'
  /** Words inside the conversation: logged by detection, nothing more. */
  | 'ignore';

/** What every entry of the registry says about its kind. */
export interface BlockSpec {
  kind: BlockKind;
  /** How the person reads it named: `1M-context gate`, `usage limit`, `refused image`. */
  label: string;
  /** The short name in `log`'s KIND column. */
  short: string;
  screen: ScreenWording;
  /**
   * The wordings of the message, compiled, most specific first: what follows `API Error:`
   * (`api-error`) or the message itself (`response`), on screen, in `-p` output and in the
   * transcript alike. `extra` are the config's own (detection.extraPatterns: the 1M gate's),
   * tried first; `invalid` names those that are not regular expressions.
   */
  compile(extra: readonly string[]): { wordings: CompiledWording[]; invalid: string[] };
  /** Cheap test on a raw transcript line (no JSON parsed): may it carry this kind? */
  lineMayCarry(line: string, wordings: readonly CompiledWording[]): boolean;
  /** How a parsed record carries this kind, or null. */
  mention(record: TranscriptRecord, wordings: readonly CompiledWording[]): RecordMention | null;
  /**
   * Whether a mention that is only conversation content (a tool result, a prompt, the model's
   * text) is logged as an occurrence (the gate's case C); otherwise it is passed over.
   */
  logsContent: boolean;
}
