import { describe, expect, it } from 'vitest';
import { colourEnabled, coloursFor, tonesFor } from '../../../src/ui/colour.js';
import { errorLine, warningLine } from '../../../src/ui/message.js';
import { droppedNote, renderTable, type Column } from '../../../src/ui/table.js';
import { formatBytes } from '../../../src/ui/bytes.js';
import { formatDuration } from '../../../src/ui/duration.js';
import { displayWidth, fitWidth, labelled, labelledPath, reflow, terminalColumns, wrapText, wrapWidth } from '../../../src/ui/width.js';

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

describe('wrapping', () => {
  it('breaks at spaces, indents continuation lines, keeps a long word whole', () => {
    expect(wrapText('one two three four', 9)).toBe('one two\nthree\nfour');
    expect(wrapText('one two three four', 11, 2)).toBe('one two\n  three\n  four');
    expect(wrapText('see /a/very/long/path/that/does/not/fit ok', 12)).toBe('see\n/a/very/long/path/that/does/not/fit\nok');
    expect(labelled('fix: ', 'do this and then that', 16)).toBe('fix: do this and\n     then that');
  });
  it('puts a path on its own line when it does not fit after its label', () => {
    expect(labelledPath('Backup: ', '/x/y', 20)).toBe('Backup: /x/y');
    expect(labelledPath('Backup: ', '/a/rather/long/path/to/a/file', 20)).toBe('Backup:\n  /a/rather/long/path/to/a/file');
  });
});

describe('tones and message lines', () => {
  it('colour by meaning on a terminal only', () => {
    expect(tonesFor({ isTTY: true }, {}).fail('x')).toBe('\u001b[31mx\u001b[39m');
    expect(tonesFor({ isTTY: false }, {}).fail('x')).toBe('x');
    expect(errorLine('bad', { isTTY: true }, {})).toBe('\u001b[31mclaude-recover:\u001b[39m bad\n');
    expect(errorLine('bad', { isTTY: true }, { NO_COLOR: '1' })).toBe('claude-recover: bad\n');
    expect(warningLine('hm', { isTTY: false }, {})).toBe('claude-recover: warning: hm\n');
    expect(warningLine('hm', { isTTY: true }, {})).toBe('claude-recover: \u001b[33mwarning:\u001b[39m hm\n');
  });
});

describe('units', () => {
  it('labels bytes in binary units with three significant digits', () => {
    expect([0, 512, 1024, 3000, 6000, 1_048_576, 200_000_000].map(formatBytes)).toEqual(['0 B', '512 B', '1 KiB', '2.93 KiB', '5.86 KiB', '1 MiB', '191 MiB']);
  });
  it('rounds durations to the digit shown', () => {
    expect([850, 999.6, 4_240, 9_960, 38_400, 72_900, 3_725_000].map(formatDuration)).toEqual(['850ms', '1s', '4.2s', '10s', '38s', '1m 13s', '1h 2m']);
  });
});

describe('renderTable', () => {
  type Row = { name: string; path: string; note: string };
  const columns: Array<Column<Row>> = [
    { header: 'NAME', cell: (r) => r.name },
    { header: 'PATH', cell: (r) => r.path, shorten: 'middle', minWidth: 12 },
    { header: 'NOTE', cell: (r) => r.note, drop: 1 },
  ];
  const rows: Row[] = [
    { name: 'a', path: '/home/me/projects/alpha/src/index.ts', note: 'first' },
    { name: 'bb', path: '/srv/x', note: 'second' },
  ];
  it('pads by display width with no trailing spaces', () => {
    const table = renderTable(columns, rows, { width: 100 });
    expect(table.text).toBe(['NAME  PATH                                  NOTE', 'a     /home/me/projects/alpha/src/index.ts  first', 'bb    /srv/x                                second'].join('\n'));
    expect(table.dropped).toEqual([]);
  });
  it('shortens a path in the middle, then drops the least important column', () => {
    const shortened = renderTable(columns, rows, { width: 40 });
    expect(shortened.text.split('\n')[1]).toMatch(/^a {5}\/home\/me\/pr.*….*index\.ts {2}first$/);
    for (const line of shortened.text.split('\n')) expect(displayWidth(line)).toBeLessThanOrEqual(40);
    const dropped = renderTable(columns, rows, { width: 20 });
    expect(dropped.dropped).toEqual(['NOTE']);
    expect(dropped.text.split('\n')[0]).toBe('NAME  PATH');
    expect(droppedNote(dropped.dropped, 80)).toBe('(NOTE left out to fit 80 columns; --wide shows it)');
    expect(renderTable(columns, rows, { width: 20, wide: true }).dropped).toEqual([]);
  });
  it('keeps columns aligned when cells are coloured or wide glyphs', () => {
    const tones = tonesFor({ isTTY: true }, {});
    const styled = renderTable([{ ...columns[0], style: (t: string) => tones.ok(t) } as Column<Row>, columns[2] as Column<Row>], rows, { width: 80 });
    expect(styled.text.split('\n').map((l) => displayWidth(l))).toEqual([10, 11, 12]);
    const wide = renderTable([{ header: 'N', cell: (r: { n: string }) => r.n }, { header: 'X', cell: () => 'x' }], [{ n: '日本' }, { n: 'a' }], { width: 80 });
    expect(wide.text).toBe('N     X\n日本  x\na     x');
  });
});

describe('reflow', () => {
  it('re-wraps paragraphs, keeps indented lines, puts an example’s note under it when too wide', () => {
    const text = 'First paragraph that was\nwrapped by hand.\n\nExamples:\n  $ cr log      the last ones\n  - a list item\n';
    expect(reflow(text, 80)).toBe('First paragraph that was wrapped by hand.\n\nExamples:\n  $ cr log      the last ones\n  - a list item\n');
    expect(reflow(text, 20)).toBe('First paragraph that\nwas wrapped by hand.\n\nExamples:\n  $ cr log\n      the last ones\n  - a list item\n');
    expect(reflow('      use this claude binary instead of the cache', 30)).toBe('      use this claude binary\n      instead of the cache');
    expect(reflow("  $ cr log --json | jq '.[]'", 20)).toBe("  $ cr log --json\n    | jq '.[]'");
  });
});

describe('message lines on a terminal', () => {
  it('wrap at spaces to the terminal width, one line when piped', () => {
    const message = 'expected a transcript for session nope in /some/folder or another project folder, got none';
    expect(errorLine(message, { isTTY: false }, {})).toBe(`claude-recover: ${message}\n`);
    expect(errorLine(message, { isTTY: true, columns: 60 }, { NO_COLOR: '1' })).toBe(
      'claude-recover: expected a transcript for session nope in\n                /some/folder or another project folder, got\n                none\n',
    );
    // Too narrow to hang beside the prefix: the message goes under it.
    expect(warningLine(message, { isTTY: true, columns: 40 }, { NO_COLOR: '1' })).toBe(
      'claude-recover: warning:\n  expected a transcript for session nope\n  in /some/folder or another project\n  folder, got none\n',
    );
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
