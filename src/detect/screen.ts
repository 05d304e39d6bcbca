// The screen channel: a pure streaming detector fed the PTY output, which reports the CLI's
// own rendering of a block (every kind of the registry in src/blocks/). No timers, no I/O,
// bounded memory.
import type { BlockKind } from '../blocks/index.js';
import { API_ERROR_ANCHOR as ANCHOR, API_ERROR_LEAD_INS as LEAD_INS, COMPACTION_LEAD_INS, RESPONSE_GUTTER, TURN_MARKERS } from '../blocks/cli.js';
import { matchBody } from '../blocks/wordings.js';
import { Utf8Stream } from '../terminal/decode.js';
import { compileBlocks, type KindWordings } from './patterns.js';
import { normalizeScreenText } from './normalize.js';

/** One rendering of a block on screen. */
export interface BlockMatch {
  kind: BlockKind;
  /** Which wording, e.g. `usage-credits-1m`, `compaction:usage-credits-1m`, `custom-1`, `five-hour`. */
  variant: string;
  /** The message as far as it was drawn (normalized, at most MAX_BODY characters): what a caller without the transcript reads the facts from. */
  body: string;
  /**
   * True when this is a redraw of an error already reported: no request was seen on screen
   * since the last reported match (or since construction / `rebase()`). A caller counting
   * occurrences from the screen alone skips these; a caller that can check the transcript
   * may still look there.
   */
  repaint: boolean;
  /**
   * Offset of the match's anchor (`Error:`, `You'`) in the stream: characters pushed since
   * construction; with pushBytes, stretches that were skipped undecoded count in bytes.
   */
  offset: number;
}


export interface ScreenDetectorOptions {
  /**
   * `claude -p` output: no TUI, so no redraws and no busy footer; every match is new, and a
   * message at the start of a line (`API Error: …`, `You've hit your …`) counts as the CLI's
   * rendering.
   */
  print?: boolean;
}

/** Raw characters kept before an anchor: enough for the lead-in (`● API`, `Error during compaction: API`) with its escapes. */
const LOOKBACK = 512;
/** Raw characters after an anchor within which the core must be drawn. */
const LOOKAHEAD = 4096;
/** Normalized characters of the body past which no pattern can still match. */
const MAX_BODY = 400;

/** A lead-in as a regex: literal, with a cursor move or skipped cell allowed between its words. */
const leadSource = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/ /g, '[\\s\\x00]+');
/** `API` then the gap before `Error:`; each letter may be a skipped cell, not all three. */
const API = String.raw`(?:API|[A\x00][P\x00]I|[A\x00]P[I\x00]|A[P\x00][I\x00])[\s\x00]+$`;
const GAP = String.raw`[\s\x00]{0,3}[:·]?[\s\x00]{0,3}`;
const LEAD_IN = new RegExp(`(?:${LEAD_INS.map(leadSource).join('|')})${GAP}${API}`);
const COMPACTION_LEAD_IN = new RegExp(`(?:${COMPACTION_LEAD_INS.map(leadSource).join('|')})${GAP}${API}`);
const LINE_START_LEAD_IN = new RegExp(String.raw`(?:^|\n)${API}`);
/** The response gutter right before the anchor (`⎿  You've hit your …`). */
const RESPONSE_LEAD_IN = new RegExp(`${leadSource(RESPONSE_GUTTER)}[\\s\\x00]{0,4}$`);
const LINE_START = /(?:^|\n)$/;

type Verdict = { kind: 'match'; block: BlockKind; variant: string; body: string } | { kind: 'pending' } | { kind: 'no' };

/**
 * A word the detector searches the raw output for, and the kinds drawn with it: `Error:` (of
 * `API Error:`) for the `api-error` renderings, each `response` rendering's own start.
 */
interface Anchor {
  text: string;
  bytes: Buffer;
  rendering: 'api-error' | 'response';
  kinds: KindWordings[];
}

/** An anchor found in the stream: where (absolute offset) and which. */
interface Found {
  at: number;
  anchor: Anchor;
}

