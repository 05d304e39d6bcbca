import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PromptIdle } from '../../../src/guard/idle.js';
import { FIXTURES } from './harness.js';

const screen = (name: string): string => readFileSync(path.join(FIXTURES, 'real', 'screens', name)).toString('utf8');

function tracker() {
  let now = 0;
  const idle = new PromptIdle({ now: () => now });
  return { idle, wait: (ms: number) => void (now += ms) };
}

const READY = '\u001b[28;3H\u001b[39m❯\u00a0\u001b[7m \u001b[27m\u001b[K\r\u001b[2B\u001b[38;5;246m? for shortcuts\u001b[39m';
const BUSY = '\u001b[28;3H❯\u00a0\u001b[39m\u001b[7m \u001b[27m\u001b[K\r\u001b[38C\u001b[2B\u001b[38;5;246m · esc to interrupt';

describe('PromptIdle', () => {
  it('is idle at the prompt the real CLIs leave after an answer, once quiet for idleMs', () => {
    for (const name of ['2.1.330-oauth-sub-70-gate.bin', '2.1.330-api-key-70-gate.bin', '2.1.200-oauth-70-gate.bin', '2.1.100-oauth-70-gate.bin']) {
      const { idle, wait } = tracker();
      idle.onOutput(screen(name));
      wait(3999);
      expect(idle.isIdleAtEmptyPrompt(4000), name).toBe(false);
      wait(1);
      expect(idle.isIdleAtEmptyPrompt(4000), name).toBe(true);
    }
  });

  it('is not idle while the real 2.1.330 shows its busy footer, however quiet', () => {
    const capture = screen('2.1.330-oauth-sub-70-gate.bin');
    const busyAt = capture.indexOf('esc to interrupt');
    expect(busyAt).toBeGreaterThan(0);
    const { idle, wait } = tracker();
    idle.onOutput(capture.slice(0, busyAt + 'esc to interrupt'.length));
    wait(60_000);
    expect(idle.isIdleAtEmptyPrompt(4000)).toBe(false);
  });

  it('is idle once the transcript ends the turn, though the CLI did not draw its prompt again', () => {
    const { idle, wait } = tracker();
    idle.onOutput(READY);
    idle.onInput(Buffer.from('\r'));
    // 2.1.330 repaints only changed cells: the answer and a cleared footer, no new `❯`.
    idle.onOutput('\u001b[12;3H● Mock answer 2\u001b[K\r\u001b[2B\u001b[38;5;246m · esc to interrupt\u001b[2K');
    wait(10_000);
    expect(idle.isIdleAtEmptyPrompt(4000)).toBe(false);
    idle.onTurnEnd();
    expect(idle.isIdleAtEmptyPrompt(4000)).toBe(true);
    // A keystroke after the turn ended takes it back until the next turn ends.
    idle.onInput(Buffer.from('h'));
    wait(10_000);
    expect(idle.isIdleAtEmptyPrompt(4000)).toBe(false);
  });

  it('stays idle through an Enter or Ctrl-C on the empty box the turn left, but not through typed text', () => {
    const { idle, wait } = tracker();
    idle.onInput(Buffer.from('hello\r'));
    idle.onTurnEnd();
    idle.onInput(Buffer.from('\r'));
    idle.onInput(Buffer.from('\u0003'));
    wait(5_000);
    expect(idle.isIdleAtEmptyPrompt(4000)).toBe(true);
    idle.onInput(Buffer.from('x'));
    idle.onInput(Buffer.from('\r'));
    wait(5_000);
    expect(idle.isIdleAtEmptyPrompt(4000)).toBe(false);
  });

  it('is not idle before the CLI has drawn its prompt', () => {
    const { idle, wait } = tracker();
    idle.onOutput('\u001b[?1049h\u001b[H\u001b[2J Welcome to Claude Code');
    wait(10_000);
    expect(idle.isIdleAtEmptyPrompt(4000)).toBe(false);
  });

  it('is not idle after a keystroke that left text in the box, even when the CLI redraws the prompt', () => {
    const { idle, wait } = tracker();
    idle.onOutput(READY);
    idle.onInput(Buffer.from('/com'));
    idle.onOutput(READY.replace('\u001b[7m \u001b[27m', '/com\u001b[7m \u001b[27m'));
    wait(60_000);
    expect(idle.isIdleAtEmptyPrompt(4000)).toBe(false);
    idle.onInput('\u007f\u007f\u007f\u007f'); // deleted again: still counted as pending
    idle.onOutput(READY);
    wait(60_000);
    expect(idle.isIdleAtEmptyPrompt(4000)).toBe(false);
    idle.onInput('\u0003'); // Ctrl-C clears the box
    idle.onOutput(READY);
    wait(4000);
    expect(idle.isIdleAtEmptyPrompt(4000)).toBe(true);
  });

  it('needs the prompt drawn after the last keystroke (Enter may open a picker instead)', () => {
    const { idle, wait } = tracker();
    idle.onOutput(READY);
    idle.onInput('\r');
    idle.onOutput('\u001b[20;1H Select model \u001b[21;1H ❯ 1. Default (recommended)');
    wait(60_000);
    expect(idle.isIdleAtEmptyPrompt(4000)).toBe(false);
  });

  it('is not idle while busy, nor under a question after its prompt, and is after a turn ends', () => {
    const { idle, wait } = tracker();
    idle.onOutput(READY);
    idle.onInput('fix it');
    idle.onInput('\r');
    idle.onOutput(BUSY);
    wait(10_000);
    expect(idle.isIdleAtEmptyPrompt(4000)).toBe(false);
    idle.onOutput(`${READY}\u001b[14;1H Do you want to proceed?\u001b[15;1H ❯ 1. Yes`);
    wait(10_000);
    expect(idle.isIdleAtEmptyPrompt(4000)).toBe(false);
    idle.onInput('1');
    idle.onOutput(BUSY);
    idle.onOutput(READY);
    wait(10_000);
    expect(idle.isIdleAtEmptyPrompt(4000)).toBe(false); // '1' was a keystroke without Enter
    idle.onInput('\r');
    idle.onOutput(BUSY);
    idle.onOutput('\u001b[5;1H● Done.');
    idle.onOutput(READY);
    wait(4000);
    expect(idle.isIdleAtEmptyPrompt(4000)).toBe(true);
  });

  it('ignores focus and mouse reports, which are not typing', () => {
    const { idle, wait } = tracker();
    idle.onOutput(READY);
    idle.onInput('\u001b[O');
    idle.onInput('\u001b[I\u001b[<64;10;5M\u001b[<65;10;5m');
    wait(4000);
    expect(idle.isIdleAtEmptyPrompt(4000)).toBe(true);
    idle.onInput('\u001b[I x');
    expect(idle.isIdleAtEmptyPrompt(4000)).toBe(false);
  });

  it('does not take a continued line (backslash-Enter) for a submit', () => {
    const { idle, wait } = tracker();
    idle.onInput('line one\\\r');
    idle.onOutput(READY);
    wait(4000);
    expect(idle.isIdleAtEmptyPrompt(4000)).toBe(false);
  });
});
