// Case A / B / C of the 1M gate from the transcript (which records carry it is the gate's
// entry in src/blocks/): the figures behind the decision come back with it, for the log.
import { CREDITS_1M } from '../blocks/credits-1m.js';
import type { RecordKind, RecordMention } from '../blocks/types.js';
import type { Config } from '../config/types.js';
import type { GateCase } from '../log/types.js';
import {
  countImages,
  isCompactBoundary,
  isMainAssistantReply,
  parseRecord,
  recordTexts,
  replyContextTokens,
  replyModel,
  type TranscriptRecord,
} from '../transcript/records.js';
import { scanBackward } from '../transcript/tail.js';
import type { CompiledPattern } from './patterns.js';

/**
 * Where the gate's words were found in a record:
 * - `main-error`: the CLI's own error record of the main session (the block itself);
 * - `sidechain-error`: the same error, but of a subagent;
 * - `tool-result`, `user-text`, `assistant-text`, `other`: the words as conversation content.
 */
export type GateRecordKind = RecordKind;

/** Cheap test on a raw transcript line: may it mention the gate? */
export function lineMayMentionGate(line: string, patterns: readonly CompiledPattern[]): boolean {
  return CREDITS_1M.lineMayCarry(line, patterns);
}

/** How a record carries the gate, with the variant of the wording when it is an error record; null when it does not. */
export function gateMention(record: TranscriptRecord, patterns: readonly CompiledPattern[]): RecordMention | null {
  return CREDITS_1M.mention(record, patterns);
}

/** What the transcript says about the context at the time of the gate. */
export interface ContextFigures {
  /** input + cache read + cache creation of the last main reply, or the post-compaction size; null if none was found. */
  contextTokens: number | null;
  /** Rough tokens of what the main session added after that reply (prompts, tool results, images). */
  pendingTokens: number;
  /** `requestedModel` (or `message.model`) of the last main reply; may carry `[1m]`. */
  requestedModel: string | null;
  /** How the context figure was found. */
  source: 'reply' | 'compact-boundary' | 'none' | 'scan-limit';
  /**
   * Whether the newest main-thread request after that reply carried the 1M-context beta, from
   * its `api-request` line (2.1.33x writes one per request); null when there is none (2.1.200).
   */
  requestCarried1M: boolean | null;
}

/** Tokens counted for one image block (the API bills images by size, about this much for a screenshot). */
const IMAGE_TOKENS = 1600;

/**
 * Reads the transcript backwards from its end to the last main reply: its usage, its model,
 * and an estimate of what was added since (the refused request is that reply's context plus
 * these). A `compact_boundary` newer than the reply replaces the reply's figure by the
 * boundary's `postTokens`. Gate and other error records are skipped. Reads at most
 * `limitBytes` back (synchronously: it runs once per occurrence, while the session is blocked).
 */
export function contextBeforeGate(file: string, limitBytes = 64 * 1024 * 1024): ContextFigures {
  let pendingChars = 0;
  let images = 0;
  let figures: ContextFigures | null = null;
  /** The model of the newest main-thread `api-request` line (2.1.330 writes one per request), `[1m]` when it carried the 1M beta. */
  let requestModel: string | null = null;
  let requestCarried1M: boolean | null = null;
  let reachedStart = true;
  let readBytes = 0;
  scanBackward(
    file,
    (line) => {
      readBytes += line.bytes + 1;
      if (line.text === null) {
        // An oversize line is a huge tool result or image: count it, bytes as characters.
        pendingChars += line.bytes;
        return false;
      }
      const record = parseRecord(line.text);
      if (!record) return false;
      const replyTokens = replyContextTokens(record);
      if (replyTokens !== null) {
        figures = { contextTokens: replyTokens, pendingTokens: 0, requestedModel: replyModel(record), source: 'reply', requestCarried1M: null };
        return true;
      }
      if (isCompactBoundary(record) && typeof record.compactMetadata?.postTokens === 'number') {
        figures = { contextTokens: record.compactMetadata.postTokens, pendingTokens: 0, requestedModel: null, source: 'compact-boundary', requestCarried1M: null };
        return true;
      }
      if (record.type === 'user' && record.isSidechain !== true) {
        for (const text of recordTexts(record)) pendingChars += text.length;
        images += countImages(record);
      }
      if (record.type === 'api-request' && requestModel === null) {
        requestModel = apiRequestModel(record);
        if (requestModel !== null) requestCarried1M = requestModel.endsWith('[1m]');
      }
      return false;
    },
    { limitBytes },
  );
  if (figures === null && readBytes >= limitBytes) reachedStart = false;
  const pendingTokens = Math.ceil(pendingChars / 4) + images * IMAGE_TOKENS;
  const found = figures as ContextFigures | null;
  if (found === null) return { contextTokens: null, pendingTokens, requestedModel: requestModel, source: reachedStart ? 'none' : 'scan-limit', requestCarried1M };
  if (found.source === 'compact-boundary') {
    // Keep the model of the reply before the boundary for the log: one more bounded look.
    return { ...found, pendingTokens, requestedModel: requestModel ?? lastRequestedModel(file, limitBytes), requestCarried1M };
  }
  return { ...found, pendingTokens, requestedModel: found.requestedModel ?? requestModel, requestCarried1M };
}

