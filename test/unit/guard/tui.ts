// TUI-like terminal output for the guard's tests and benchmark: a seeded generator of SGR,
// cursor moves, OSC titles and links (BEL and ST), DCS, charset selections, UTF-8 box
// drawing and text, plus a plain byte-at-a-time reference parser of escape boundaries.

/** A seeded PRNG (mulberry32): the same seed gives the same output. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(next: () => number, items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
const int = (next: () => number, n: number): number => Math.floor(next() * n);

/** One token of output: a whole sequence or character run, so token edges are boundaries. */
export function tuiTokens(next: () => number, count: number, options: { odd?: boolean } = {}): Buffer[] {
  const tokens: Buffer[] = [];
  const text = ['hello', ' world', 'API Error: ', '● ', '❯\u00a0', '─'.repeat(20), '│', '╭──╮', 'Mock answer', '🙂', 'é', '\r\n', '\r', '\t', '✻ Baked'];
  for (let i = 0; i < count; i++) {
    const r = int(next, options.odd === true ? 16 : 12);
    let s: string;
    switch (r) {
      case 0:
        s = `\u001b[${pick(next, ['0', '1', '38;5;220', '48;5;237', '39', '22;2', '7', '27'])}m`;
        break;
      case 1:
        s = `\u001b[${1 + int(next, 120)}${pick(next, ['G', 'C', 'A', 'B', 'K', 'J'])}`;
        break;
      case 2:
        s = `\u001b[${1 + int(next, 30)};${1 + int(next, 120)}H`;
        break;
      case 3:
        s = `\u001b[?${pick(next, ['1049', '2004', '25', '1006', '1004'])}${pick(next, ['h', 'l'])}`;
        break;
      case 4:
        s = `\u001b]0;${pick(next, ['✳ Claude Code', '◐ Claude Code', 'x'.repeat(int(next, 400))])}${pick(next, ['\u0007', '\u001b\\'])}`;
        break;
      case 5:
        s = `\u001b]8;id=a${int(next, 99)};https://code.claude.com/docs/${'p'.repeat(int(next, 50))}\u0007`;
        break;
      case 6:
        s = `\u001bP${pick(next, ['+q544e', '$q"p', '1$r0m'])}${'d'.repeat(int(next, 300))}\u001b\\`;
        break;
      case 7:
        s = pick(next, ['\u001b(B', '\u001b)0', '\u001b7', '\u001b8', '\u001b=', '\u001b>', '\u001bM', '\u001b_Gi=1;AAAA\u001b\\']);
        break;
      default:
        if (r >= 12) {
          // Odd but legal input: cancelled sequences, C0 inside CSI, ESC cutting a string, stray bytes.
          s = pick(next, ['\u001b[12\u0018', '\u001b[1\n2m', '\u001b]0;cut\u001b[0m', '\u001bP1$\u001a', '\u001b\u00e9', '\u0080', '\u00ff'.repeat(1)]);
          if (r === 15) {
            tokens.push(Buffer.from([0xe2, 0x94]), Buffer.from('x')); // a character cut short, then ASCII
            continue;
          }
        } else {
          s = pick(next, text).repeat(1 + int(next, 4));
        }
    }
    tokens.push(Buffer.from(s, s.includes('\u00ff') || s === '\u0080' ? 'latin1' : 'utf8'));
  }
  return tokens;
}

/** Splits `data` at random points into chunks of 1 to `max` bytes. */
export function randomChunks(next: () => number, data: Buffer, max: number): Buffer[] {
  const chunks: Buffer[] = [];
  let at = 0;
  while (at < data.length) {
    const size = 1 + int(next, max);
    chunks.push(data.subarray(at, at + size));
    at += size;
  }
  return chunks;
}

/**
 * The reference: a byte-at-a-time parser of the same grammar as EscapeBoundary (see its
 * doc comment), written as plainly as possible. Returns, for every prefix length 0..n,
 * whether the stream is at a boundary there.
 */
export function referenceBoundaries(data: Uint8Array): boolean[] {
  type State = 'ground' | 'esc' | 'escInt' | 'csi' | 'osc' | 'str' | 'utf8';
  let state: State = 'ground';
  let pending = 0;
  const out: boolean[] = [true];
  for (let i = 0; i < data.length; i++) {
    const b = data[i] as number;
    let again = true;
    while (again) {
      again = false;
      if (b === 0x1b) {
        state = 'esc';
        break;
      }
      if ((b === 0x18 || b === 0x1a) && state !== 'ground' && state !== 'utf8') {
        state = 'ground';
        break;
      }
      switch (state) {
        case 'ground':
          if (b >= 0xc2 && b <= 0xdf) [state, pending] = ['utf8', 1];
          else if (b >= 0xe0 && b <= 0xef) [state, pending] = ['utf8', 2];
          else if (b >= 0xf0 && b <= 0xf4) [state, pending] = ['utf8', 3];
          break;
        case 'utf8':
          if (b >= 0x80 && b <= 0xbf) {
            pending--;
            if (pending === 0) state = 'ground';
          } else {
            state = 'ground';
            again = true;
          }
          break;
        case 'esc':
          if (b >= 0x80) {
            state = 'ground';
            again = true;
          } else if (b === 0x5b) state = 'csi';
          else if (b === 0x5d) state = 'osc';
          else if (b === 0x50 || b === 0x58 || b === 0x5e || b === 0x5f) state = 'str';
          else if (b >= 0x20 && b <= 0x2f) state = 'escInt';
          else if (b >= 0x30 && b <= 0x7e) state = 'ground';
          break;
        case 'escInt':
          if (b >= 0x80) {
            state = 'ground';
            again = true;
          } else if (b >= 0x30 && b <= 0x7e) state = 'ground';
          break;
        case 'csi':
          if (b >= 0x40 && b <= 0x7e) state = 'ground';
          break;
        case 'osc':
          if (b === 0x07) state = 'ground';
          break;
        case 'str':
          break;
      }
    }
    out.push(state === 'ground');
  }
  return out;
}
