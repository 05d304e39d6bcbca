// The registry's wordings compiled for one session (the config's extra patterns go to the 1M
// gate), and the gate's helpers the headless recognizer and the classifier use. The wordings
// themselves are data in src/blocks/.
import { BLOCKS, type BlockSpec } from '../blocks/index.js';
import { CREDITS_1M, gateVariant } from '../blocks/credits-1m.js';
import { mentions, type CompiledWording } from '../blocks/wordings.js';

export { API_ERROR_ANCHOR as ANCHOR, API_ERROR_LEAD_INS as LEAD_INS, COMPACTION_LEAD_INS, TURN_MARKERS } from '../blocks/cli.js';
export { GATE_WORDINGS as GATE_PATTERNS } from '../blocks/credits-1m.js';
export { fuzzySource, matchBody } from '../blocks/wordings.js';
export type { Wording as GatePattern } from '../blocks/types.js';

/** A wording compiled for matching (see src/blocks/wordings.ts). */
export type CompiledPattern = CompiledWording;

/** One kind with its wordings compiled. */
export interface KindWordings {
  spec: BlockSpec;
  wordings: CompiledWording[];
}

/** Every kind's wordings, in registry order; `invalid` names config patterns that are not regular expressions. */
export function compileBlocks(extraPatterns: readonly string[] = []): { kinds: KindWordings[]; invalid: string[] } {
  const invalid: string[] = [];
  const kinds = BLOCKS.map((spec) => {
    const compiled = spec.compile(spec.kind === 'credits-1m' ? extraPatterns : []);
    invalid.push(...compiled.invalid);
    return { spec, wordings: compiled.wordings };
  });
  return { kinds, invalid };
}

/** The 1M gate's wordings plus the config's extra ones (`custom-<n>`, tried first). */
export function compilePatterns(extraPatterns: readonly string[] = []): { patterns: CompiledPattern[]; invalid: string[] } {
  const { wordings, invalid } = CREDITS_1M.compile(extraPatterns);
  return { patterns: wordings, invalid };
}

/**
 * The gate's variant of a message text as the CLI stores it in the transcript (`API Error: …`,
 * or `Error during compaction: API Error: …`), or null. Only the first 4 KiB are looked at.
 */
export function matchMessageText(text: string, patterns: readonly CompiledPattern[]): string | null {
  return gateVariant(text, patterns);
}

/** True when the text carries the gate's words anywhere, rendered by the CLI or not. */
export function mentionsGate(text: string, patterns: readonly CompiledPattern[]): boolean {
  return mentions(text, patterns);
}
