// Wordings compiled for matching: each one anchored at the start of a message body, a form
// tolerant of cells the renderer skipped, and a mention form that finds the words anywhere.
// Pure; shared by every kind and by the detection engine.
import type { Wording } from './types.js';

/** A wording compiled for matching. */
export interface CompiledWording {
  variant: string;
  /** Anchored at the start of the body, for text whose whitespace runs are single spaces. */
  body: RegExp;
  /**
   * The same, tolerant of cells the renderer skipped (`\u0000`, see normalizeScreenText): each
   * literal also matches a skipped cell. Built-in wordings only; null for config ones.
   */
  fuzzy: RegExp | null;
  /** The core alone, unanchored: finds the words anywhere (prompts, tool output, model text). */
  mention: RegExp;
}

/** At most this share of the non-blank characters a fuzzy match consumed may be skipped cells. */
const MAX_SKIPPED_SHARE = 0.3;

/**
 * Rewrites a built-in wording source so that every literal character and every `\s` also
 * accepts a skipped cell, and `^` allows the skipped separator cells before the body. Handles
 * the subset the built-ins use: literals, escaped literals, `\s`, `\d`, character classes
 * (kept as they are), groups, alternation and quantifiers.
 */
export function fuzzySource(source: string): string {
  let out = '';
  for (let i = 0; i < source.length; i++) {
    const char = source[i] as string;
    if (char === '\\') {
      const next = source[i + 1] as string;
      i++;
      if (next === 's') out += '[\\s\\x00]';
      else if (/[A-Za-z]/.test(next)) out += `\\${next}`;
      else out += `(?:\\${next}|\\x00)`;
    } else if (char === '[') {
      let j = i + 1;
      while (j < source.length && source[j] !== ']') j += source[j] === '\\' ? 2 : 1;
      out += source.slice(i, j + 1);
      i = j;
    } else if (char === '{') {
      const j = source.indexOf('}', i);
      out += source.slice(i, j + 1);
      i = j;
    } else if (char === '(' && source.startsWith('(?:', i)) {
      out += '(?:';
      i += 2;
    } else if (char === '^') out += '^[\\s\\x00]*?';
    else if ('()|+*?$.'.includes(char)) out += char;
    else if (char === ' ') out += '[\\s\\x00]';
    else out += `[${char}\\x00]`;
  }
  return out;
}

/** Compiles built-in wordings; `mention` finds the kind's core words anywhere. */
export function compileWordings(wordings: readonly Wording[], mention: RegExp): CompiledWording[] {
  return wordings.map((wording) => ({
    variant: wording.variant,
    body: new RegExp(wording.source, 'i'),
    fuzzy: new RegExp(fuzzySource(wording.source), 'i'),
    mention,
  }));
}

/**
 * The variant of a message body (the normalized text of the message), or null when no
 * wording matches. The body may carry skipped cells (`\u0000`): built-in wordings accept them
 * as long as they are under a third of what was matched; config ones see them as spaces.
 */
export function matchBody(body: string, wordings: readonly CompiledWording[]): string | null {
  const damaged = body.includes('\u0000');
  let plain: string | null = null;
  for (const wording of wordings) {
    if (wording.fuzzy && damaged) {
      const found = wording.fuzzy.exec(body);
      if (found && skippedShare(found[0]) <= MAX_SKIPPED_SHARE) return wording.variant;
      continue;
    }
    plain ??= damaged ? body.replace(/[\s\u0000]+/g, ' ').trimStart() : body;
    if (wording.body.test(plain)) return wording.variant;
  }
  return null;
}

/** Share of skipped cells among the non-blank characters of a match. */
function skippedShare(text: string): number {
  let skipped = 0;
  let solid = 0;
  for (const char of text) {
    if (char === '\u0000') skipped++;
    if (char !== ' ' && char !== '\n' && char !== '\t') solid++;
  }
  return solid === 0 ? 1 : skipped / solid;
}

/** True when the text carries one of the wordings' core words anywhere. */
export function mentions(text: string, wordings: readonly CompiledWording[]): boolean {
  const flat = text.replace(/\s+/g, ' ');
  return wordings.some((wording) => wording.mention.test(flat));
}

/** The `API Error:` marker the CLI starts an error message with (transcript, `-p` output). */
export const API_ERROR = 'API Error:';

/**
 * The variant of a message text as the CLI stores or prints it (`API Error: …`, or `Error
 * during compaction: API Error: …`), or null. Only the first 4 KiB are looked at;
 * `compactionLeadIns`, when found before `API Error:`, prefix the variant with `compaction:`.
 */
export function matchApiErrorText(text: string, wordings: readonly CompiledWording[], compactionLeadIns: readonly string[] = []): string | null {
  const head = text.length > 4096 ? text.slice(0, 4096) : text;
  const at = head.indexOf(API_ERROR);
  if (at === -1) return null;
  const variant = matchBody(head.slice(at + API_ERROR.length).replace(/\s+/g, ' ').trimStart(), wordings);
  if (variant === null) return null;
  const before = head.slice(0, at);
  return compactionLeadIns.some((lead) => before.includes(lead)) ? `compaction:${variant}` : variant;
}
