// A claude.ai plan's usage limit: the API's `429 rate_limit_error` with
// `anthropic-ratelimit-unified-status: rejected` and a reset time. The CLI says `You've hit
// your 5-hour limit · resets 6:40am (UTC)` (2.1.200: `session limit`, weekly: `resets Dec 3,
// 9am (UTC)`), and either continues by itself after the reset (2.1.330+ for a 5-hour limit:
// `Usage limit reached · set to continue automatically at …`) or opens its
// /rate-limit-options menu. claude-recover stands aside: it shows the wait and logs it; it
// sends nothing in a terminal. Headless runs fail; an opt-in waits and runs them again.
import { parseRecord, recordTime, type TranscriptRecord } from '../transcript/records.js';
import { errorRecordMention, errorText } from './cli.js';
import type { BlockSpec, RecordMention, Wording } from './types.js';
import { compileWordings, matchBody, mentions, type CompiledWording } from './wordings.js';

/** The message's wordings, most specific first (the CLI's strings: test/fixtures/real/README.md). */
export const USAGE_LIMIT_WORDINGS: readonly Wording[] = [
  { variant: 'five-hour', source: String.raw`^you've\s+hit\s+your\s+5-hour\s+limit` },
  { variant: 'session', source: String.raw`^you've\s+hit\s+your\s+session\s+limit` },
  { variant: 'weekly', source: String.raw`^you've\s+hit\s+your\s+weekly\s+limit` },
  { variant: 'opus', source: String.raw`^you've\s+hit\s+your\s+opus\s+limit` },
  { variant: 'sonnet', source: String.raw`^you've\s+hit\s+your\s+sonnet\s+limit` },
  { variant: 'spend', source: String.raw`^you've\s+hit\s+your\s+(?:channel's\s+)?(?:monthly\s+spend|usage\s+credit)\s+limit` },
  // Any other limit the CLI names (`Fable limit`, `fast limit`, 2.1.100's bare `limit`).
  { variant: 'other-limit', source: String.raw`^you've\s+hit\s+your\s+(?:[\w'-]+\s+){0,3}?limit` },
  // 2.1.100 when usage credits ran out too: `You're out of extra usage · resets …`.
  { variant: 'out-of-extra-usage', source: String.raw`^you're\s+out\s+of\s+extra\s+usage` },
  { variant: 'out-of-usage-credits', source: String.raw`^you're\s+out\s+of\s+usage\s+credits` },
];

/** The words every wording starts with, anywhere in a text. */
const MENTION = /you've\s+hit\s+your\s+(?:[\w'-]+\s+){0,3}?limit|you're\s+out\s+of\s+(?:extra\s+usage|usage\s+credits)/i;

/** What 2.1.330+ write on the error record (transcript `apiError`, JSON `api_error`). */
export const USAGE_LIMIT_API_ERROR = 'usage_limit_reached';

/** The ASCII start every wording has, drawn unbroken: the screen detector's anchor. */
export const USAGE_LIMIT_ANCHOR = "You'";

const RAW = /usage_limit_reached|You've hit your|You're out of (?:extra usage|usage credits)/;

let compiled: CompiledWording[] | undefined;

function compile(): { wordings: CompiledWording[]; invalid: string[] } {
  compiled ??= compileWordings(USAGE_LIMIT_WORDINGS, MENTION);
  return { wordings: compiled, invalid: [] };
}

/** The variant of a message text (`You've hit your … · resets …`, as stored or printed), or null. */
export function usageLimitVariant(text: string, wordings: readonly CompiledWording[] = compile().wordings): string | null {
  return matchBody(text.replace(/\s+/g, ' ').trimStart().slice(0, 400), wordings);
}

function mention(record: TranscriptRecord, wordings: readonly CompiledWording[]): RecordMention | null {
  if (record.type === 'assistant' && record.isApiErrorMessage === true) {
    const variant = usageLimitVariant(errorText(record), wordings) ?? (record.apiError === USAGE_LIMIT_API_ERROR ? `api-error:${USAGE_LIMIT_API_ERROR}` : null);
    const found = errorRecordMention(record, variant);
    if (found) return found;
  }
  const content = record.message?.content;
  const text = typeof content === 'string' ? content : JSON.stringify(content ?? '');
  return mentions(text, wordings) ? { kind: record.type === 'user' ? 'user-text' : 'other', variant: 'content' } : null;
}

