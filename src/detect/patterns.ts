// The gate's wordings as data: the cores every CLI generation rendered after `API Error:`,
// the lead-ins the CLI draws before it, and the screen markers of a new request.
// Extendable from config (detection.extraPatterns) without a release.

/** One wording of the gate, matched against the normalized text that follows `API Error:`. */
export interface GatePattern {
  /** Short stable name for the log, e.g. `usage-credits-1m`. */
  variant: string;
  /** Case-insensitive regular expression source, anchored at the start of the error body. */
  source: string;
}

/**
 * Built-in cores, most specific first (facts §1). Whitespace in the text they run on is
 * collapsed to single spaces or `\n`, so they use `\s` between words. The last entry is
 * the catch-all for the next rewording: any `API Error:` whose body says `required for
 * 1M|long context` within its first 200 characters.
 */
export const GATE_PATTERNS: readonly GatePattern[] = [
  // 2.1.144+: `Usage credits required for 1M context · …` (every hint form).
  { variant: 'usage-credits-1m', source: String.raw`^usage\s+credits\s+(?:are\s+)?required\s+for\s+1M\s+context` },
  // 2.1.88–2.1.143: `Extra usage is required for 1M context · …`.
  { variant: 'extra-usage-1m', source: String.raw`^extra\s+usage\s+is\s+required\s+for\s+1M\s+context` },
  // API key / plain token users: `Request rejected (429) · Extra usage is required for long context requests.`
  {
    variant: 'request-rejected-long-context',
    source: String.raw`^request\s+rejected\s+\(429\)\s*·\s*(?:extra\s+usage\s+is|usage\s+credits\s+are)\s+required\s+for\s+long\s+context`,
  },
  // ≤ 2.1.87 and 2.1.100 with a key: `429 {"type":"error",…"message":"Extra usage is required for long context requests."…}`.
  // The JSON has no spaces before `Extra`, so a narrow terminal may break it anywhere: only the spaced words are required.
  { variant: 'raw-429-long-context', source: String.raw`^429\s+\{[\s\S]{0,160}?required\s+for\s+long\s+context` },
  // `Usage credits are required for long context` as a bare body (treated as the same refusal since 2.1.144).
  { variant: 'usage-credits-long-context', source: String.raw`^(?:usage\s+credits\s+are|extra\s+usage\s+is)\s+required\s+for\s+long\s+context` },
  // The next rewording.
  { variant: 'long-context-other', source: String.raw`^[\s\S]{0,200}?required\s+for\s+(?:1M|long)\s+context` },
];

/**
 * What the CLI draws right before `API Error:` (the `API` word itself is checked
 * separately): the 2.1.330 bullet `●`, the older `⏺`, the `⎿` response gutter of older
 * versions and of tool/command output, and the compaction forms `Error during compaction:
 * API Error: …` / `Could not compact · API Error: …`. A prompt echo (`❯ API Error: …`), a
 * wrapped line of prose or code never has one of these right before `API`.
 */
export const LEAD_INS: readonly string[] = ['●', '⏺', '⎿', 'Error during compaction:', 'Could not compact'];

/** Lead-ins that make the occurrence a compaction failure (variant prefixed `compaction:`). */
export const COMPACTION_LEAD_INS: readonly string[] = ['Error during compaction:', 'Could not compact'];

/** The byte-level prefilter: every rendering contains this word unbroken (`API Error:`). */
export const ANCHOR = 'Error:';

/**
 * Screen text that shows a request in flight: the busy footer `esc to interrupt`, a
 * compaction running. The gate needs a request, so an error drawn again without one of these
 * in between is a repaint of one already seen (a resize, a scroll, a `--resume` redraw).
 * Fragments, matched on the raw stream: the classic renderer puts cursor moves between the
 * words (`esc\e[1Cto\e[1Cinterrupt`) and 2.1.330 skips unchanged cells even inside a word
 * (`in\e[1Cerrupt`), so both halves of `interrupt` are markers.
 */
export const TURN_MARKERS: readonly string[] = ['interr', 'errupt', 'Compacting'];