/** The anchors of every kind of the registry, the `api-error` one first. */
function anchorsOf(kinds: readonly KindWordings[]): Anchor[] {
  const anchors: Anchor[] = [{ text: ANCHOR, bytes: Buffer.from(ANCHOR), rendering: 'api-error', kinds: [] }];
  for (const kind of kinds) {
    const { rendering, anchor } = kind.spec.screen;
    if (rendering === 'api-error') (anchors[0] as Anchor).kinds.push(kind);
    else if (anchor !== undefined) {
      const same = anchors.find((each) => each.text === anchor);
      if (same) same.kinds.push(kind);
      else anchors.push({ text: anchor, bytes: Buffer.from(anchor), rendering, kinds: [kind] });
    }
  }
  return anchors;
}

/** The anchors other than `Error:` (its search is special: broken forms, the `API` prefilter). */
const others = (anchors: readonly Anchor[]): Anchor[] => anchors.filter((anchor) => anchor.rendering !== 'api-error');

/**
 * Streaming detector of the blocks the CLI renders (the kinds of src/blocks/).
 *
 * How it stays cheap: each chunk is searched (`indexOf`) for the anchors, words every
 * rendering has unbroken: `Error:` (of `API Error:`, with a trace of `API` in the 64
 * characters before it, see hasCandidate) and each `response` kind's start (`You'` of
 * `You've hit your …`); only around such an anchor is a window normalized
 * (`normalizeScreenText`) and matched. The window is `LOOKBACK` raw characters before the
 * anchor (the lead-in: `●`/`⏺`/`⎿`/`Error during compaction:` then `API`, or the `⎿`
 * gutter) and up to `LOOKAHEAD` after it (the message); an anchor whose message is not drawn
 * yet stays pending across chunks until it arrives or the lookahead is exhausted. The
 * message is matched against the wordings of each kind drawn with that anchor, in registry
 * order. Memory is a tail of at most LOOKBACK + LOOKAHEAD + one chunk.
 *
 * One event per occurrence: a block needs a request, and a request shows the busy footer
 * (`esc to interrupt`) or `Compacting conversation…` on screen (matched as fragments, see
 * TURN_MARKERS: real renderers draw them word by word or with cells skipped). A match is
 * new when such a marker was drawn since the last new match; otherwise it is a repaint (the TUI redrawing
 * the same conversation on a resize, a scroll, `ctrl+o`, or a `--resume` that replays old
 * errors) and is returned with `repaint: true`. The detector starts, and `rebase()` puts it
 * back, in the state "nothing new until a request is seen". The transcript stays the
 * authority: see BlockWatcher.
 *
 * Bytes (pushBytes, what the session feeds): most chunks of TUI output hold no `E` followed
 * by `r` or a cursor move (every `Error:`, whole or broken, starts so), no other anchor and,
 * once armed, need no marker either. Such a chunk is not decoded at all: its bytes are only
 * kept as the raw tail. The first chunk that may matter is decoded together with that tail
 * (enough bytes for LOOKBACK characters), and decoding goes on while anchors are pending.
 * The answers are the ones push() gives on the decoded stream.
 */
export class ScreenDetector {
  /** Extra patterns from the config that are not valid regular expressions (skipped). */
  readonly invalidPatterns: readonly string[];
  private readonly anchors: Anchor[];
  /** The anchors searched by plain indexOf (all but `Error:`). */
  private readonly plain: Anchor[];
  private readonly print: boolean;
  /** Characters pushed so far: the absolute offset of the end of the stream. */
  private pos = 0;
  /** The last raw characters of the stream: covers [pos - tail.length, pos). */
  private tail = '';
  /** Anchors whose message may still be drawn, in stream order. */
  private pending: Found[] = [];
  /** A request was seen on screen since the last new match. */
  private armed: boolean;
  /** Turn markers before this absolute offset have been looked at already. */
  private markerFrom = 0;
  /** pushBytes: the last bytes of the stream, at least RAW_TAIL of them when there are (a whole chunk, not copied), to decode when a chunk matters. */
  private rawTail: Buffer = EMPTY;
  /** pushBytes: the decoder while the decoded stream is continuous up to `pos`; null after a skipped chunk. */
  private decoder: Utf8Stream | null = null;

  constructor(extraPatterns: readonly string[] = [], options: ScreenDetectorOptions = {}) {
    const { kinds, invalid } = compileBlocks(extraPatterns);
    this.anchors = anchorsOf(kinds);
    this.plain = others(this.anchors);
    this.invalidPatterns = invalid;
    this.print = options.print === true;
    this.armed = this.print;
  }