export const USAGE_LIMIT: BlockSpec = {
  kind: 'usage-limit',
  label: 'usage limit',
  short: 'usage limit',
  screen: { rendering: 'response', anchor: USAGE_LIMIT_ANCHOR },
  compile,
  lineMayCarry: (line) => RAW.test(line),
  mention,
  logsContent: false,
};

// The reset time.

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
/** `resets 6:40am (UTC)`, `resets 9am (Europe/Berlin)`, `resets Dec 3, 9am (UTC)`, `resets Jan 2, 2027, 3:30pm (UTC)`. */
const RESETS = /\bresets\s+(?:([A-Za-z]{3})\s+(\d{1,2}),\s+(?:(\d{4}),\s+)?)?(\d{1,2})(?::(\d{2}))?\s*([ap]m)(?:\s*\(([^)]+)\))?/i;

/** How the reset time was found: exact from the record, to the minute from the text, or not at all. */
export type ResetSource = 'record' | 'text' | 'none';

/** What a usage-limit occurrence knows besides the common fields. */
export interface UsageLimitFacts {
  /** When the limit resets (epoch ms), or null when no wording or record said. */
  resetsAt: number | null;
  resetSource: ResetSource;
  /** What the CLI called the limit: `5-hour limit`, `weekly limit`, … (or the variant). */
  limit: string;
}

/**
 * The reset time a text gives, as epoch ms, taken to the end of the minute it names (the CLI
 * drops the seconds): the first such time after `refusedAt` - 1 min for a time of day; for a
 * date without a year, that year or the next. Wall-clock times are read in the time zone the
 * text names (an IANA name such as `UTC` or `Europe/Berlin`), else in this process's.
 */
export function resetFromText(text: string, refusedAt: number): number | null {
  const found = RESETS.exec(text);
  if (!found) return null;
  const [, monthName, dayText, yearText, hourText, minuteText, meridiem, zoneName] = found;
  let hour = Number(hourText) % 12;
  if ((meridiem as string).toLowerCase() === 'pm') hour += 12;
  const minute = minuteText === undefined ? 0 : Number(minuteText);
  if (minute > 59) return null;
  const zone = validZone(zoneName?.trim());
  const refused = wallClock(refusedAt, zone);
  const endOfMinute = (year: number, month: number, day: number): number => zonedToEpoch(year, month, day, hour, minute, zone) + 59_999;
  if (monthName !== undefined) {
    const month = MONTHS.indexOf(monthName.toLowerCase());
    if (month === -1) return null;
    const day = Number(dayText);
    if (yearText !== undefined) return endOfMinute(Number(yearText), month, day);
    const thisYear = endOfMinute(refused.year, month, day);
    return thisYear >= refusedAt - 86_400_000 ? thisYear : endOfMinute(refused.year + 1, month, day);
  }
  for (let days = 0; days <= 2; days++) {
    const at = endOfMinute(refused.year, refused.month, refused.day + days);
    if (at >= refusedAt - 60_000) return at;
  }
  return null;
}

/** The exact reset a record carries: `apiErrorParams.rate_limit_info.resetsAt` or `quotaLimits.resetsAt` (epoch s, 2.1.330+). */
export function resetFromRecord(record: TranscriptRecord): number | null {
  const params = record.apiErrorParams as { rate_limit_info?: { resetsAt?: unknown } } | undefined;
  const quota = record.quotaLimits as { resetsAt?: unknown } | undefined;
  const seconds = params?.rate_limit_info?.resetsAt ?? quota?.resetsAt;
  return typeof seconds === 'number' && Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : null;
}

