// What recovery tells the person, built from what it did and what was logged: the success
// message, case B's two explanations (the refused request carried the 1M beta, or it did not),
// in one place so the wording and the facts stay together. Never a word of the conversation.
import type { Notice } from './types.js';

/** What the block is, as the person sees it named on the status row and in notices. */
export const GATE = '1M-context gate';

/** Where usage credits are turned on (the CLI's own hint names it too). */
export const USAGE_SETTINGS = 'https://claude.ai/settings/usage';

/**
 * The open Claude Code issue about the gate refusing standard-context requests (Sonnet 4.6
 * without `[1m]`), which the later reports were closed as duplicates of.
 */
export const UPSTREAM_ISSUE = 'https://github.com/anthropics/claude-code/issues/61692';

/** `3.2 s`, `45 s`, `2 min 5 s`. */
export function seconds(ms: number): string {
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)} s`;
  const total = Math.round(ms / 1000);
  return total < 60 ? `${total} s` : `${Math.floor(total / 60)} min ${total % 60} s`;
}

/** What the box holds for the person once claude is back. */
export interface Restored {
  /** How many prompts go back in the box: the blocked one and any queued behind it. */
  prompts: number;
  /** promptRestore: prefill (typed, not sent), submit (sent again), off. */
  mode: 'prefill' | 'submit' | 'off';
}

function restoredSentence(restored: Restored): string {
  if (restored.mode === 'off' || restored.prompts === 0) return 'Send your next message as usual.';
  const what = restored.prompts === 1 ? 'Your blocked prompt is' : `Your blocked prompt and the ${restored.prompts - 1 === 1 ? 'message' : `${restored.prompts - 1} messages`} you queued are`;
  if (restored.mode === 'submit') return `${what} sent again.`;
  return `${what} back in the input box, not sent: press Enter to send.`;
}

/** Case A: compacted (or pruned and compacted) and resumed. */
export function recoveredNotice(facts: {
  compactedWith: string;
  resumedWith: string;
  elapsedMs: number;
  prunedImages: number;
  restored: Restored;
}): Notice {
  const pruned = facts.prunedImages > 0 ? `removed ${facts.prunedImages} image${facts.prunedImages === 1 ? '' : 's'} from the transcript (a backup was kept), ` : '';
  return {
    tone: 'done',
    headline: `claude-recover: recovered from the ${GATE} in ${seconds(facts.elapsedMs)} (compacted with ${facts.compactedWith}, resumed with ${facts.resumedWith})`,
    text: [
      `claude-recover recovered this session from the ${GATE} in ${seconds(facts.elapsedMs)}: it ${pruned}compacted the conversation with ${facts.compactedWith} (the /compact in the history is claude-recover's) and resumed it with ${facts.resumedWith}, standard context. ${restoredSentence(facts.restored)}`,
    ],
  };
}

/** Case A, last resort (allowClear): a fresh session. */
export function freshSessionNotice(facts: { model: string; transcriptPath: string; elapsedMs: number; restored: Restored }): Notice {
  return {
    tone: 'done',
    headline: `claude-recover: started a fresh session with ${facts.model} after the ${GATE}`,
    text: [
      `claude-recover could not compact the blocked session, so it started a fresh one with ${facts.model} (allowClear is on) after ${seconds(facts.elapsedMs)}. The old conversation stays in ${facts.transcriptPath}. ${restoredSentence(facts.restored)}`,
    ],
  };
}

function tokensPhrase(contextTokens: number | null | undefined): string {
  return typeof contextTokens === 'number' ? ` (${Math.round(contextTokens / 1000)}K tokens of context)` : '';
}

/**
 * Case B, the refused request carried the 1M beta: a standard-context model needs no usage
 * credits, so claude-recover restarts the session once with one.
 */
export function oneMillionRefusedNotice(facts: { model: string; contextTokens?: number | null; restored: Restored }): Notice {
  return {
    tone: 'info',
    headline: `claude-recover: this account was refused 1M context; restarted this session with ${facts.model}`,
    text: [
      `claude-recover: this account was refused 1M context on a small session${tokensPhrase(facts.contextTokens)}. That is the account, not the conversation: compacting would not help. It restarted this session once with ${facts.model}, standard context, which needs no usage credits. ${restoredSentence(facts.restored)} To start that way: claude --model ${facts.model}. For 1M context, turn on usage credits at ${USAGE_SETTINGS}.`,
    ],
  };
}

/**
 * Case B, the refused request was standard context already: the account is refused whatever
 * the model, so nothing is restarted (a restart cannot change it).
 */
export function accountRefusedNotice(facts: { contextTokens?: number | null; model?: string | null; promptInBox: boolean }): Notice {
  const what = [facts.model, typeof facts.contextTokens === 'number' ? `${Math.round(facts.contextTokens / 1000)}K tokens` : null].filter(Boolean).join(', ');
  return {
    tone: 'warning',
    headline: 'claude-recover: the account was refused a standard-context request; nothing restarted',
    text: [
      `claude-recover: the account was refused a standard-context request (no 1M beta${what ? `; ${what}` : ''}). It is the account, not this session: compacting or a restart cannot help, so nothing was restarted${facts.promptInBox ? '; your prompt is in the box' : ''}.`,
      `Check: usage credits (${USAGE_SETTINGS}), your plan, /login to refresh the login. Known issue: ${UPSTREAM_ISSUE}`,
    ],
  };
}

/** A notice from plain text (gave-up explanations): first line is the headline. */
export function textNotice(text: string, tone: Notice['tone'] = 'warning'): Notice {
  const lines = text.split('\n');
  return { tone, headline: lines[0] ?? text, text: lines };
}

/** What the status row and notices call a refused image. */
export const REFUSED_IMAGE = 'refused image';

/** A refused image the CLI did not heal: removed from the transcript (after a backup) and resumed. */
export function imagePrunedNotice(facts: { images: number; described: string; backupPath: string | null; elapsedMs: number; restored: Restored }): Notice {
  const what = facts.images === 1 ? `the image the API kept refusing (${facts.described})` : `the ${facts.images} images the API kept refusing (${facts.described})`;
  return {
    tone: 'done',
    headline: `claude-recover: removed ${facts.images === 1 ? 'the refused image' : `${facts.images} refused images`} from this session and resumed it in ${seconds(facts.elapsedMs)}`,
    text: [
      `claude-recover removed ${what} from this session's transcript${facts.backupPath ? ` (the transcript as it was: ${facts.backupPath})` : ''} and resumed it in ${seconds(facts.elapsedMs)}; every other image stays. ${restoredSentence(facts.restored)}`,
    ],
  };
}
