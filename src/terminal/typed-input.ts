// What the person types, as claude-recover needs to know it: which input is a keystroke at
// all (mouse moves and the terminal's answers to queries are not), the text typed into the
// blocked claude's box since its last Enter, and the text typed while recovery runs. Both
// texts keep what was typed and drop every Enter: nothing is sent without the person
// pressing Enter again once they can see what it sends.

/** One piece of terminal input. */
export type InputToken =
  | { type: 'text'; text: string }
  /** The content of a bracketed paste (newlines in it do not submit). */
  | { type: 'paste'; text: string }
  | { type: 'enter' }
  | { type: 'backspace' }
  /** Ctrl-C. */
  | { type: 'interrupt' }
  /** Any other key: arrows, Tab, Esc, function keys, Ctrl-<letter>. */
  | { type: 'key' }
  /** Not a keystroke: a mouse report, focus in/out. */
  | { type: 'report' }
  /** Not a keystroke: the terminal answering a query of the child's (device attributes, colours, cursor position…). */
  | { type: 'reply'; raw: string };

const ESC = '\u001b';
const PASTE_START = '\u001b[200~';
const PASTE_END = '\u001b[201~';

/**
 * Splits terminal input into tokens. Stateful across chunks: a bracketed paste or an escape
 * sequence cut at a chunk boundary is completed by the next chunk.
 */
export class InputParser {
  private carry = '';
  private pasting: string | null = null;

  push(data: Buffer | string): InputToken[] {
    const input = this.carry + (typeof data === 'string' ? data : data.toString('utf8'));
    this.carry = '';
    const tokens: InputToken[] = [];
    let text = '';
    const flush = (): void => {
      if (text !== '') tokens.push({ type: 'text', text });
      text = '';
    };
    let i = 0;
    while (i < input.length) {
      if (this.pasting !== null) {
        const end = input.indexOf(PASTE_END, i);
        if (end === -1) {
          // Keep a possible start of the end marker for the next chunk.
          const keep = partialSuffix(input.slice(i), PASTE_END);
          this.pasting += input.slice(i, input.length - keep);
          this.carry = input.slice(input.length - keep);
          return tokens;
        }
        tokens.push({ type: 'paste', text: this.pasting + input.slice(i, end) });
        this.pasting = null;
        i = end + PASTE_END.length;
        continue;
      }
      const char = input[i] as string;
      if (char === ESC) {
        const length = sequenceLength(input, i);
        if (length === 0) {
          // Incomplete at the end of the chunk: wait for the rest.
          flush();
          this.carry = input.slice(i);
          return tokens;
        }
        const sequence = input.slice(i, i + length);
        i += length;
        if (sequence === PASTE_START) {
          flush();
          this.pasting = '';
          continue;
        }
        flush();
        tokens.push(isReply(sequence) ? { type: 'reply', raw: sequence } : isReport(sequence) ? { type: 'report' } : { type: 'key' });
        continue;
      }
      const code = char.charCodeAt(0);
      if (char === '\r' || char === '\n') {
        flush();
        tokens.push({ type: 'enter' });
      } else if (code === 0x7f || code === 0x08) {
        flush();
        tokens.push({ type: 'backspace' });
      } else if (code === 0x03) {
        flush();
        tokens.push({ type: 'interrupt' });
      } else if (code < 0x20) {
        flush();
        tokens.push({ type: 'key' });
      } else {
        text += char;
      }
      i++;
    }
    flush();
    return tokens;
  }
}

/** Length of the escape sequence at `at` (ESC included), or 0 when the input ends inside it. */
function sequenceLength(input: string, at: number): number {
  const next = input[at + 1];
  if (next === undefined) return 0;
  if (next === '[') {
    // X10 mouse: ESC [ M and three raw bytes.
    if (input[at + 2] === 'M' && !/[\d;]/.test(input[at + 3] ?? 'x')) return input.length >= at + 6 ? 6 : 0;
    for (let j = at + 2; j < input.length; j++) {
      const code = input.charCodeAt(j);
      if (code >= 0x40 && code <= 0x7e) return j - at + 1;
    }
    return 0;
  }
  if (next === ']' || next === 'P' || next === '_' || next === '^') {
    // OSC / DCS / APC / PM: up to BEL or ST.
    for (let j = at + 2; j < input.length; j++) {
      if (input[j] === '\u0007') return j - at + 1;
      if (input[j] === ESC && input[j + 1] === '\\') return j - at + 2;
    }
    return 0;
  }
  if (next === 'O') return input.length >= at + 3 ? 3 : 0; // SS3: F1–F4, keypad, arrows in application mode
  return 2; // Alt+key, or Esc followed by a key
}

