// Turns log entries into what `log` and `stats` print: occurrences joined with their
// outcome, the occurrence table, the statistics and the per-day chart. Pure: the clock
// and the time zone come in as options so a fixture always prints the same.
import { ExitCode, UserError } from '../errors.js';
import { tilde } from '../paths.js';
import type { Tones } from '../ui/colour.js';
import { droppedNote, renderTable, type Column, type Table } from '../ui/table.js';
import { formatBytes } from '../ui/bytes.js';
import { formatDuration } from '../ui/duration.js';
import { wrapText } from '../ui/width.js';
import { blockSpec, kindOf } from '../blocks/index.js';
import type { BlockKind } from '../blocks/types.js';
import type { DetectedEntry, GateCase, GaveUpEntry, LogEntry, RecoveredEntry, RunMode, StepEntry, StoodAsideEntry, WaitedEntry } from './types.js';

export type Outcome = 'recovered' | 'gave-up' | 'waited' | 'stood-aside' | 'unresolved';

/** One `detected` entry with the steps and the outcome logged under its occurrence id. */
export interface Occurrence {
  detected: DetectedEntry;
  steps: StepEntry[];
  outcome: Outcome;
  end: RecoveredEntry | GaveUpEntry | WaitedEntry | StoodAsideEntry | null;
}

export interface TimeOptions {
  /** Print and bucket times in UTC instead of the local zone (tests). */
  utc?: boolean;
}

/** How a report is laid out: the terminal's width and colours (none by default). */
export interface LayoutOptions {
  /** Columns to fit in (default 80). */
  width?: number;
  /** Every column at full width (--wide). */
  wide?: boolean;
  tones?: Tones;
}

export { formatDuration };

const plain = (text: string): string => text;

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const UNITS: Record<string, number> = { m: MINUTE, min: MINUTE, h: HOUR, d: DAY, w: 7 * DAY };

/** `--since`: a duration back from now (30m, 12h, 7d, 2w) or a date (2025-01-31, local midnight) or an ISO time. */
export function parseSince(text: string, now: Date = new Date()): Date {
  const trimmed = text.trim();
  const duration = /^(\d+)\s*(m|min|h|d|w)$/i.exec(trimmed);
  if (duration) return new Date(now.getTime() - Number(duration[1]) * (UNITS[(duration[2] ?? '').toLowerCase()] ?? DAY));
  const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(trimmed);
  if (day) {
    const date = new Date(Number(day[1]), Number(day[2]) - 1, Number(day[3]));
    if (date.getDate() === Number(day[3])) return date;
  } else if (/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/.test(trimmed) && !Number.isNaN(Date.parse(trimmed))) {
    return new Date(Date.parse(trimmed));
  }
  throw new UserError(`--since: expected a duration (30m, 12h, 7d, 2w) or a date (2025-01-31 or 2025-01-31T14:00), got "${text}"`, {
    exitCode: ExitCode.usage,
  });
}

/** Groups entries into occurrences, oldest first; outcomes without a `detected` entry (cut by --since) are dropped. */
export function joinOccurrences(entries: readonly LogEntry[]): Occurrence[] {
  const byId = new Map<string, Occurrence>();
  const order: Occurrence[] = [];
  for (const entry of entries) {
    if (entry.type === 'detected') {
      if (byId.has(entry.occurrence)) continue;
      const occurrence: Occurrence = { detected: entry, steps: [], outcome: 'unresolved', end: null };
      byId.set(entry.occurrence, occurrence);
      order.push(occurrence);
    } else if (entry.type === 'step') {
      byId.get(entry.occurrence)?.steps.push(entry);
    } else if (entry.type === 'recovered' || entry.type === 'gave-up' || entry.type === 'waited' || entry.type === 'stood-aside') {
      const occurrence = byId.get(entry.occurrence);
      if (occurrence && occurrence.end === null) {
        occurrence.end = entry;
        occurrence.outcome = entry.type;
      }
    }
  }
  return order;
}