  /** Feeds the next decoded chunk; returns the renderings completed by it, in stream order. */
  push(chunk: string): BlockMatch[] {
    if (chunk.length === 0) return [];
    const chunkAt = this.pos;
    const edge = this.edge(chunk);
    const hasAnchor =
      hasCandidate(chunk) ||
      edge.text.indexOf(ANCHOR) !== -1 ||
      findBroken(this.tail.slice(-BROKEN_ANCHOR_MAX) + chunk.slice(0, BROKEN_ANCHOR_MAX), 0, Math.min(this.tail.length, BROKEN_ANCHOR_MAX)).length > 0 ||
      this.plain.some((anchor) => chunk.indexOf(anchor.text) !== -1 || edge.text.indexOf(anchor.text) !== -1);
    if (!hasAnchor && this.pending.length === 0) {
      if (!this.armed && !this.print && this.hasMarker(chunk, edge.text)) this.armed = true;
      this.advance(chunk);
      return [];
    }

    // Slow path: near a candidate. Work on tail + chunk with absolute offsets.
    const text = this.tail + chunk;
    const base = chunkAt - this.tail.length;
    this.pos += chunk.length;
    const chunkStart = chunkAt - base;
    const api = this.anchors[0] as Anchor;
    const found: Found[] = [
      ...findAll(text, ANCHOR, Math.max(0, chunkStart - (ANCHOR.length - 1))).map((at) => ({ at, anchor: api })),
      ...findBroken(text, Math.max(0, chunkStart - BROKEN_ANCHOR_MAX), chunkStart).map((at) => ({ at, anchor: api })),
      ...this.plain.flatMap((anchor) => findAll(text, anchor.text, Math.max(0, chunkStart - (anchor.text.length - 1))).map((at) => ({ at, anchor }))),
    ].sort((a, b) => a.at - b.at);
    const fresh = found.map(({ at, anchor }) => ({ at: at + base, anchor })).filter((one) => !this.pending.some((known) => known.at === one.at));
    const anchors = [...this.pending, ...fresh];
    const markers = this.print ? [] : findMarkers(text, Math.max(0, this.markerFrom - base)).map((at) => at + base);
    const matches: BlockMatch[] = [];
    const stillPending: Found[] = [];
    let mi = 0;
    for (const one of anchors) {
      const { at } = one;
      // Markers drawn before this anchor arm it; none are consumed past a pending anchor, whose verdict is not known yet.
      if (stillPending.length === 0) {
        while (mi < markers.length && (markers[mi] as number) < at) {
          this.armed = true;
          mi++;
        }
      }
      const verdict = this.judge(text, base, one);
      if (verdict.kind === 'pending') stillPending.push(one);
      else if (verdict.kind === 'match') {
        matches.push({ kind: verdict.block, variant: verdict.variant, body: verdict.body, repaint: !this.armed, offset: at });
        if (!this.print) this.armed = false;
        while (mi < markers.length && (markers[mi] as number) < at) mi++;
      }
    }
    if (stillPending.length === 0) {
      if (mi < markers.length) this.armed = true;
      this.markerFrom = Math.max(0, this.pos - maxMarkerLength());
    } else {
      this.markerFrom = (stillPending[0] as Found).at;
    }
    this.pending = stillPending;
    const keepFrom = Math.min(this.pos - LOOKBACK, stillPending.length > 0 ? (stillPending[0] as Found).at - LOOKBACK : Infinity, this.markerFrom);
    this.tail = text.slice(Math.max(0, keepFrom - base));
    return matches;
  }

  /**
   * Feeds the next chunk of raw output (UTF-8, a character may be split across chunks); returns
   * the renderings completed by it. Decodes only chunks that may matter (see the class comment).
   * Chunks are kept by reference for the raw tail: they must not be changed afterwards. Feed a
   * stream either this way or with push(), not both.
   */
  pushBytes(chunk: Buffer): BlockMatch[] {
    if (chunk.length === 0) return [];
    if (this.pending.length === 0 && !this.mayMatter(chunk)) {
      // Skipped: the decoded stream has a gap here, the raw tail goes on.
      this.decoder = null;
      this.keepRaw(chunk);
      this.pos += chunk.length;
      this.tail = '';
      this.markerFrom = this.pos;
      return [];
    }
    if (this.decoder === null) {
      // After a gap: the raw tail, decoded from its first whole character, becomes the tail.
      this.decoder = new Utf8Stream();
      const raw = this.rawTail;
      let start = Math.max(0, raw.length - RAW_TAIL);
      while (start < raw.length && ((raw[start] as number) & 0xc0) === 0x80) start++;
      this.tail = this.decoder.write(raw.subarray(start));
      // Its markers were looked at already, but for one that ends in this chunk.
      this.markerFrom = Math.max(0, this.pos - (maxMarkerLength() - 1));
    }
    const text = this.decoder.write(chunk);
    this.keepRaw(chunk);
    return this.push(text);
  }

