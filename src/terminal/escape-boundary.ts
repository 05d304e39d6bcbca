// Tells whether a terminal byte stream, after the last chunk pushed, sits between escape
// sequences and characters, so that bytes of our own (a title, a bell) can be inserted there.

/** Between sequences and characters: the only state where our bytes may go. */
const GROUND = 0;
/** After ESC. */
const ESC = 1;
/** After ESC and intermediate bytes (0x20–0x2F), e.g. `ESC ( B`. */
const ESC_INTERMEDIATE = 2;
/** Inside `ESC [ …` until its final byte. */
const CSI = 3;
/** Inside `ESC ] …` until BEL or ST. */
const OSC = 4;
/** Inside DCS (`ESC P`), SOS (`ESC X`), PM (`ESC ^`) or APC (`ESC _`) until ST. */
const STRING = 5;
/** Inside a UTF-8 character, this many continuation bytes still to come (6 + n - 1). */
const UTF8_1 = 6;
const UTF8_2 = 7;
const UTF8_3 = 8;

const BYTE_ESC = 0x1b;
const BYTE_BEL = 0x07;
const BYTE_CAN = 0x18;
const BYTE_SUB = 0x1a;

/**
 * Streaming tracker of escape-sequence boundaries.
 *
 * The grammar is the VT500 parser's as a UTF-8 terminal applies it: ESC starts a new
 * sequence from any state (so `ESC \` ends OSC and DCS strings as ST); CAN and SUB cancel
 * a sequence; CSI ends at a final byte 0x40–0x7E; OSC ends at BEL or ST; DCS, SOS, PM and
 * APC end at ST only; a two-byte (or intermediate) ESC sequence ends at a byte 0x30–0x7E;
 * a byte ≥ 0x80 right after ESC cancels it. In ground, a UTF-8 lead byte (C2–DF, E0–EF,
 * F0–F4) waits for its continuation bytes; any other byte ends the wait. 8-bit C1 controls
 * are not sequences (they are UTF-8 continuation bytes to such a terminal).
 *
 * Why it is cheap: since ESC resets the state whatever came before, only the bytes after
 * the chunk's last ESC (a native `lastIndexOf`) are run through the state machine, and
 * once that reaches ground the rest can only leave a UTF-8 character open, which the last
 * three bytes tell. A string spanning chunks (a long OSC or DCS) is searched for its
 * terminator with native `indexOf`.
 */
export class EscapeBoundary {
  private state = GROUND;

  /** Feeds the next bytes of the stream. */
  push(chunk: Uint8Array): void {
    const last = chunk.lastIndexOf(BYTE_ESC);
    if (last === -1) this.state = run(chunk, 0, this.state);
    else this.state = run(chunk, last + 1, ESC);
  }

  /** True when the bytes pushed so far end between sequences and characters. */
  get atBoundary(): boolean {
    return this.state === GROUND;
  }

  /** Back to ground, e.g. for a new child whose output starts a new stream. */
  reset(): void {
    this.state = GROUND;
  }
}

/** The state after `chunk[from..]`, which contains no ESC, starting in `state`. */
function run(chunk: Uint8Array, from: number, state: number): number {
  const end = chunk.length;
  let i = from;
  while (i < end) {
    switch (state) {
      case GROUND:
        return utf8Tail(chunk, i, end);
      case OSC: {
        const stop = firstOf(chunk, i, BYTE_BEL);
        if (stop === -1) return OSC;
        state = GROUND;
        i = stop + 1;
        break;
      }
      case STRING: {
        const stop = firstOf(chunk, i, -1);
        if (stop === -1) return STRING;
        state = GROUND;
        i = stop + 1;
        break;
      }
      case CSI: {
        const byte = chunk[i++] as number;
        if ((byte >= 0x40 && byte <= 0x7e) || byte === BYTE_CAN || byte === BYTE_SUB) state = GROUND;
        break;
      }
      case ESC: {
        const byte = chunk[i] as number;
        if (byte >= 0x80) {
          state = GROUND; // reconsidered in ground: it may start a character
          break;
        }
        i++;
        if (byte === 0x5b) state = CSI;
        else if (byte === 0x5d) state = OSC;
        else if (byte === 0x50 || byte === 0x58 || byte === 0x5e || byte === 0x5f) state = STRING;
        else if (byte >= 0x20 && byte <= 0x2f) state = ESC_INTERMEDIATE;
        else if ((byte >= 0x30 && byte <= 0x7e) || byte === BYTE_CAN || byte === BYTE_SUB) state = GROUND;
        // other C0 controls and DEL are executed or ignored inside the sequence
        break;
      }
      case ESC_INTERMEDIATE: {
        const byte = chunk[i] as number;
        if (byte >= 0x80) {
          state = GROUND;
          break;
        }
        i++;
        if ((byte >= 0x30 && byte <= 0x7e) || byte === BYTE_CAN || byte === BYTE_SUB) state = GROUND;
        break;
      }
      default: {
        // Inside a UTF-8 character.
        const byte = chunk[i] as number;
        if (byte >= 0x80 && byte <= 0xbf) {
          i++;
          state = state === UTF8_1 ? GROUND : state - 1;
        } else {
          state = GROUND; // the character is cut short; this byte counts on its own
        }
      }
    }
  }
  return state;
}

/** Index of the first CAN, SUB or `extra` (−1: none) at or after `from`, or −1. */
function firstOf(chunk: Uint8Array, from: number, extra: number): number {
  let best = -1;
  const consider = (at: number): void => {
    if (at !== -1 && (best === -1 || at < best)) best = at;
  };
  if (extra !== -1) consider(chunk.indexOf(extra, from));
  consider(chunk.indexOf(BYTE_CAN, from));
  consider(chunk.indexOf(BYTE_SUB, from));
  return best;
}

/** The state after `chunk[from..end)` entered in ground with no ESC in it: ground or inside a UTF-8 character. */
function utf8Tail(chunk: Uint8Array, from: number, end: number): number {
  let continuations = 0;
  let at = end - 1;
  while (continuations < 3 && at >= from && ((chunk[at] as number) & 0xc0) === 0x80) {
    continuations++;
    at--;
  }
  if (at < from) return GROUND; // only continuation bytes after ground: stray ones
  const needed = utf8Needed(chunk[at] as number);
  return continuations < needed ? UTF8_1 + needed - continuations - 1 : GROUND;
}

/** Continuation bytes a lead byte announces (0 for ASCII, controls, stray or invalid bytes). */
function utf8Needed(byte: number): number {
  if (byte >= 0xc2 && byte <= 0xdf) return 1;
  if (byte >= 0xe0 && byte <= 0xef) return 2;
  if (byte >= 0xf0 && byte <= 0xf4) return 3;
  return 0;
}