/**
 * The columns of `log`, in order, as data: what each shows, how much it matters (`drop`:
 * the highest goes first when the terminal is narrow) and how its cells may be shortened.
 * A new field is one entry here.
 */
export function logColumns(options: TimeOptions & { home?: string; tones?: Tones } = {}): Array<Column<Occurrence>> {
  const tones = options.tones;
  const outcomeTone = (o: Occurrence): ((text: string) => string) =>
    !tones ? plain : o.outcome === 'recovered' ? tones.ok : o.outcome === 'gave-up' ? tones.fail : o.outcome === 'unresolved' ? tones.warn : plain;
  return [
    { header: 'WHEN', cell: (o) => clock(new Date(o.detected.ts), options.utc) },
    { header: 'KIND', cell: (o) => blockSpec(kindOf(o.detected)).short, drop: 3.5 },
    { header: 'CASE', cell: (o) => o.detected.case ?? '-', drop: 1 },
    { header: 'TOKENS', cell: (o) => formatTokens(o.detected.contextTokens), drop: 5 },
    { header: 'CHANNEL', cell: (o) => o.detected.channel ?? '-', drop: 7 },
    { header: 'MODE', cell: (o) => modeOf(o.detected), drop: 8 },
    { header: 'OUTCOME', cell: (o) => outcomeText(o), style: (text, o) => outcomeTone(o)(text) },
    { header: 'TOOK', cell: (o) => (o.end?.type === 'waited' ? formatDuration(o.end.waitedMs) : o.end && 'totalMs' in o.end ? formatDuration(o.end.totalMs) : '-'), drop: 3 },
    { header: 'DETAIL', cell: (o) => detailOf(o, options.utc), shorten: 'end', minWidth: 20, drop: 2 },
    { header: 'SESSION', cell: (o) => (o.detected.sessionId ? o.detected.sessionId.slice(0, 8) : '-'), drop: 6 },
    { header: 'CWD', cell: (o) => tilde(o.detected.cwd ?? '-', { HOME: options.home }), shorten: 'middle', minWidth: 24, drop: 4 },
  ];
}

/** What OUTCOME says: recovered, gave up, waited, stood aside, unresolved. */
function outcomeText(o: Occurrence): string {
  switch (o.outcome) {
    case 'gave-up':
      return 'gave up';
    case 'stood-aside':
      return 'stood aside';
    default:
      return o.outcome;
  }
}

/** What DETAIL says: what worked or why not; a usage limit's reset and how its wait ended; a refused image's size. */
function detailOf(o: Occurrence, utc = false): string {
  const { detected, end } = o;
  const kind = kindOf(detected);
  if (kind === 'usage-limit') {
    const resets = detected.resetsAt ? `resets ${clock(new Date(detected.resetsAt), utc)}` : 'reset unknown';
    const how = end?.type === 'waited' ? `; ${end.until}${end.by ? ` (${end.by})` : ''}` : '';
    return `${detected.limit ?? 'usage limit'}, ${resets}${how}`;
  }
  if (kind === 'image-refused') {
    const image = detected.image;
    const what = image?.images[0] ? `${image.images[0].mediaType}${image.images[0].width !== null ? ` ${image.images[0].width}×${image.images[0].height}` : ''}, ${formatBase64(image.images[0].base64Chars)}` : 'image unknown';
    const state = image?.healed ? 'healed by claude' : image?.again ? 'refused again' : 'refused';
    const worked = end?.type === 'recovered' ? `; ${end.worked}` : end?.type === 'gave-up' ? `; ${end.reason}` : '';
    return `${state}: ${what}${worked}`;
  }
  return end?.type === 'recovered' ? end.worked : end?.type === 'gave-up' ? end.reason : end?.type === 'stood-aside' ? end.reason : '-';
}

/** Base64 characters as the size they take: `2.1 KiB of base64`. */
function formatBase64(chars: number): string {
  return `${formatBytes(chars)} of base64`;
}

