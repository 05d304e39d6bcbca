import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ControlsOnly } from '../../../src/terminal/controls-only.js';
import { Screen } from '../../support/screen.js';

const SCREENS = path.join(import.meta.dirname, '..', '..', 'fixtures', 'real', 'screens');

/** What 2.1.332 writes when it exits on the main screen after Ctrl-C (text and sequences). */
const EXIT = '\u001b[?1006l\u001b[?1003l\u001b[?1000l\u001b[?25h\u001b[<u\u001b[?1049l\u001b[?2004l\u001b]0;\u0007Resume this session with:\r\nclaude --resume 8e38a0ff-6145-4497-a4bd-2016087bdfe3\r\n';

function filter(data: Uint8Array, split: number): Buffer {
  const f = new ControlsOnly();
  const parts: Buffer[] = [];
  for (let i = 0; i < data.length; i += split) parts.push(f.push(data.subarray(i, i + split)));
  return Buffer.concat(parts);
}

describe('ControlsOnly', () => {
  it('passes every sequence and control, drops every character of text, at any chunk split', () => {
    const data = Buffer.from(EXIT);
    for (const split of [1, 2, 3, 7, data.length]) {
      const out = filter(data, split).toString();
      expect(out).not.toMatch(/Resume|claude --resume/);
      expect(out).toBe('\u001b[?1006l\u001b[?1003l\u001b[?1000l\u001b[?25h\u001b[<u\u001b[?1049l\u001b[?2004l\u001b]0;\u0007\r\n\r\n');
    }
  });

  it('leaves the terminal in the modes the full output leaves it in, with no text shown', async () => {
    // The real 2.1.330 gate screen, then the exit: filtered, the screen ends on the normal buffer, blank.
    const gate = readFileSync(path.join(SCREENS, '2.1.330-oauth-sub-70-gate.bin'));
    const screen = new Screen(70, 30);
    await screen.write(gate);
    expect(screen.buffer).toBe('alternate');
    await screen.write(filter(Buffer.from(EXIT), 5));
    expect(screen.buffer).toBe('normal');
    expect(screen.rows().join('').trim()).toBe('');
  });

  it('drops multi-byte characters whole, keeps OSC text (titles) and ends strings at ST', () => {
    expect(filter(Buffer.from('é⠋日\u001b]0;✳ Claude\u001b\\x'), 1).toString()).toBe('\u001b]0;✳ Claude\u001b\\');
    expect(filter(Buffer.from('\u001b]0;t\u001b[1mZ'), 1).toString()).toBe('\u001b]0;t\u001b[1m');
  });
});
