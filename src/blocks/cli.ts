// What the CLI's renderings of every kind of block share: the lead-ins it draws before an
// `API Error:` message, its response gutter, the markers of a request on screen, and how it
// marks its own error records in the transcript.
import { recordTexts, type TranscriptRecord } from '../transcript/records.js';
import type { RecordMention } from './types.js';

/**
 * What the CLI draws right before `API Error:` (the `API` word itself is checked
 * separately): the 2.1.330 bullet `●`, the older `⏺`, the `⎿` response gutter of older
 * versions and of tool/command output, and the compaction forms `Error during compaction:
 * API Error: …` / `Could not compact · API Error: …`. A prompt echo (`❯ API Error: …`), a
 * wrapped line of prose or code never has one of these right before `API`.
 */
export const API_ERROR_LEAD_INS: readonly string[] = ['●', '⏺', '⎿', 'Error during compaction:', 'Could not compact'];

/** Lead-ins that make the occurrence a compaction failure (variant prefixed `compaction:`). */
export const COMPACTION_LEAD_INS: readonly string[] = ['Error during compaction:', 'Could not compact'];

/** The anchor of every `API Error:` rendering, a word drawn unbroken (the byte-level prefilter). */
export const API_ERROR_ANCHOR = 'Error:';

/** The response gutter the CLI draws before a message that answers a prompt (`⎿  You've hit your …`). */
export const RESPONSE_GUTTER = '⎿';

/**
 * Screen text that shows a request in flight: the busy footer `esc to interrupt`, a
 * compaction running. A block needs a request, so a message drawn again without one of these
 * in between is a repaint of one already seen (a resize, a scroll, a `--resume` redraw).
 * Fragments, matched on the raw stream: the classic renderer puts cursor moves between the
 * words (`esc\e[1Cto\e[1Cinterrupt`) and 2.1.330 skips unchanged cells even inside a word
 * (`in\e[1Cerrupt`), so both halves of `interrupt` are markers.
 */
export const TURN_MARKERS: readonly string[] = ['interr', 'errupt', 'Compacting'];

/**
 * How an error record the CLI made up carries a kind, given what tells that kind's record:
 * the main session's (`main-error`) or a subagent's (`sidechain-error`); null for any other
 * record (the kind's words as conversation content are the caller's to judge).
 */
export function errorRecordMention(record: TranscriptRecord, variant: string | null): RecordMention | null {
  if (record.type !== 'assistant' || record.isApiErrorMessage !== true || variant === null) return null;
  return { kind: record.isSidechain === true ? 'sidechain-error' : 'main-error', variant };
}

/** The text of an error record's message (the CLI writes one text block). */
export function errorText(record: TranscriptRecord): string {
  return recordTexts(record)[0] ?? '';
}