/** The occurrence table for `log`, fitted to the width (the columns left out are named in `dropped`). */
export function formatLogTable(occurrences: readonly Occurrence[], options: TimeOptions & LayoutOptions & { home?: string } = {}): Table {
  return renderTable(logColumns(options), occurrences, { width: options.width ?? 80, wide: options.wide });
}

export interface CaseCounts {
  recovered: number;
  gaveUp: number;
  unresolved: number;
  total: number;
}

export interface Stats {
  since: string | null;
  now: string;
  /** Every kind's occurrences. */
  occurrences: number;
  /** Occurrences of each kind of block. */
  byKind: Record<BlockKind, number>;
  /** The 1M gate's occurrences by case (the other kinds have none). */
  byCase: Record<GateCase, CaseCounts>;
  byOutcome: CaseCounts;
  /** Occurrences by how claude ran (terminal, `-p`, stream-json). */
  byMode: Record<RunMode, number>;
  /** How many recoveries each step made work (`worked`), most first. */
  worked: Array<{ step: string; count: number }>;
  recovery: { count: number; medianMs: number | null; worstMs: number | null };
  /** Usage limits: how their waits ended and how long they were (waits that ended: continued or ended). */
  usageLimits: { continued: number; ended: number; passed: number; medianWaitMs: number | null; longestWaitMs: number | null };
  /** Refused images: healed by the CLI, removed by claude-recover, left (first refusals, passed through, given up). */
  images: { healedByClaude: number; removed: number; left: number };
  guard: {
    nearMisses: number;
    autoCompacts: number;
    /** Guard episodes (see blockEpisodes) with no gate in that session within the next hour. */
    blocksAvoided: number;
    /** Episodes whose hour is not over yet, so not counted either way. */
    pending: number;
  };
  perDay: Array<{ day: string; count: number }>;
}

/** The chart shows at most this many days, ending today. */
export const MAX_CHART_DAYS = 31;

/** Everything `stats` prints, from the entries read since `since`. */
export function computeStats(entries: readonly LogEntry[], options: TimeOptions & { now: Date; since?: Date }): Stats {
  const occurrences = joinOccurrences(entries);
  const empty = (): CaseCounts => ({ recovered: 0, gaveUp: 0, unresolved: 0, total: 0 });
  const byCase: Record<GateCase, CaseCounts> = { A: empty(), B: empty(), C: empty() };
  const byOutcome = empty();
  const byMode: Record<RunMode, number> = { terminal: 0, print: 0, 'stream-json': 0 };
  const byKind: Record<BlockKind, number> = { 'credits-1m': 0, 'usage-limit': 0, 'image-refused': 0 };
  const worked = new Map<string, number>();
  const recoveryMs: number[] = [];
  const waitMs: number[] = [];
  const usageLimits = { continued: 0, ended: 0, passed: 0, medianWaitMs: null as number | null, longestWaitMs: null as number | null };
  const images = { healedByClaude: 0, removed: 0, left: 0 };
  for (const o of occurrences) {
    byMode[modeOf(o.detected)]++;
    const kind = kindOf(o.detected);
    byKind[kind]++;
    if (kind === 'usage-limit') {
      if (o.end?.type === 'waited') {
        if (o.end.until === 'continued') usageLimits.continued++;
        else if (o.end.until === 'ended') usageLimits.ended++;
        else if (o.end.until === 'passed' || o.end.until === 'over-max') usageLimits.passed++;
        if (o.end.until === 'continued' || o.end.until === 'ended') waitMs.push(o.end.waitedMs);
      }
      continue;
    }
    if (kind === 'image-refused') {
      if (o.detected.image?.healed) images.healedByClaude++;
      else if (o.end?.type === 'recovered') images.removed++;
      else images.left++;
      continue;
    }
    for (const counts of [byCase[o.detected.case ?? 'A'], byOutcome]) {
      counts.total++;
      if (o.outcome === 'recovered') counts.recovered++;
      else if (o.outcome === 'gave-up') counts.gaveUp++;
      else counts.unresolved++;
    }
    if (o.end?.type === 'recovered') {
      worked.set(o.end.worked, (worked.get(o.end.worked) ?? 0) + 1);
      recoveryMs.push(o.end.totalMs);
    }
  }
  usageLimits.medianWaitMs = median(waitMs);
  usageLimits.longestWaitMs = waitMs.length ? Math.max(...waitMs) : null;
  const episodes = blockEpisodes(entries, options.now);
  return {
    since: options.since?.toISOString() ?? null,
    now: options.now.toISOString(),
    occurrences: occurrences.length,
    byKind,
    byCase,
    byOutcome,
    byMode,
    worked: [...worked].map(([step, count]) => ({ step, count })).sort((a, b) => b.count - a.count || a.step.localeCompare(b.step)),
    recovery: { count: recoveryMs.length, medianMs: median(recoveryMs), worstMs: recoveryMs.length ? Math.max(...recoveryMs) : null },
    usageLimits,
    images,
    guard: {
      nearMisses: entries.filter((e) => e.type === 'near-miss').length,
      autoCompacts: entries.filter((e) => e.type === 'auto-compact').length,
      blocksAvoided: episodes.filter((e) => e.result === 'avoided').length,
      pending: episodes.filter((e) => e.result === 'pending').length,
    },
    perDay: perDay(occurrences.map((o) => new Date(o.detected.ts)), options),
  };
}

