// The one place where a headless mode decides what to do with a confirmed block: a table of
// rules, first match wins. A new kind of block is its rules here, plus the action's handler in
// the modes.
import type { BlockKind } from '../../blocks/index.js';
import type { GateCase } from '../../log/types.js';

export type { BlockKind } from '../../blocks/index.js';

/** What is known about one confirmed block when the mode decides. */
export interface BlockFacts {
  kind: BlockKind;
  /** The 1M gate's case. */
  case?: GateCase;
  /** config detectOnly: log, never act. */
  detectOnly: boolean;
  /** The blocked run is itself a re-run of this invocation (after a recovery or a wait). */
  isRerun: boolean;
  /** A usage limit: the opt-in (usageLimit.wait), its margin and its maximum. */
  wait?: { enabled: boolean; marginMs: number; maxMs: number };
  /** A usage limit: when it resets (epoch ms), or null; how long this invocation has waited already; now. */
  resetsAt?: number | null;
  waitedMs?: number;
  now?: number;
  /** A refused image: the CLI healed it by itself. */
  healed?: boolean;
}

/**
 * - `recover`: compact the session and run the blocked request again (print: the same
 *   command once more; stream-json: a restarted claude, the blocked message sent again).
 * - `wait`: send nothing until `until` (epoch ms), then run the same request again in the
 *   same session.
 * - `pass`: claude's own output goes through unchanged; `reason`, when not null, is logged
 *   with the occurrence's outcome (`until` says how a usage limit's wait ended).
 */
export type HeadlessAction =
  | { action: 'recover' }
  | { action: 'wait'; until: number }
  | { action: 'pass'; reason: string | null; until?: 'passed' | 'over-max' };

interface Rule {
  kind: BlockKind;
  when: (facts: BlockFacts) => boolean;
  then: HeadlessAction | ((facts: BlockFacts) => HeadlessAction);
}

const MINUTE = 60_000;
/** When a usage limit's wait would end: its reset plus the margin. */
const waitEnd = (f: BlockFacts): number => (f.resetsAt ?? 0) + (f.wait?.marginMs ?? 0);

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

  { kind: 'usage-limit', when: (f) => f.detectOnly, then: { action: 'pass', reason: 'detectOnly: passed through', until: 'passed' } },
  { kind: 'usage-limit', when: (f) => f.wait?.enabled !== true, then: { action: 'pass', reason: "usageLimit.wait is off: claude's own output passed through", until: 'passed' } },
  { kind: 'usage-limit', when: (f) => f.resetsAt == null, then: { action: 'pass', reason: 'the reset time is unknown: passed through', until: 'passed' } },
  {
    kind: 'usage-limit',
    when: (f) => waitEnd(f) - (f.now ?? Date.now()) > (f.wait?.maxMs ?? 0) - (f.waitedMs ?? 0),
    then: (f) => ({
      action: 'pass',
      reason: `the limit resets in ${Math.ceil((waitEnd(f) - (f.now ?? Date.now())) / MINUTE)} min, past usageLimit.maxWaitMinutes (${Math.round((f.wait?.maxMs ?? 0) / MINUTE)} min${f.waitedMs ? `, ${Math.round(f.waitedMs / MINUTE)} waited already` : ''}): passed through`,
      until: 'over-max',
    }),
  },
  { kind: 'usage-limit', when: () => true, then: (f) => ({ action: 'wait', until: waitEnd(f) }) },

  // The CLI heals the refusals it knows, in -p too; one it does not is passed through, logged.
  { kind: 'image-refused', when: (f) => f.healed === true, then: { action: 'pass', reason: null } },
  { kind: 'image-refused', when: () => true, then: { action: 'pass', reason: "a refused image in a headless run: claude's own output passed through" } },
];

/** The action for a confirmed block; a block no rule covers passes through with a logged reason. */
export function decide(facts: BlockFacts): HeadlessAction {
  const rule = RULES.find((each) => each.kind === facts.kind && each.when(facts));
  if (!rule) return { action: 'pass', reason: `no rule for a ${facts.kind} block${facts.case ? `, case ${facts.case}` : ''}` };
  return typeof rule.then === 'function' ? rule.then(facts) : rule.then;
}
