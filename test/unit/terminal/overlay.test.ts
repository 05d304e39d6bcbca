import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { TerminalOverlay } from '../../../src/terminal/overlay.js';
import { BELL, TITLE_POP, TITLE_PUSH, titleSequence } from '../../../src/terminal/title.js';
import { random, randomChunks, referenceBoundaries, tuiTokens } from '../guard/tui.js';

const SCREENS = path.join(import.meta.dirname, '..', '..', 'fixtures', 'real', 'screens');

/** A terminal: the child's chunks and the overlay's writes, in the order they reach it. */
function terminal() {
  const parts: Array<{ from: 'child' | 'overlay'; bytes: Buffer }> = [];
  const overlay = new TerminalOverlay({ write: (data) => parts.push({ from: 'overlay', bytes: Buffer.from(data) }) });
  const child = (chunk: Buffer): void => {
    parts.push({ from: 'child', bytes: chunk }); // written to the terminal first…
    overlay.onOutput(chunk); // …then shown to the overlay
  };
  const overlayText = (): string[] => parts.filter((part) => part.from === 'overlay').map((part) => part.bytes.toString());
  return { parts, overlay, child, overlayText };
}

describe('TerminalOverlay', () => {
  it('writes titles and bells only at escape-sequence boundaries, leaving the child bytes untouched', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const next = random(seed);
      const data = Buffer.concat(tuiTokens(next, 150, { odd: seed % 4 === 0 }));
      const { parts, overlay, child } = terminal();
      overlay.start();
      for (const chunk of randomChunks(next, data, [1, 5, 64, 2048][seed % 4] as number)) {
        child(chunk);
        const r = next();
        if (r < 0.1) overlay.setTitle(`claude · ${Math.floor(next() * 200)}K/200K ctx`);
        else if (r < 0.13) overlay.setTitle(null);
        else if (r < 0.16) overlay.bell();
      }
      overlay.dispose();
      const stream = Buffer.concat(parts.map((part) => part.bytes));
      const boundaries = referenceBoundaries(stream);
      let at = 0;
      for (const part of parts) {
        if (part.from === 'overlay') {
          const text = part.bytes.toString('latin1');
          expect(boundaries[at] || text.startsWith('\u0018'), `seed ${seed}: overlay write at ${at} inside a sequence`).toBe(true);
          expect(boundaries[at + part.bytes.length], `seed ${seed}: overlay write at ${at} left a sequence open`).toBe(true);
        }
        at += part.bytes.length;
      }
      const childBytes = Buffer.concat(parts.filter((part) => part.from === 'child').map((part) => part.bytes));
      expect(childBytes.equals(data), `seed ${seed}`).toBe(true);
    }
  });

  it('holds a title until the child finishes the sequence it is in the middle of', () => {
    const { overlay, child, overlayText } = terminal();
    child(Buffer.from('\u001b[38;5;2'));
    overlay.setTitle('claude · 150K/200K ctx');
    overlay.bell();
    expect(overlayText()).toEqual([]);
    child(Buffer.from('20mtext \u001b]8;;https://x'));
    expect(overlayText()).toEqual([]);
    child(Buffer.from('\u0007link\u001b]8;;\u0007'));
    expect(overlayText()).toEqual([TITLE_PUSH + titleSequence('claude · 150K/200K ctx') + BELL]);
  });

  it('writes at once when the stream is already at a boundary, and only on a change', () => {
    const { overlay, child, overlayText } = terminal();
    child(Buffer.from('\u001b[H│ idle'));
    overlay.setTitle('claude · 150K/200K ctx');
    overlay.setTitle('claude · 150K/200K ctx');
    expect(overlayText()).toEqual([TITLE_PUSH + titleSequence('claude · 150K/200K ctx')]);
    expect(overlay.titleShown).toBe(true);
  });

  it('puts its title back after each title the child sets, and shows the child’s latest on setTitle(null)', () => {
    const { overlay, child, overlayText } = terminal();
    overlay.start();
    child(Buffer.from('\u001b]0;✳ Claude Code\u0007\u001b[H'));
    overlay.setTitle('claude · 150K/200K ctx');
    child(Buffer.from('\u001b[2J\u001b]0;◐ Claude Code\u0007busy'));
    child(Buffer.from('more \u001b]0;✳ Mock session\u001b\\'));
    overlay.setTitle(null);
    expect(overlayText()).toEqual([
      TITLE_PUSH,
      titleSequence('claude · 150K/200K ctx'),
      titleSequence('claude · 150K/200K ctx'),
      titleSequence('claude · 150K/200K ctx'),
      '\u001b]0;✳ Mock session\u001b\\',
    ]);
    child(Buffer.from('\u001b]0;✳ Claude Code\u0007'));
    expect(overlayText()).toHaveLength(5); // not showing: the child's titles are left alone
  });

  it('writes nothing at all, not even the title save, when no title is ever shown', () => {
    const { overlay, child, overlayText } = terminal();
    child(Buffer.from('\u001b]0;◐ Claude Code\u0007output'));
    overlay.setTitle(null);
    overlay.dispose();
    expect(overlayText()).toEqual([]);
  });

  it('sees a title sequence split between chunks right after its ESC', () => {
    const { overlay, child, overlayText } = terminal();
    overlay.setTitle('claude · 150K/200K ctx');
    child(Buffer.from('text\u001b'));
    child(Buffer.from(']0;◐ Claude Code\u0007'));
    expect(overlayText()).toEqual([TITLE_PUSH + titleSequence('claude · 150K/200K ctx'), titleSequence('claude · 150K/200K ctx')]);
  });

  it('restores the saved title when the child never set one', () => {
    const { overlay, child, overlayText } = terminal();
    overlay.start();
    child(Buffer.from('plain output'));
    overlay.setTitle('claude · 150K/200K ctx');
    overlay.setTitle(null);
    expect(overlayText()).toEqual([TITLE_PUSH, titleSequence('claude · 150K/200K ctx'), TITLE_POP + TITLE_PUSH]);
  });

  it('on dispose writes the child’s last title (terminals without a title stack) then pops the user’s', () => {
    const { overlay, child, overlayText } = terminal();
    overlay.start();
    child(Buffer.from('\u001b]0;✳ Claude Code\u0007'));
    overlay.setTitle('claude · 190K/200K ctx');
    child(Buffer.from('\u001b]0;\u0007')); // the CLI clears its title when it exits
    overlay.dispose();
    overlay.setTitle('claude · 195K/200K ctx');
    overlay.bell();
    child(Buffer.from('late'));
    expect(overlayText()).toEqual([
      TITLE_PUSH,
      titleSequence('claude · 190K/200K ctx'),
      titleSequence('claude · 190K/200K ctx'),
      '\u001b]0;\u0007' + TITLE_POP,
    ]);
  });

  it('cancels a sequence a dead child left open before restoring', () => {
    const { overlay, child, overlayText } = terminal();
    overlay.start();
    overlay.setTitle('claude · 150K/200K ctx');
    child(Buffer.from('\u001b[38;5'));
    overlay.dispose();
    expect(overlayText()).toEqual([TITLE_PUSH, titleSequence('claude · 150K/200K ctx'), '\u0018' + titleSequence('') + TITLE_POP]);
  });

  it('writes nothing at all when never started and never asked', () => {
    const { overlay, child, overlayText } = terminal();
    child(readFileSync(path.join(SCREENS, '2.1.330-oauth-sub-70-gate.bin')));
    overlay.dispose();
    expect(overlayText()).toEqual([]);
  });

  it('reports the first failed write only, and keeps going', () => {
    const reports: string[] = [];
    let calls = 0;
    const overlay = new TerminalOverlay({
      write: () => {
        calls++;
        throw new Error('EIO');
      },
      report: (message) => reports.push(message),
    });
    overlay.setTitle('a');
    overlay.bell();
    overlay.dispose();
    expect(calls).toBe(3);
    expect(reports).toHaveLength(1);
    expect(reports[0]).toContain('EIO');
  });
});