  /**
   * Whether a chunk may hold an anchor (`Error:` whole or broken: `E` then `r` or ESC `[`; the
   * others whole) or, unarmed, a turn marker, in itself or across the split from the bytes
   * before it. All of them are ASCII, so bytes stand for characters here.
   */
  private mayMatter(chunk: Buffer): boolean {
    if (holdsAnchorStart(chunk)) return true;
    for (const anchor of this.plain) if (chunk.indexOf(anchor.bytes) !== -1) return true;
    const unarmed = !this.armed && !this.print;
    if (unarmed && holdsMarker(chunk)) return true;
    const tail = this.rawTail;
    const n = tail.length;
    if (n === 0) return false;
    // An anchor cut by the split (`Erro` | `r:`, `E` ESC `[5` | `Cror:`): its `E` is among the last bytes before.
    if (tail.indexOf(BYTE_E, Math.max(0, n - BROKEN_ANCHOR_MAX)) !== -1) return true;
    for (const anchor of this.plain) if (tail.indexOf(anchor.bytes[0] as number, Math.max(0, n - (anchor.bytes.length - 1))) !== -1) return true;
    return unarmed && markerAcross(tail, chunk);
  }

  /** Keeps the last RAW_TAIL bytes of the stream at least: the chunk itself when it is long enough (no allocation on the hot path). */
  private keepRaw(chunk: Buffer): void {
    if (chunk.length >= RAW_TAIL) this.rawTail = chunk;
    else {
      const kept = this.rawTail.subarray(Math.max(0, this.rawTail.length - (RAW_TAIL - chunk.length)));
      this.rawTail = Buffer.concat([kept, chunk]);
    }
  }

  /** From now on, a match is a repaint until a request is seen on screen (call after a resume). */
  rebase(): void {
    if (this.print) return;
    this.armed = false;
    this.markerFrom = this.pos;
  }

  /** Decides one anchor: the lead-in before it, the message after (or from) it. */
  private judge(text: string, base: number, found: Found): Verdict {
    const rel = found.at - base;
    const lookbackStart = Math.max(0, rel - LOOKBACK);
    let before = normalizeScreenText(text, lookbackStart, rel);
    if (this.print && base + lookbackStart === 0) before = `\n${before}`;
    const api = found.anchor.rendering === 'api-error';
    const compaction = api && COMPACTION_LEAD_IN.test(before);
    const led = api
      ? compaction || LEAD_IN.test(before) || (this.print && LINE_START_LEAD_IN.test(before))
      : RESPONSE_LEAD_IN.test(before) || (this.print && LINE_START.test(before));
    if (!led) return { kind: 'no' };
    const lookaheadEnd = Math.min(text.length, rel + LOOKAHEAD);
    const after = normalizeScreenText(text, api ? anchorEnd(text, rel) : rel, lookaheadEnd);
    const body = after.trimStart().slice(0, MAX_BODY);
    for (const { spec, wordings } of found.anchor.kinds) {
      const variant = matchBody(body, wordings);
      if (variant !== null) return { kind: 'match', block: spec.kind, variant: compaction ? `compaction:${variant}` : variant, body };
    }
    return body.length < MAX_BODY && lookaheadEnd - rel < LOOKAHEAD ? { kind: 'pending' } : { kind: 'no' };
  }

  /** The last few characters of the tail and the first few of the chunk: where a word may straddle the split. */
  private edge(chunk: string): { text: string } {
    const width = maxMarkerLength() - 1;
    return { text: this.tail.slice(-width) + chunk.slice(0, width) };
  }

  private hasMarker(chunk: string, edge: string): boolean {
    return containsMarker(chunk) || containsMarker(edge);
  }

