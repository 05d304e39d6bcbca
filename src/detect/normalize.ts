// Turns a slice of terminal output into the text a reader sees, for matching: escape
// sequences stripped, cursor movement turned into whitespace, whitespace collapsed.

const NONE = 0;
const SPACE = 1;
const BREAK = 2;
type Gap = typeof NONE | typeof SPACE | typeof BREAK;

/** CSI finals that move the cursor within a line (CUF, CUB, CHA, HPA, HPR, CHT, CBT) or blank cells (ECH, ICH). */
const CSI_SPACE = new Set(['C', 'D', 'G', '`', 'a', 'I', 'Z', 'X', '@']);
/** CSI finals that move to another row, scroll or clear (CUU, CUD, CNL, CPL, CUP, HVP, VPA, VPR, SU, SD, IL, DL, ED). */
const CSI_BREAK = new Set(['A', 'B', 'E', 'F', 'H', 'f', 'd', 'e', 'S', 'T', 'L', 'M', 'J']);

/** Stands for one cell the renderer skipped because it already showed the right character: unknown text. */
export const SKIPPED = '\u0000';

/** Skips longer than this are layout (indentation, columns), not a cell left over inside a word. */
const MAX_SKIP = 8;

/**
 * The readable text of `raw[start, end)`: every whitespace run, cursor move or line change
 * becomes one space, or one `\n` when the run changes rows (a wrapped line, a newline, a
 * cursor jump). Other escape sequences (SGR, modes, OSC titles and links, DCS) vanish; a
 * sequence cut off at `end` is dropped. Leading and trailing gaps are kept (one
 * character), so a caller can tell `API ` + `Error:` from `APIError:`.
 *
 * Differential renderers (2.1.330's, and the classic one) skip cells whose content is
 * unchanged, even a single letter inside a word (`in\e[1Cerrupt` for `interrupt`). A short
 * forward move (`ESC[nC`, or `ESC[<col>G` when the column is known) therefore becomes n
 * `SKIPPED` characters — unknown cells, which may be spaces or letters — for a caller that
 * matches them as wildcards.
 */
export function normalizeScreenText(raw: string, start = 0, end = raw.length): string {
  let out = '';
  let gap: Gap = NONE;
  let i = start;
  /** 1-based cursor column when known (after a CR or an absolute move), else 0. */
  let col = 0;
  while (i < end) {
    const c = raw.charCodeAt(i);
    if (c === 0x1b || c === 0x9b) {
      const { next, effect, final, param } = skipEscape(raw, i, end);
      i = next;
      let skip = 0;
      if (final === 'C') {
        skip = param;
        if (col > 0) col += param;
      } else if (final === 'G' || final === '`') {
        if (col > 0 && param > col) skip = param - col;
        col = param;
      } else if (final === 'D') col = col > param ? col - param : 0;
      else if (final === 'E' || final === 'F') col = 1;
      else if (final === 'H' || final === 'f') col = param === 1 ? 1 : 0;
      if (skip > 0 && skip <= MAX_SKIP) {
        if (gap !== NONE) out += gap === BREAK ? '\n' : ' ';
        gap = NONE;
        out += SKIPPED.repeat(skip);
      } else if (effect > gap) gap = effect;
      continue;
    }
    if (c <= 0x20 || c === 0x7f || c === 0xa0) {
      const effect: Gap = c === 0x0a || c === 0x0d || c === 0x0b || c === 0x0c ? BREAK : c === 0x20 || c === 0x09 || c === 0x08 || c === 0xa0 ? SPACE : NONE;
      if (effect > gap) gap = effect;
      if (c === 0x0d) col = 1;
      else if ((c === 0x20 || c === 0xa0) && col > 0) col++;
      else if (c !== 0x0a && c !== 0x07) col = 0;
      i++;
      continue;
    }
    let j = i + 1;
    while (j < end) {
      const d = raw.charCodeAt(j);
      if (d <= 0x20 || d === 0x7f || d === 0xa0 || d === 0x1b || d === 0x9b) break;
      j++;
    }
    if (gap !== NONE) out += gap === BREAK ? '\n' : ' ';
    gap = NONE;
    out += raw.slice(i, j);
    if (col > 0) col += j - i;
    i = j;
  }
  if (gap !== NONE) out += gap === BREAK ? '\n' : ' ';
  return out;
}

/** Skips one escape sequence starting at `i` (ESC or the 8-bit CSI) and says what it did to the cursor. */
function skipEscape(raw: string, i: number, end: number): { next: number; effect: Gap; final?: string; param: number } {
  let j: number;
  if (raw.charCodeAt(i) === 0x9b) {
    j = i + 1;
  } else {
    if (i + 1 >= end) return { next: end, effect: NONE, param: 0 };
    const kind = raw[i + 1];
    if (kind === '[') {
      j = i + 2;
    } else if (kind === ']' || kind === 'P' || kind === '_' || kind === '^' || kind === 'X') {
      return { next: skipString(raw, i + 2, end), effect: NONE, param: 0 };
    } else if (kind === '8' || kind === 'D' || kind === 'E' || kind === 'M' || kind === 'c') {
      return { next: i + 2, effect: BREAK, param: 0 };
    } else {
      // ESC + intermediates (0x20–0x2F) + final, e.g. `ESC ( B`; or a lone two-character escape.
      let k = i + 1;
      while (k < end && raw.charCodeAt(k) >= 0x20 && raw.charCodeAt(k) <= 0x2f) k++;
      return { next: Math.min(k + 1, end), effect: NONE, param: 0 };
    }
  }
  // CSI: parameters and intermediates (0x20–0x3F), then a final byte (0x40–0x7E).
  const paramsStart = j;
  while (j < end) {
    const c = raw.charCodeAt(j);
    if (c < 0x20 || c > 0x3f) break;
    j++;
  }
  if (j >= end) return { next: end, effect: NONE, param: 0 };
  const c = raw.charCodeAt(j);
  if (c < 0x40 || c > 0x7e) return { next: j, effect: NONE, param: 0 };
  const final = raw[j] as string;
  const effect = CSI_BREAK.has(final) ? BREAK : CSI_SPACE.has(final) ? SPACE : NONE;
  // Only the plain one-number form matters (`ESC[5C`, `ESC[12G`); anything else counts as 0.
  const params = raw.slice(paramsStart, j);
  const param = /^\d{1,4}$/.test(params) ? Number(params) : params === '' ? 1 : 0;
  return { next: j + 1, effect, final, param };
}

/** Skips an OSC/DCS/APC/PM/SOS body up to and including its terminator (BEL, ESC \ or ST). */
function skipString(raw: string, j: number, end: number): number {
  while (j < end) {
    const c = raw.charCodeAt(j);
    if (c === 0x07 || c === 0x9c) return j + 1;
    if (c === 0x1b && j + 1 < end && raw[j + 1] === '\\') return j + 2;
    j++;
  }
  return end;
}