/** Input a terminal sends on its own about the mouse and focus. */
function isReport(sequence: string): boolean {
  if (sequence.startsWith('\u001b[M') && sequence.length === 6) return true; // X10 mouse
  if (/^\u001b\[<[\d;]*[Mm]$/.test(sequence)) return true; // SGR mouse
  return sequence === '\u001b[I' || sequence === '\u001b[O'; // focus
}

/** The terminal's answer to a query: DA, DECRPM, kitty flags, XTVERSION, colours, cursor position. */
function isReply(sequence: string): boolean {
  if (/^\u001b\[[?>=][\d;:$]*[a-zA-Z]$/.test(sequence)) return true;
  if (/^\u001b\[\d+;\d+R$/.test(sequence)) return true;
  const kind = sequence[1];
  return kind === ']' || kind === 'P' || kind === '_' || kind === '^';
}

/** How many characters at the end of `text` are a proper prefix of `marker`. */
function partialSuffix(text: string, marker: string): number {
  for (let n = Math.min(marker.length - 1, text.length); n > 0; n--) {
    if (marker.startsWith(text.slice(text.length - n))) return n;
  }
  return 0;
}

/** True when `data` holds at least one keystroke (not only mouse, focus or the terminal's replies). */
export function hasKeystroke(tokens: readonly InputToken[]): boolean {
  return tokens.some((token) => token.type !== 'report' && token.type !== 'reply');
}

/**
 * Text typed, with the editing a person expects from an input box applied: backspace removes
 * the last character, Enter is dropped (and counted), other keys are dropped.
 */
export class TypedText {
  private text = '';
  /** Enter presses dropped. */
  enters = 0;

  add(tokens: readonly InputToken[]): void {
    for (const token of tokens) {
      if (token.type === 'text' || token.type === 'paste') this.text += token.text;
      else if (token.type === 'backspace') this.text = Array.from(this.text).slice(0, -1).join('');
      else if (token.type === 'enter') this.enters++;
    }
  }

  prepend(text: string): void {
    if (text === '') return;
    this.text = this.text === '' ? text : `${text} ${this.text}`;
  }

  /** The text so far, and starts afresh. */
  take(): string {
    const text = this.text;
    this.text = '';
    this.enters = 0;
    return text;
  }
}

/**
 * The text in the child's input box as far as the keystrokes sent to it tell: what was typed
 * since the last Enter. A key that edits in ways not followed here (arrows, Tab, history,
 * Ctrl-<letter>) makes it unknown until the next Enter; Ctrl-C empties the box (the CLI
 * clears typed text on Ctrl-C).
 */
export class BoxLine {
  private text = '';
  private known = true;

  add(tokens: readonly InputToken[]): void {
    for (const token of tokens) {
      switch (token.type) {
        case 'text':
        case 'paste':
          this.text += token.text;
          break;
        case 'backspace':
          this.text = Array.from(this.text).slice(0, -1).join('');
          break;
        case 'enter':
        case 'interrupt':
          this.text = '';
          this.known = true;
          break;
        case 'key':
          this.known = false;
          break;
        case 'report':
        case 'reply':
          break;
      }
    }
  }

  /** The box's text when it is known, else null. */
  get value(): string | null {
    return this.known ? this.text : null;
  }

  /** Whether the person has anything in the box (or may have: unknown counts as yes). */
  get occupied(): boolean {
    return !this.known || this.text !== '';
  }

  reset(): void {
    this.text = '';
    this.known = true;
  }
}
