// The registry: every kind of block claude-recover knows, in the order a rendering is tried
// (the 1M gate first: its wordings are the most specific `API Error:` bodies), and the plan
// each confirmed occurrence asks for. A new kind is one file here, its entry, its facts in
// BlockFacts and its plan.
import type { GateCase } from '../log/types.js';
import { CREDITS_1M } from './credits-1m.js';
import { IMAGE_REFUSED, type ImageFacts } from './image-refused.js';
import type { BlockKind, BlockSpec, Plan } from './types.js';
import { USAGE_LIMIT, type UsageLimitFacts } from './usage-limit.js';

export type { BlockKind, BlockSpec, Plan } from './types.js';

export const BLOCKS: readonly BlockSpec[] = [CREDITS_1M, IMAGE_REFUSED, USAGE_LIMIT];

/** The entry of a kind. */
export function blockSpec(kind: BlockKind): BlockSpec {
  return BLOCKS.find((spec) => spec.kind === kind) as BlockSpec;
}

/** What classification found out about one occurrence, per kind. */
export type BlockFacts =
  | { kind: 'credits-1m'; case: GateCase }
  | ({ kind: 'usage-limit' } & UsageLimitFacts)
  | ({ kind: 'image-refused' } & ImageFacts);

/**
 * The plan an occurrence asks for:
 * - the 1M gate: case A is recovered, case B explained, case C (the words in the conversation) ignored;
 * - a usage limit: waited out (the CLI's own wait or menu stays the person's);
 * - a refused image: stood aside from while the CLI heals it or may still (the first refusal);
 *   removed when the same refusal came again with no answer between and an image it can mean
 *   was found.
 */
export function planFor(facts: BlockFacts): Plan {
  switch (facts.kind) {
    case 'credits-1m':
      return facts.case === 'A' ? 'recover' : facts.case === 'B' ? 'explain' : 'ignore';
    case 'usage-limit':
      return 'wait';
    case 'image-refused':
      return !facts.healed && facts.again && facts.images.length > 0 ? 'prune' : 'stand-aside';
  }
}

/** The kind of a log entry: entries from before issue 17 have none and were all the 1M gate's. */
export function kindOf(entry: { kind?: BlockKind }): BlockKind {
  return entry.kind ?? 'credits-1m';
}