export interface BlockEpisode {
  sessionId: string | null;
  first: string;
  last: string;
  result: 'avoided' | 'blocked' | 'pending';
}

/**
 * Blocks avoided, defined: in each session, near-miss and auto-compact entries less than
 * an hour apart form one episode (so a near-miss and the auto-compact that follows it
 * count once). An episode is a block avoided when no `detected` gate in that session falls
 * between its first entry and one hour after its last; `blocked` when one does; `pending`
 * while that hour is not over. An entry without a session id is matched against every
 * session (which can only lower the count).
 */
export function blockEpisodes(entries: readonly LogEntry[], now: Date): BlockEpisode[] {
  const gates = entries.filter((e): e is DetectedEntry => e.type === 'detected' && kindOf(e) === 'credits-1m').map((e) => ({ session: e.sessionId, time: Date.parse(e.ts) }));
  const open = new Map<string, { sessionId: string | null; first: number; last: number }>();
  const all: Array<{ sessionId: string | null; first: number; last: number }> = [];
  for (const entry of entries) {
    if (entry.type !== 'near-miss' && entry.type !== 'auto-compact') continue;
    const time = Date.parse(entry.ts);
    const key = entry.sessionId ?? '\0';
    const current = open.get(key);
    if (current && time - current.last < HOUR) {
      current.last = time;
      continue;
    }
    const episode = { sessionId: entry.sessionId, first: time, last: time };
    open.set(key, episode);
    all.push(episode);
  }
  return all.map((e) => {
    const blocked = gates.some((g) => (g.session === null || e.sessionId === null || g.session === e.sessionId) && g.time >= e.first && g.time <= e.last + HOUR);
    const result = blocked ? 'blocked' : e.last + HOUR > now.getTime() ? 'pending' : 'avoided';
    return { sessionId: e.sessionId, first: new Date(e.first).toISOString(), last: new Date(e.last).toISOString(), result };
  });
}

/** Occurrences per day from `since` (or the first one) to `now`, at most MAX_CHART_DAYS days; empty when there are none. */
export function perDay(times: readonly Date[], options: TimeOptions & { now: Date; since?: Date }): Array<{ day: string; count: number }> {
  if (times.length === 0) return [];
  const counts = new Map<string, number>();
  for (const time of times) counts.set(dayKey(time, options.utc), (counts.get(dayKey(time, options.utc)) ?? 0) + 1);
  const start = options.since ?? new Date(Math.min(...times.map((t) => t.getTime())));
  const lastKey = [dayKey(options.now, options.utc), ...counts.keys()].sort().at(-1) ?? dayKey(options.now, options.utc);
  const days: string[] = [];
  // Step by calendar day (not 24 h) so a DST change cannot skip or repeat a day.
  for (let i = 0; i < 10_000; i++) {
    const key = dayKey(addDays(start, i, options.utc), options.utc);
    if (key > lastKey) break;
    days.push(key);
    if (key === lastKey) break;
  }
  return days.slice(-MAX_CHART_DAYS).map((day) => ({ day, count: counts.get(day) ?? 0 }));
}

