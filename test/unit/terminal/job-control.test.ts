import { describe, expect, it } from 'vitest';
import { hasSuspendKey } from '../../../src/terminal/job-control.js';

describe('hasSuspendKey', () => {
  it.each([
    ['the Ctrl-Z byte', Buffer.from([0x1a])],
    ['Ctrl-Z among other keys', Buffer.from('ab\u001acd')],
    ['the kitty keyboard form', Buffer.from('\u001b[122;5u')],
    ['the kitty form with an event type', Buffer.from('\u001b[122;5:1u')],
    ['the modifyOtherKeys form', Buffer.from('\u001b[27;5;122~')],
    ['a string', '\u001a'],
  ])('sees %s', (_label, data) => {
    expect(hasSuspendKey(data)).toBe(true);
  });

  it.each([
    ['plain text', Buffer.from('hello')],
    ['an arrow key', Buffer.from('\u001b[A')],
    ['Ctrl-C', Buffer.from([0x03])],
    ['kitty z without Ctrl', Buffer.from('\u001b[122u')],
    ['kitty Ctrl-Y', Buffer.from('\u001b[121;5u')],
  ])('ignores %s', (_label, data) => {
    expect(hasSuspendKey(data)).toBe(false);
  });
});
