import { describe, expect, it } from 'vitest';
import { BoxLine, hasKeystroke, InputParser, TypedText } from '../../../src/terminal/typed-input.js';

const tokens = (...chunks: string[]) => {
  const parser = new InputParser();
  return chunks.flatMap((chunk) => parser.push(chunk));
};

describe('InputParser', () => {
  it('tells keystrokes from what the terminal sends on its own', () => {
    expect(tokens('ab')).toEqual([{ type: 'text', text: 'ab' }]);
    expect(tokens('\r', '\u007f', '\u0003', '\t', '\u001b[A', '\u001b')).toEqual([
      { type: 'enter' },
      { type: 'backspace' },
      { type: 'interrupt' },
      { type: 'key' },
      { type: 'key' },
    ]);
    for (const report of ['\u001b[<35;10;5M', '\u001b[<0;3;4m', '\u001b[M !!', '\u001b[I', '\u001b[O']) {
      expect(tokens(report), JSON.stringify(report)).toEqual([{ type: 'report' }]);
      expect(hasKeystroke(tokens(report))).toBe(false);
    }
    for (const reply of ['\u001b[?1;2c', '\u001b[?0u', '\u001b]11;rgb:0000/0000/0000\u0007', '\u001bP>|xterm(390)\u001b\\', '\u001b[12;40R']) {
      expect(tokens(reply), JSON.stringify(reply)).toEqual([{ type: 'reply', raw: reply }]);
      expect(hasKeystroke(tokens(reply))).toBe(false);
    }
    expect(hasKeystroke(tokens('\u001b[<35;10;5Mx'))).toBe(true);
  });

  it('keeps a bracketed paste whole, newlines included, across chunks', () => {
    expect(tokens('x\u001b[200~line one\rline two\u001b[201~y')).toEqual([
      { type: 'text', text: 'x' },
      { type: 'paste', text: 'line one\rline two' },
      { type: 'text', text: 'y' },
    ]);
    expect(tokens('\u001b[200~ab', 'cd\u001b[20', '1~')).toEqual([{ type: 'paste', text: 'abcd' }]);
  });

  it('completes a sequence cut between chunks', () => {
    expect(tokens('a\u001b[', 'Bb')).toEqual([{ type: 'text', text: 'a' }, { type: 'key' }, { type: 'text', text: 'b' }]);
    expect(tokens('\u001b[<35;1', '0;5M')).toEqual([{ type: 'report' }]);
  });
});

describe('TypedText: what is typed while recovery runs', () => {
  it('keeps the text, applies backspace, drops Enter and other keys', () => {
    const typed = new TypedText();
    typed.add(tokens('zq7 go onn', '\u007f', '\r', '\u001b[A', '\t', '!'));
    expect(typed.enters).toBe(1);
    expect(typed.take()).toBe('zq7 go on!');
    expect(typed.take()).toBe('');
  });

  it('puts the text left in the blocked box first', () => {
    const typed = new TypedText();
    typed.add(tokens('later'));
    typed.prepend('earlier');
    expect(typed.take()).toBe('earlier later');
  });
});

describe('BoxLine: the blocked box as the keystrokes tell it', () => {
  it('follows typing and Enter, and gives up on keys it cannot follow', () => {
    const box = new BoxLine();
    box.add(tokens('hello'));
    expect(box.value).toBe('hello');
    expect(box.occupied).toBe(true);
    box.add(tokens('\r'));
    expect(box.value).toBe('');
    expect(box.occupied).toBe(false);
    box.add(tokens('ab', '\u001b[D', 'c'));
    expect(box.value).toBeNull();
    expect(box.occupied).toBe(true);
    box.add(tokens('\u0003'));
    expect(box.value).toBe('');
    box.add(tokens('\u001b[<35;10;5M'));
    expect(box.occupied).toBe(false);
  });
});
