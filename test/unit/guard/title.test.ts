import { describe, expect, it } from 'vitest';
import { formatTokens, statusText } from '../../../src/guard/title.js';
import { BELL, TITLE_POP, TITLE_PUSH, titleSequence } from '../../../src/terminal/title.js';

describe('titleSequence', () => {
  it('is OSC 0 terminated by BEL', () => {
    expect(titleSequence('claude · 172K/200K ctx')).toBe('\u001b]0;claude · 172K/200K ctx\u0007');
  });

  it('removes control characters so the text cannot end the sequence or start another', () => {
    expect(titleSequence('a\u0007b\u001b]0;evil\u001b\\c\u009cd\u007fe\nf')).toBe('\u001b]0;ab]0;evil\\cdef\u0007');
  });

  it('cuts long text at a character, not inside one', () => {
    const sequence = titleSequence('🙂'.repeat(500));
    expect(Array.from(sequence.slice(4, -1))).toHaveLength(120);
    expect(sequence.endsWith('🙂\u0007')).toBe(true);
  });
});

describe('status text', () => {
  it('reads claude · <context>/<window> ctx', () => {
    expect(statusText(172_400, 200_000)).toBe('claude · 172K/200K ctx');
    expect(statusText(190_145, 200_000)).toBe('claude · 190K/200K ctx');
  });

  it('formats token counts compactly', () => {
    expect(formatTokens(950)).toBe('950');
    expect(formatTokens(1_499)).toBe('1K');
    expect(formatTokens(999_499)).toBe('999K');
    expect(formatTokens(999_600)).toBe('1M');
    expect(formatTokens(1_000_000)).toBe('1M');
    expect(formatTokens(1_540_000)).toBe('1.5M');
  });
});

describe('title stack and bell', () => {
  it('are XTWINOPS 22;0 / 23;0 and BEL', () => {
    expect(TITLE_PUSH).toBe('\u001b[22;0t');
    expect(TITLE_POP).toBe('\u001b[23;0t');
    expect(BELL).toBe('\u0007');
  });
});
