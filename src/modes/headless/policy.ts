// The one place where a headless mode decides what to do with a confirmed block: a table of
// rules, first match wins. A new kind of block (a usage limit to wait out, say) is a new
// `BlockKind` and its rules here, plus the action's handler in the modes.
import type { GateCase } from '../../log/types.js';

/** The kinds of block a headless mode knows. */
export type BlockKind = 'credits-1m';

/** What is known about one confirmed block when the mode decides. */
export interface BlockFacts {
  kind: BlockKind;
  case: GateCase;
  /** config detectOnly: log, never act. */
  detectOnly: boolean;
  /** The blocked run is itself the re-run of an earlier recovery in this invocation (print mode re-runs once). */
  isRerun: boolean;
}

/**
 * - `recover`: compact the session and run the blocked request again (print: the same
 *   command once more; stream-json: a restarted claude, the blocked message sent again).
 * - `pass`: claude's own output goes through unchanged; `reason`, when not null, is logged
 *   as the occurrence's `gave-up` entry.
 */
export type HeadlessAction = { action: 'recover' } | { action: 'pass'; reason: string | null };

interface Rule {
  kind: BlockKind;
  when: (facts: BlockFacts) => boolean;
  then: HeadlessAction;
}

const RULES: readonly Rule[] = [
  // The words inside the conversation: the watcher logged them, nothing more.
  { kind: 'credits-1m', when: (f) => f.case === 'C', then: { action: 'pass', reason: null } },
  { kind: 'credits-1m', when: (f) => f.detectOnly, then: { action: 'pass', reason: null } },
  {
    kind: 'credits-1m',
    when: (f) => f.isRerun,
    then: { action: 'pass', reason: 'the re-run after a recovery hit the gate again; its output passed through' },
  },
  {
    kind: 'credits-1m',
    when: (f) => f.case === 'B',
    then: { action: 'pass', reason: "case B: refused on a small session, compaction cannot help; claude's own output passed through" },
  },
  { kind: 'credits-1m', when: (f) => f.case === 'A', then: { action: 'recover' } },
];

/** The action for a confirmed block; a block no rule covers passes through with a logged reason. */
export function decide(facts: BlockFacts): HeadlessAction {
  const rule = RULES.find((each) => each.kind === facts.kind && each.when(facts));
  return rule?.then ?? { action: 'pass', reason: `no rule for a ${facts.kind} block, case ${facts.case}` };
}
