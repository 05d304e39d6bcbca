import { describe, expect, it } from 'vitest';
import { colourEnabled, coloursFor } from '../../../src/ui/colour.js';
import { displayWidth, fitWidth, terminalColumns, wrapWidth } from '../../../src/ui/width.js';

describe('colour', () => {
  it('is on for a terminal, off when piped', () => {
    expect(colourEnabled({ isTTY: true }, {})).toBe(true);
    expect(colourEnabled({ isTTY: false }, {})).toBe(false);
    expect(colourEnabled({}, {})).toBe(false);
  });
  it('honours NO_COLOR, FORCE_COLOR and TERM=dumb', () => {
    expect(colourEnabled({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(colourEnabled({ isTTY: true }, { NO_COLOR: '' })).toBe(true);
    expect(colourEnabled({ isTTY: false }, { FORCE_COLOR: '1' })).toBe(true);
    expect(colourEnabled({ isTTY: true }, { FORCE_COLOR: '0' })).toBe(false);
    expect(colourEnabled({ isTTY: true }, { FORCE_COLOR: '1', NO_COLOR: '1' })).toBe(true);
    expect(colourEnabled({ isTTY: true }, { TERM: 'dumb' })).toBe(false);
  });
  it('gives escape sequences only when on', () => {
    expect(coloursFor({ isTTY: true }, {}).red('x')).toBe('\u001b[31mx\u001b[39m');
    expect(coloursFor({ isTTY: false }, {}).red('x')).toBe('x');
  });
});

describe('width', () => {
  it('counts wide glyphs as two columns and escapes as none', () => {
    expect(displayWidth('abc')).toBe(3);
    expect(displayWidth('日本')).toBe(4);
    expect(displayWidth('\u001b[31mab\u001b[39m')).toBe(2);
    expect(displayWidth('⠋ ·')).toBe(3);
  });
  it('fits text to a width, never over', () => {
    expect(fitWidth('short', 10)).toBe('short');
    expect(fitWidth('a long line of text', 10)).toBe('a long li…');
    expect(displayWidth(fitWidth('日本語のテキストです', 7))).toBeLessThanOrEqual(7);
    expect(fitWidth('/home/me/projects/deep/folder/file.jsonl', 20, 'middle')).toMatch(/^\/home\/me.*….*\.jsonl$/);
    expect(fitWidth('anything', 0)).toBe('');
  });
  it('takes the terminal width, else COLUMNS, else 80', () => {
    expect(terminalColumns({ isTTY: true, columns: 120 }, {})).toBe(120);
    expect(terminalColumns({ isTTY: false }, { COLUMNS: '40' })).toBe(40);
    expect(terminalColumns({ isTTY: false }, {})).toBe(80);
  });
});

describe('wrapWidth', () => {
  it('breaks at spaces within the width, keeps line breaks and indentation, cuts a word too long', () => {
    expect(wrapWidth('one two three four', 9)).toEqual(['one two', 'three', 'four']);
    expect(wrapWidth('a\n  indented line here', 12)).toEqual(['a', '  indented', '  line here']);
    expect(wrapWidth('abcdefghij', 4)).toEqual(['abcd', 'efgh', 'ij']);
    expect(wrapWidth('日本語のテキスト', 5).every((line) => displayWidth(line) <= 5)).toBe(true);
    expect(wrapWidth('', 10)).toEqual(['']);
  });
});