/** A pattern compiled for matching. */
export interface CompiledPattern {
  variant: string;
  /** Anchored at the start of the error body, for text whose whitespace runs are single spaces. */
  body: RegExp;
  /**
   * The same, tolerant of cells the renderer skipped (`\u0000`, see normalizeScreenText): each
   * literal also matches a skipped cell. Built-in patterns only; null for config ones.
   */
  fuzzy: RegExp | null;
  /** The core alone, unanchored: finds the words anywhere (prompts, tool output, model text). */
  mention: RegExp;
}

/** The core every built-in wording shares; used by `mention` of the built-ins. */
const BUILT_IN_MENTION = /required\s+for\s+(?:1M|long)\s+context/i;

/** At most this share of the non-blank characters a fuzzy match consumed may be skipped cells. */
const MAX_SKIPPED_SHARE = 0.3;

/**
 * Rewrites a built-in pattern source so that every literal character and every `\s` also
 * accepts a skipped cell, and `^` allows the skipped separator cells before the body. Handles the subset the built-ins use: literals, escaped literals,
 * `\s`, character classes (kept as they are), groups, alternation and quantifiers.
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

/**
 * The built-in patterns plus the config's extra ones (`custom-<n>`, tried first: they are
 * what the user knows better than this release). An extra pattern is a core, matched
 * anywhere in the first 200 characters of the body; an invalid one is skipped and named in
 * `invalid`.
 */
export function compilePatterns(extraPatterns: readonly string[] = []): { patterns: CompiledPattern[]; invalid: string[] } {
  const patterns: CompiledPattern[] = [];
  const invalid: string[] = [];
  extraPatterns.forEach((source, index) => {
    try {
      patterns.push({
        variant: `custom-${index + 1}`,
        body: new RegExp(String.raw`^[\s\S]{0,200}?(?:${source})`, 'i'),
        fuzzy: null,
        mention: new RegExp(source, 'i'),
      });
    } catch {
      invalid.push(source);
    }
  });
  builtIn ??= GATE_PATTERNS.map((pattern) => ({
    variant: pattern.variant,
    body: new RegExp(pattern.source, 'i'),
    fuzzy: new RegExp(fuzzySource(pattern.source), 'i'),
    mention: BUILT_IN_MENTION,
  }));
  patterns.push(...builtIn);
  return { patterns, invalid };
}

/** The built-ins compiled once (regular expressions without the g flag keep no state). */
let builtIn: CompiledPattern[] | undefined;

/**
 * The variant of an error body (the normalized text after `API Error:`), or null when it is
 * not the gate. The body may carry skipped cells (`\u0000`): built-in patterns accept them
 * as long as they are under a third of what was matched; config patterns see them as spaces.
 */
export function matchBody(body: string, patterns: readonly CompiledPattern[]): string | null {
  const damaged = body.includes('\u0000');
  let plain: string | null = null;
  for (const pattern of patterns) {
    if (pattern.fuzzy && damaged) {
      const found = pattern.fuzzy.exec(body);
      if (found && skippedShare(found[0]) <= MAX_SKIPPED_SHARE) return pattern.variant;
      continue;
    }
    plain ??= damaged ? body.replace(/[\s\u0000]+/g, ' ').trimStart() : body;
    if (pattern.body.test(plain)) return pattern.variant;
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

/**
 * The variant of a message text as the CLI stores it in the transcript (`API Error: …`, or
 * `Error during compaction: API Error: …`), or null. Only the first 4 KiB are looked at.
 */
export function matchMessageText(text: string, patterns: readonly CompiledPattern[]): string | null {
  const head = text.length > 4096 ? text.slice(0, 4096) : text;
  const at = head.indexOf('API Error:');
  if (at === -1) return null;
  const variant = matchBody(head.slice(at + 'API Error:'.length).replace(/\s+/g, ' ').trimStart(), patterns);
  if (variant === null) return null;
  const before = head.slice(0, at);
  return COMPACTION_LEAD_INS.some((lead) => before.includes(lead)) ? `compaction:${variant}` : variant;
}

/** True when the text carries the gate's words anywhere, rendered by the CLI or not. */
export function mentionsGate(text: string, patterns: readonly CompiledPattern[]): boolean {
  const flat = text.replace(/\s+/g, ' ');
  return patterns.some((pattern) => pattern.mention.test(flat));
}
