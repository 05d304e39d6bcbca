// The registry's wordings compiled for one session (the config's extra patterns go to the 1M
// gate). The wordings themselves are data in src/blocks/.
import { BLOCKS, type BlockSpec } from '../blocks/index.js';
import { CREDITS_1M } from '../blocks/credits-1m.js';
import type { CompiledWording } from '../blocks/wordings.js';

export { TURN_MARKERS } from '../blocks/cli.js';

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
    const compiled = spec.compile(extraPatterns);
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