  /** Fast path: keep only the last LOOKBACK characters. */
  private advance(chunk: string): void {
    this.pos += chunk.length;
    if (chunk.length >= LOOKBACK) this.tail = chunk.slice(-LOOKBACK);
    else {
      this.tail += chunk;
      if (this.tail.length > 2 * LOOKBACK) this.tail = this.tail.slice(-LOOKBACK);
    }
    this.markerFrom = Math.max(0, this.pos - (maxMarkerLength() - 1));
  }
}

const EMPTY = Buffer.alloc(0);
/** Raw bytes kept for the lookback when a chunk after skipped ones matters: LOOKBACK characters even at 4 bytes each. */
const RAW_TAIL = 4 * LOOKBACK;
const BYTE_E = 0x45;
const BYTE_R = 0x72;
const BYTE_ESC = 0x1b;
const BYTE_LBRACKET = 0x5b;

/**
 * Whether the bytes hold the start of an anchor: every anchor, whole or with letters skipped
 * (see BROKEN_ANCHOR_SOURCE), starts with `E` then `r` or a cursor move. One native scan for
 * `E`, which TUI output and prose seldom have.
 */
function holdsAnchorStart(bytes: Buffer): boolean {
  for (let at = bytes.indexOf(BYTE_E); at !== -1; at = bytes.indexOf(BYTE_E, at + 1)) {
    const next = bytes[at + 1];
    if (next === BYTE_R || (next === BYTE_ESC && bytes[at + 2] === BYTE_LBRACKET)) return true;
  }
  return false;
}