const EIGHTHS = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];

/** One line a day: the date, the count and a bar scaled so the busiest day is `width` cells. */
export function dayChart(days: ReadonlyArray<{ day: string; count: number }>, width = 24): string {
  const max = Math.max(0, ...days.map((d) => d.count));
  const countWidth = String(max).length;
  return days
    .map(({ day, count }) => {
      let bar = '';
      if (count > 0) {
        const eighths = Math.max(1, Math.round((count / max) * width * 8));
        bar = '█'.repeat(Math.floor(eighths / 8)) + (EIGHTHS[eighths % 8] ?? '');
      }
      return `  ${day}  ${String(count).padStart(countWidth)}${bar ? ` ${bar}` : ''}`;
    })
    .join('\n');
}

/** The `stats` report as text. */
export function formatStats(stats: Stats, options: TimeOptions & LayoutOptions = {}): string {
  const width = options.width ?? 80;
  const tones = options.tones;
  const count = (tone: keyof Tones) => (text: string): string => (tones && text.trim() !== '0' ? tones[tone](text) : text);
  const out: string[] = [];
  const range = stats.since ? `since ${clock(new Date(stats.since), options.utc)}` : 'in the whole log';
  const gates = stats.byKind['credits-1m'];
  if (stats.occurrences === 0) {
    out.push(`No occurrences ${range}.`);
  } else {
    const kinds = (Object.entries(stats.byKind) as Array<[BlockKind, number]>).filter(([, n]) => n > 0);
    const what = kinds.map(([kind, n]) => plural(n, blockSpec(kind).short, `${blockSpec(kind).short}s`));
    out.push(wrapText(`${stats.occurrences} occurrence${stats.occurrences === 1 ? '' : 's'} ${range}: ${what.join(', ')}`, width, 2), '');
  }
  if (gates > 0) {
    const rows: Array<[string, CaseCounts]> = [
      ['case A', stats.byCase.A],
      ['case B', stats.byCase.B],
      ['case C', stats.byCase.C],
      ['all', stats.byOutcome],
    ];
    const columns: Array<Column<[string, CaseCounts]>> = [
      { header: '', cell: ([label]) => label },
      { header: 'RECOVERED', cell: ([, c]) => String(c.recovered), align: 'right', style: count('ok') },
      { header: 'GAVE UP', cell: ([, c]) => String(c.gaveUp), align: 'right', style: count('fail') },
      { header: 'UNRESOLVED', cell: ([, c]) => String(c.unresolved), align: 'right', style: count('warn') },
      // The sum of the others: the first to go on a narrow terminal.
      { header: 'TOTAL', cell: ([, c]) => String(c.total), align: 'right', drop: 1 },
    ];
    const counts = renderTable(columns, rows, { width, wide: options.wide });
    out.push(counts.text);
    const note = droppedNote(counts.dropped, width);
    if (note) out.push(note);
  }
  if (stats.occurrences > 0) {
    const modes = (Object.entries(stats.byMode) as Array<[RunMode, number]>).filter(([, count]) => count > 0);
    out.push(wrapText(`By mode: ${modes.map(([mode, count]) => `${count} ${mode}`).join(', ')}`, width, 2));
    out.push('');
  }
  if (gates > 0) {
    if (stats.worked.length > 0) {
      out.push('What worked:');
      const worked: Array<Column<{ step: string; count: number }>> = [
        { header: 'STEP', cell: (w) => w.step, shorten: 'end', minWidth: 16 },
        { header: 'RECOVERIES', cell: (w) => String(w.count), align: 'right' },
      ];
      out.push(indent(renderTable(worked, stats.worked, { width: width - 2, wide: options.wide }).text));
      out.push('');
    }
    const r = stats.recovery;
    out.push(
      wrapText(
        r.count === 0 || r.medianMs === null || r.worstMs === null
          ? 'Recovery time: no recoveries'
          : `Recovery time: median ${formatDuration(r.medianMs)}, worst ${formatDuration(r.worstMs)} (${r.count} recover${r.count === 1 ? 'y' : 'ies'})`,
        width,
        2,
      ),
    );
  }
  const u = stats.usageLimits;
  if (stats.byKind['usage-limit'] > 0) {
    const waited = u.medianWaitMs === null || u.longestWaitMs === null ? '' : `; waited median ${formatDuration(u.medianWaitMs)}, longest ${formatDuration(u.longestWaitMs)}`;
    out.push(wrapText(`Usage limits: ${stats.byKind['usage-limit']} (${u.continued} continued, ${u.ended} ended while waiting, ${u.passed} passed through${waited})`, width, 2));
  }
  const i = stats.images;
  if (stats.byKind['image-refused'] > 0) {
    out.push(wrapText(`Refused images: ${stats.byKind['image-refused']} (${i.healedByClaude} healed by claude, ${i.removed} removed by claude-recover, ${i.left} left as they were)`, width, 2));
  }
  const g = stats.guard;
  out.push(
    wrapText(
      `Guard: ${plural(g.nearMisses, 'near-miss', 'near-misses')}, ${plural(g.autoCompacts, 'auto-compact', 'auto-compacts')}, ` +
        `${plural(g.blocksAvoided, 'block', 'blocks')} avoided${g.pending > 0 ? ` (${g.pending} still within the hour)` : ''}`,
      width,
      2,
    ),
  );
  if (stats.perDay.length > 0) {
    // The bar gets what is left of the width after `  2025-01-31  12 `, at most 24 cells.
    const barWidth = Math.max(4, Math.min(24, width - 16 - String(Math.max(...stats.perDay.map((d) => d.count))).length));
    out.push('', `Occurrences per day${stats.perDay.length === MAX_CHART_DAYS ? ` (last ${MAX_CHART_DAYS} days)` : ''}:`, dayChart(stats.perDay, barWidth));
  }
  return out.join('\n');
}

