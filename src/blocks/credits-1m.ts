// The 1M-context credits gate: `API Error: Usage credits required for 1M context · …` when a
// request carrying the 1M beta is refused (facts §1, test/fixtures/real). The CLI does not heal
// it; claude-recover compacts the session (case A), explains (case B), or leaves words that
// are only conversation content alone (case C). The case decision is in detect/classify.ts.
import { hasToolResult, recordTexts, type TranscriptRecord } from '../transcript/records.js';
import { COMPACTION_LEAD_INS, errorRecordMention } from './cli.js';
import type { BlockSpec, RecordMention, Wording } from './types.js';
import { compileWordings, matchApiErrorText, mentions, type CompiledWording } from './wordings.js';

/**
 * The cores every CLI generation rendered after `API Error:`, most specific first (facts §1).
 * Whitespace in the text they run on is collapsed to single spaces or `\n`, so they use `\s`
 * between words. The last entry is the catch-all for the next rewording: any `API Error:`
 * whose body says `required for 1M|long context` within its first 200 characters.
 */
export const GATE_WORDINGS: readonly Wording[] = [
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

/** The core every built-in wording shares: finds the gate's words anywhere. */
const GATE_MENTION = /required\s+for\s+(?:1M|long)\s+context/i;

/** The `apiError` value 2.1.274+ writes on the gate's record (and `api_error` in JSON events). */
export const GATE_API_ERROR = 'long_context_credits_required';

/** Raw-line prefilter: no JSON is parsed unless one of the cores (or the apiError tag) is in the line. */
const RAW_CORE = /required(?:\s|\\[nt])+for(?:\s|\\[nt])+(?:1M|long)(?:\s|\\[nt])+context|long_context_credits_required/i;

let builtIn: CompiledWording[] | undefined;

/**
 * The built-in wordings plus the config's extra ones (`custom-<n>`, tried first: they are
 * what the user knows better than this release). An extra pattern is a core, matched
 * anywhere in the first 200 characters of the body; an invalid one is skipped and named.
 */
function compile(extra: readonly string[]): { wordings: CompiledWording[]; invalid: string[] } {
  const wordings: CompiledWording[] = [];
  const invalid: string[] = [];
  extra.forEach((source, index) => {
    try {
      wordings.push({ variant: `custom-${index + 1}`, body: new RegExp(String.raw`^[\s\S]{0,200}?(?:${source})`, 'i'), fuzzy: null, mention: new RegExp(source, 'i') });
    } catch {
      invalid.push(source);
    }
  });
  builtIn ??= compileWordings(GATE_WORDINGS, GATE_MENTION);
  wordings.push(...builtIn);
  return { wordings, invalid };
}

function lineMayCarry(line: string, wordings: readonly CompiledWording[]): boolean {
  if (RAW_CORE.test(line)) return true;
  return wordings.some((wording) => wording.variant.startsWith('custom-') && wording.mention.test(line));
}

/** The variant of a message text (`API Error: …`, `Error during compaction: API Error: …`), or null. */
export function gateVariant(text: string, wordings: readonly CompiledWording[]): string | null {
  return matchApiErrorText(text, wordings, COMPACTION_LEAD_INS);
}

/** How a record carries the gate, with the variant of the wording when it is an error record; null when it does not. */
function mention(record: TranscriptRecord, wordings: readonly CompiledWording[]): RecordMention | null {
  const texts = recordTexts(record);
  if (record.type === 'assistant' && record.isApiErrorMessage === true) {
    const errorText = texts.map((text) => gateVariant(text, wordings)).find((variant) => variant !== null) ?? null;
    const tagged = record.apiError === GATE_API_ERROR;
    const inDetails = typeof record.errorDetails === 'string' && mentions(record.errorDetails, wordings);
    const found = errorRecordMention(record, errorText ?? (tagged ? `api-error:${GATE_API_ERROR}` : inDetails ? 'error-details' : null));
    if (found) return found;
  }
  if (!texts.some((text) => mentions(text, wordings))) return null;
  if (record.isSidechain === true) return { kind: 'other', variant: 'sidechain-text' };
  if (record.type === 'user') {
    if (hasToolResult(record)) return { kind: 'tool-result', variant: 'tool-result' };
    // The CLI's own output of a slash command (`/compact` failing on the gate) is written as a user line.
    const stderr = texts.find((text) => text.trimStart().startsWith('<local-command-stderr>'));
    const variant = stderr === undefined ? null : gateVariant(stderr, wordings);
    if (variant !== null) return { kind: 'main-error', variant };
    return { kind: 'user-text', variant: 'user-text' };
  }
  if (record.type === 'system') {
    // A compaction that failed on the gate, reported by the CLI as a system line.
    const variant = texts.map((text) => gateVariant(text, wordings)).find((found) => found !== null) ?? gateVariant(String(record.content ?? ''), wordings);
    if (variant != null && variant.startsWith('compaction:')) return { kind: 'main-error', variant };
    return { kind: 'other', variant: 'system-text' };
  }
  if (record.type === 'assistant') return { kind: 'assistant-text', variant: 'assistant-text' };
  return { kind: 'other', variant: `${record.type ?? 'untyped'}-text` };
}

export const CREDITS_1M: BlockSpec = {
  kind: 'credits-1m',
  label: '1M-context gate',
  short: 'gate',
  screen: { rendering: 'api-error' },
  compile,
  lineMayCarry,
  mention,
  logsContent: true,
};