/** `params.model` of a main-thread `api-request` line, with `[1m]` when its betas carry the 1M context beta; null otherwise. */
function apiRequestModel(record: TranscriptRecord): string | null {
  if (record.querySource !== undefined && record.querySource !== 'repl_main_thread') return null;
  const params = record.params;
  if (params === null || typeof params !== 'object') return null;
  const { model, betas } = params as { model?: unknown; betas?: unknown };
  if (typeof model !== 'string') return null;
  const oneM = Array.isArray(betas) && betas.some((beta) => typeof beta === 'string' && beta.startsWith('context-1m'));
  return oneM && !model.endsWith('[1m]') ? `${model}[1m]` : model;
}

/** The requestedModel of the newest main reply, or null. */
export function lastRequestedModel(file: string, limitBytes = 64 * 1024 * 1024): string | null {
  let model: string | null = null;
  scanBackward(
    file,
    (line) => {
      if (line.text === null) return false;
      const record = parseRecord(line.text);
      if (record && isMainAssistantReply(record)) {
        model = replyModel(record);
        return model !== null;
      }
      return false;
    },
    { limitBytes },
  );
  return model;
}

/** The case and why, with the figures behind it. */
export interface Classification extends ContextFigures {
  case: GateCase;
  /** One short line for the log: the rule that decided and its figures, never conversation text. */
  reason: string;
}

/**
 * The decision:
 * - C when the gate's words were not the main session's own error record (a subagent's
 *   error, a tool result, a prompt, the model's text): nothing of the main session is blocked.
 * - A when the context of the refused request, estimated as the last reply's context plus
 *   what was added since, reaches `caseAMinTokens`: the conversation itself is too big for
 *   the standard window and compaction brings it back.
 * - B otherwise: the first request of a session (no earlier reply) or a small context, i.e.
 *   the refusal comes from the account or model setting, and compaction would not help.
 * - Unknown context (no reply within the scan limit of a huge file): A, because a
 *   transcript that big is large, and compacting a small one fails harmlessly.
 * A `[1m]` requested model is reported, not used as a rule: the gate itself says the
 * request carried the 1M beta, so the figure is what tells A from B.
 */
export function decideCase(kind: GateRecordKind, figures: ContextFigures, thresholds: Config['cases']): Classification {
  const { contextTokens: context, pendingTokens } = figures;
  if (kind !== 'main-error') return { ...figures, case: 'C', reason: `gate text in a ${kind} record, not the main session's error` };
  if (figures.source === 'scan-limit') return { ...figures, case: 'A', reason: 'no main reply within the scanned tail of a large transcript; assumed large' };
  if (context === null) {
    const beta = figures.requestCarried1M === true ? ', 1M beta' : figures.requestCarried1M === false ? ', no 1M beta' : '';
    return { ...figures, case: 'B', reason: `first request of the session (no earlier reply; ~${pendingTokens} tokens pending${beta})` };
  }
  const estimate = context + pendingTokens;
  const oneM =
    figures.requestCarried1M === true ? ', 1M beta' : figures.requestCarried1M === false ? ', no 1M beta' : figures.requestedModel?.toLowerCase().endsWith('[1m]') === true ? ', [1m] model' : '';
  if (estimate >= thresholds.caseAMinTokens) {
    return { ...figures, case: 'A', reason: `context ${context} + ~${pendingTokens} pending >= ${thresholds.caseAMinTokens}${oneM}` };
  }
  return { ...figures, case: 'B', reason: `context ${context} + ~${pendingTokens} pending < ${thresholds.caseAMinTokens}${oneM}` };
}

/** Reads the figures from the transcript (for C too: the log keeps them) and decides. */
export function classifyOccurrence(file: string, kind: GateRecordKind, thresholds: Config['cases']): Classification {
  return decideCase(kind, contextBeforeGate(file), thresholds);
}