/** How claude ran for an occurrence; entries from before headless modes existed were all terminal ones. */
function modeOf(detected: DetectedEntry): RunMode {
  return detected.mode ?? 'terminal';
}

/** 212k, 1.05M, or - when unknown. */
export function formatTokens(tokens: number | null | undefined): string {
  if (typeof tokens !== 'number') return '-';
  if (tokens >= 1_000_000) return `${(tokens / 1_000_000).toFixed(2)}M`;
  if (tokens >= 1000) return `${Math.round(tokens / 1000)}k`;
  return String(tokens);
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

function dayKey(date: Date, utc = false): string {
  return utc
    ? `${date.getUTCFullYear()}-${pad2(date.getUTCMonth() + 1)}-${pad2(date.getUTCDate())}`
    : `${date.getFullYear()}-${pad2(date.getMonth() + 1)}-${pad2(date.getDate())}`;
}

function clock(date: Date, utc = false): string {
  return `${dayKey(date, utc)} ${pad2(utc ? date.getUTCHours() : date.getHours())}:${pad2(utc ? date.getUTCMinutes() : date.getMinutes())}`;
}

function addDays(date: Date, days: number, utc = false): Date {
  return utc
    ? new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate() + days))
    : new Date(date.getFullYear(), date.getMonth(), date.getDate() + days);
}

/** The warning for lines of the log that could not be read, or null when there were none. */
export function unreadableNote(unreadable: number, logFile: string): string | null {
  if (unreadable === 0) return null;
  return `skipped ${unreadable} unreadable line${unreadable === 1 ? '' : 's'} in ${logFile} (or its rotated files)`;
}