/** Raw characters before an anchor that must hold what is left of `API` (see hasCandidate). */
const QUICK_LOOKBACK = 64;
/** `API` with at most one letter skipped by the renderer (`AP`, `PI`, or `A` ESC[1C `I`). */
const QUICK_API = /AP|PI|A\u001b\[1CI/;

/**
 * `Error:` with one or two of its letters skipped by the renderer: a cell left as it was in
 * the previous frame is not written again, so the raw stream has a cursor move in its place
 * (seen on 2.1.200 in CI: `API Err` ESC[11G `r: Usage credits…`). The first letter stays, so
 * the search can start from `E`.
 */
const BROKEN_ANCHOR_SOURCE = ((): string => {
  const move = '\\u001b\\[\\d{1,3}[CG]';
  const alternatives: string[] = [];
  for (let kept = 1; kept < ANCHOR.length; kept++) {
    for (let skipped = 1; skipped <= 2 && kept + skipped < ANCHOR.length; skipped++) {
      alternatives.push(`${ANCHOR.slice(0, kept)}${move}${ANCHOR.slice(kept + skipped)}`);
    }
  }
  return alternatives.join('|');
})();
const BROKEN_ANCHOR = new RegExp(BROKEN_ANCHOR_SOURCE, 'g');
const BROKEN_ANCHOR_AT = new RegExp(BROKEN_ANCHOR_SOURCE, 'y');

/** The longest raw form of a broken anchor (`Erro` ESC[999G `:` is 12), with room to spare. */
const BROKEN_ANCHOR_MAX = 16;

/**
 * Offsets of anchors whose letters were partly skipped (see BROKEN_ANCHOR), from `from` on,
 * that end after `endsAfter` (earlier ones were judged with the text before).
 */
function findBroken(text: string, from: number, endsAfter = -1): number[] {
  if (text.indexOf('E\u001b[', from) === -1 && text.indexOf('Er', from) === -1) return [];
  const found: number[] = [];
  BROKEN_ANCHOR.lastIndex = from;
  for (let match = BROKEN_ANCHOR.exec(text); match !== null; match = BROKEN_ANCHOR.exec(text)) {
    if (match.index + match[0].length > endsAfter) found.push(match.index);
  }
  return found;
}

/** Where the anchor starting at `at` ends in the raw text: after `Error:`, or after its broken form. */
function anchorEnd(text: string, at: number): number {
  if (text.startsWith(ANCHOR, at)) return at + ANCHOR.length;
  BROKEN_ANCHOR_AT.lastIndex = at;
  const match = BROKEN_ANCHOR_AT.exec(text);
  return match === null ? at + ANCHOR.length : at + match[0].length;
}

/**
 * The prefilter: does the chunk hold an `Error:` that may be the CLI's `API Error:`? An
 * anchor with no trace of `API` in the 64 raw characters before it (`TypeError:`, log
 * lines) is rejected here without building any window; one too close to the chunk start
 * to tell counts as a candidate.
 */
function hasCandidate(chunk: string): boolean {
  for (let at = chunk.indexOf(ANCHOR); at !== -1; at = chunk.indexOf(ANCHOR, at + 1)) {
    if (at < QUICK_LOOKBACK || QUICK_API.test(chunk.slice(at - QUICK_LOOKBACK, at))) return true;
  }
  for (const at of findBroken(chunk, 0)) {
    if (at < QUICK_LOOKBACK || QUICK_API.test(chunk.slice(at - QUICK_LOOKBACK, at))) return true;
  }
  return false;
}

/**
 * The turn markers that contain `rr` (`interr`, `errupt`) are looked for where `rr` occurs,
 * the others by themselves: on prose, where the detector is not armed and looks at every
 * chunk, one pass for `rr` costs half of one pass per marker (`i` and `e` start a match
 * attempt at nearly every word).
 */
const MARKER_KEY = 'rr';
const KEYED_MARKERS = TURN_MARKERS.filter((marker) => marker.includes(MARKER_KEY)).map((marker) => ({ marker, at: marker.indexOf(MARKER_KEY) }));
const OTHER_MARKERS = TURN_MARKERS.filter((marker) => !marker.includes(MARKER_KEY));

/** Whether any turn marker occurs in the text; the same answer as one indexOf per marker. */
export function containsMarker(text: string): boolean {
  for (const marker of OTHER_MARKERS) if (text.indexOf(marker) !== -1) return true;
  if (KEYED_MARKERS.length === 0) return false;
  for (let i = text.indexOf(MARKER_KEY); i !== -1; i = text.indexOf(MARKER_KEY, i + 1)) {
    for (const { marker, at } of KEYED_MARKERS) if (i >= at && text.startsWith(marker, i - at)) return true;
  }
  return false;
}

/** containsMarker on bytes, the same way: the markers with `rr` where `rr` occurs, the others by themselves. */
const RR = Buffer.from(MARKER_KEY);
const KEYED_MARKER_BYTES = KEYED_MARKERS.map(({ marker, at }) => ({ bytes: Buffer.from(marker), at }));
const OTHER_MARKER_BYTES = OTHER_MARKERS.map((marker) => Buffer.from(marker));

function holdsMarker(bytes: Buffer): boolean {
  for (const marker of OTHER_MARKER_BYTES) if (bytes.indexOf(marker) !== -1) return true;
  if (KEYED_MARKER_BYTES.length === 0) return false;
  for (let i = bytes.indexOf(RR); i !== -1; i = bytes.indexOf(RR, i + 1)) {
    for (const { bytes: marker, at } of KEYED_MARKER_BYTES) if (bytesAt(bytes, i - at, marker, 0, marker.length)) return true;
  }
  return false;
}

const MARKER_BYTES = TURN_MARKERS.map((marker) => Buffer.from(marker));

/** Whether a marker straddles the split: `before` ends with its first k bytes and `chunk` starts with the rest. */
function markerAcross(before: Buffer, chunk: Buffer): boolean {
  for (const marker of MARKER_BYTES) {
    for (let k = 1; k < marker.length; k++) {
      if (bytesAt(chunk, 0, marker, k, marker.length) && bytesAt(before, before.length - k, marker, 0, k)) return true;
    }
  }
  return false;
}

/** Whether `bytes` at `at` holds `pattern[from, to)` (false when it would run past either end). */
function bytesAt(bytes: Buffer, at: number, pattern: Buffer, from: number, to: number): boolean {
  if (at < 0 || at + (to - from) > bytes.length) return false;
  for (let k = from; k < to; k++) if (bytes[at + k - from] !== pattern[k]) return false;
  return true;
}

let markerLength = 0;
function maxMarkerLength(): number {
  if (markerLength === 0) markerLength = Math.max(ANCHOR.length, ...TURN_MARKERS.map((marker) => marker.length));
  return markerLength;
}

function findAll(text: string, needle: string, from: number): number[] {
  const found: number[] = [];
  for (let at = text.indexOf(needle, from); at !== -1; at = text.indexOf(needle, at + 1)) found.push(at);
  return found;
}

function findMarkers(text: string, from: number): number[] {
  const found: number[] = [];
  for (const marker of TURN_MARKERS) found.push(...findAll(text, marker, from));
  return found.sort((a, b) => a - b);
}