/** The facts of a usage-limit record: its reset (exact, else from its text) and the limit's name. */
export function usageLimitFacts(record: TranscriptRecord, variant: string): UsageLimitFacts {
  const text = errorText(record);
  const exact = resetFromRecord(record);
  const refusedAt = recordTime(record) ?? Date.now();
  const fromText = exact === null ? resetFromText(text, refusedAt) : null;
  return { resetsAt: exact ?? fromText, resetSource: exact !== null ? 'record' : fromText !== null ? 'text' : 'none', limit: limitName(text, variant) };
}

/** The facts of a rendering seen without a transcript record (its text on screen or in `-p` output). */
export function usageLimitFactsFromText(text: string, variant: string, seenAt: number): UsageLimitFacts {
  const resetsAt = resetFromText(text, seenAt);
  return { resetsAt, resetSource: resetsAt === null ? 'none' : 'text', limit: limitName(text, variant) };
}

/** `5-hour limit`, `weekly limit`, `Opus limit`, `extra usage` … from the text, else the variant. */
function limitName(text: string, variant: string): string {
  const named = /you've\s+hit\s+your\s+((?:[\w'-]+\s+){0,3}?limit)/i.exec(text)?.[1] ?? /you're\s+out\s+of\s+(extra\s+usage|usage\s+credits)/i.exec(text)?.[1];
  return named ? named.replace(/\s+/g, ' ') : variant;
}

/**
 * What the CLI said about continuing by itself, from a `system` `informational` record:
 * `armed` (2.1.330+: `set to continue automatically at …`), `continuing` (`Usage limit reset
 * · Continuing automatically`), `cancelled` (Esc, or the CLI exiting during the wait), or null.
 */
export function autoContinueNote(record: TranscriptRecord): 'armed' | 'continuing' | 'cancelled' | null {
  if (record.type !== 'system' || typeof record.content !== 'string') return null;
  const text = record.content;
  if (/continue automatically at|Usage limit reached again · set to continue/i.test(text)) return 'armed';
  if (/Continuing automatically|continuing now/i.test(text)) return 'continuing';
  if (/Automatic continue cancelled|automatic continue at the usage-limit reset was cancelled/i.test(text)) return 'cancelled';
  return null;
}

/** The same, on a raw line: only lines that may be such a note are parsed. */
export function autoContinueNoteOfLine(line: string): ReturnType<typeof autoContinueNote> {
  if (!line.includes('"informational"') || !/ontinu/.test(line)) return null;
  const record = parseRecord(line);
  return record === null ? null : autoContinueNote(record);
}

// Time zones.

interface WallClock {
  year: number;
  month: number;
  day: number;
}

/** The IANA zone if this runtime knows it, else undefined (the process's own zone). */
function validZone(zone: string | undefined): string | undefined {
  if (!zone) return undefined;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return zone;
  } catch {
    return undefined;
  }
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function partsIn(epoch: number, zone: string | undefined): { year: number; month: number; day: number; hour: number; minute: number; second: number } {
  const key = zone ?? '';
  let format = formatters.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    formatters.set(key, format);
  }
  const parts = Object.fromEntries(format.formatToParts(new Date(epoch)).map((part) => [part.type, part.value]));
  return { year: Number(parts.year), month: Number(parts.month) - 1, day: Number(parts.day), hour: Number(parts.hour), minute: Number(parts.minute), second: Number(parts.second) };
}

function wallClock(epoch: number, zone: string | undefined): WallClock {
  const { year, month, day } = partsIn(epoch, zone);
  return { year, month, day };
}

/** The epoch ms at which the wall clock in `zone` reads this date and time (DST: the first such instant). */
function zonedToEpoch(year: number, month: number, day: number, hour: number, minute: number, zone: string | undefined): number {
  const wanted = Date.UTC(year, month, day, hour, minute);
  let guess = wanted;
  for (let i = 0; i < 3; i++) {
    const seen = partsIn(guess, zone);
    const shown = Date.UTC(seen.year, seen.month, seen.day, seen.hour, seen.minute, seen.second);
    const error = shown - wanted;
    if (error === 0) break;
    guess -= error;
  }
  return guess;
}
