import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pruneImages, pruneRecord } from '../../../src/recovery/prune-images.js';
import { checkIntegrity } from '../../../src/recovery/transcript-scan.js';
import { imageBlocks, parseRecord, type TranscriptRecord } from '../../../src/transcript/records.js';
import { installRealTranscript, makeHome, syntheticTranscript, writeTranscript, type RecoveryHome } from '../../support/recovery-home.js';

let home: RecoveryHome;
beforeEach(() => {
  home = makeHome();
});
afterEach(() => home.cleanup());

function chain(file: string): Array<[string | undefined, string | null | undefined]> {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const record = parseRecord(line);
      return [record?.uuid, record?.parentUuid];
    });
}

describe('pruneImages', () => {
  it('replaces every base64 image with a placeholder and keeps the parentUuid chain', async () => {
    const file = home.transcript('s1');
    writeTranscript(file, syntheticTranscript({ turns: 12, imageEvery: 3, imageChars: 50_000 }));
    const before = chain(file);
    const beforeIntegrity = await checkIntegrity(file);
    const report = await pruneImages(file);
    expect(report.images).toBe(4);
    expect(report.bytesRemoved).toBe(4 * 50_000);
    expect(report.records.map((r) => r.type)).toEqual(['user', 'user', 'user', 'user']);
    expect(report.written).toBe(true);
    expect(statSync(file).size).toBe(report.newSize);
    expect(report.newSize).toBeLessThan(report.oldSize - 4 * 49_000);
    const text = readFileSync(file, 'utf8');
    expect(text.includes('"type":"image","source"')).toBe(false);
    expect(text.split('[image removed by claude-recover: image/png, 48.8 KiB of base64]').length - 1).toBe(4);
    expect(chain(file)).toEqual(before);
    const after = await checkIntegrity(file);
    expect(after.chainDigest).toBe(beforeIntegrity.chainDigest);
    expect(after.malformed).toBe(0);
    expect(after.danglingParents).toBe(0);
    // Nothing left next to the transcript but the transcript.
    expect(readdirSync(home.projectDir)).toEqual(['s1.jsonl']);
  });

  it('leaves lines without images byte for byte as they were', async () => {
    const file = home.transcript('s2');
    const lines = syntheticTranscript({ turns: 6, imageEvery: 2 });
    writeTranscript(file, lines);
    await pruneImages(file);
    const after = readFileSync(file, 'utf8').split('\n');
    lines.forEach((line, i) => {
      if (!line.includes('"type":"image"')) expect(after[i]).toBe(line);
    });
  });

  it('dry run reports the same figures and changes nothing', async () => {
    const file = home.transcript('s3');
    writeTranscript(file, syntheticTranscript({ turns: 4, imageEvery: 1, imageChars: 1000 }));
    const original = readFileSync(file);
    const report = await pruneImages(file, { dryRun: true });
    expect(report).toMatchObject({ images: 4, bytesRemoved: 4000, written: false });
    expect(report.records.map((r) => r.line)).toEqual([2, 6, 10, 14]);
    expect(readFileSync(file).equals(original)).toBe(true);
  });

  it('does not rewrite a transcript without images', async () => {
    const file = installRealTranscript(home, '2.1.330-oauth-sub-70-gate.jsonl');
    const mtime = statSync(file).mtimeMs;
    const report = await pruneImages(file);
    expect(report).toMatchObject({ images: 0, written: false });
    expect(statSync(file).mtimeMs).toBe(mtime);
  });

  it('keeps a torn last line and a malformed line as they are', async () => {
    const file = home.transcript('s4');
    const lines = syntheticTranscript({ turns: 3, imageEvery: 1 });
    writeFileSync(file, `${lines.join('\n')}\n{not json\n{"type":"user","message":{"content":[{"type":"image","sou`);
    await pruneImages(file);
    const text = readFileSync(file, 'utf8');
    expect(text.endsWith('\n{not json\n{"type":"user","message":{"content":[{"type":"image","sou')).toBe(true);
    expect(text.slice(0, -60).includes('"type":"image","source"')).toBe(false);
  });

  it('respects a minimum image size', async () => {
    const file = home.transcript('s6');
    writeTranscript(file, syntheticTranscript({ turns: 2, imageEvery: 1, imageChars: 100 }));
    expect((await pruneImages(file, { minBase64Chars: 101 })).images).toBe(0);
    expect((await pruneImages(file, { minBase64Chars: 100 })).images).toBe(2);
  });

  it('removes leftovers of a killed prune, not the file of a prune still running elsewhere', async () => {
    const file = home.transcript('s7');
    writeTranscript(file, syntheticTranscript({ turns: 2, imageEvery: 1 }));
    const dead = Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString());
    writeFileSync(`${file}.prune-${dead}-2.tmp`, 'partial');
    writeFileSync(`${file}.prune-${process.ppid}-3.tmp`, 'being written');
    await pruneImages(file);
    expect(readdirSync(home.projectDir).sort()).toEqual(['s7.jsonl', `s7.jsonl.prune-${process.ppid}-3.tmp`]);
  });

  it('writes the pruned transcript 0600, as Claude Code writes its own', async () => {
    const file = home.transcript('s8');
    writeTranscript(file, syntheticTranscript({ turns: 2, imageEvery: 1 }));
    chmodSync(file, 0o644);
    expect((await pruneImages(file)).written).toBe(true);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });
});

describe('pruneImages: only the images named', () => {
  it('replaces the named image blocks (record uuid, which image of it) and leaves every other image as it was', async () => {
    const file = home.transcript('s1');
    writeTranscript(file, syntheticTranscript({ turns: 12, imageEvery: 3, imageChars: 50_000 }));
    const withImages = (text: string): TranscriptRecord[] => text.split('\n').map(parseRecord).filter((record): record is TranscriptRecord => record !== null && imageBlocks(record).length > 0);
    const imageLines = withImages(readFileSync(file, 'utf8'));
    const target = imageLines[2];
    const before = chain(file);
    const report = await pruneImages(file, { only: [{ uuid: target?.uuid as string, index: 0 }] });
    expect(report).toMatchObject({ images: 1, bytesRemoved: 50_000, written: true });
    expect(report.records).toEqual([expect.objectContaining({ uuid: target?.uuid, images: 1 })]);
    const still = withImages(readFileSync(file, 'utf8')).map((record) => record.uuid);
    expect(still).toEqual(imageLines.filter((record) => record !== target).map((record) => record?.uuid));
    expect(chain(file)).toEqual(before);
  });

  it('an index that names no image, or a uuid not in the file, changes nothing', async () => {
    const file = home.transcript('s1');
    writeTranscript(file, syntheticTranscript({ turns: 6, imageEvery: 3, imageChars: 1_000 }));
    const text = readFileSync(file, 'utf8');
    const target = text.split('\n').map(parseRecord).find((record) => record !== null && imageBlocks(record).length > 0);
    expect(await pruneImages(file, { only: [{ uuid: target?.uuid as string, index: 5 }, { uuid: 'nope', index: 0 }] })).toMatchObject({ images: 0, written: false });
    expect(readFileSync(file, 'utf8')).toBe(text);
  });
});

describe('pruneRecord', () => {
  it('finds images in user content and inside tool results, not elsewhere', () => {
    const image = { type: 'image', source: { type: 'base64', media_type: 'image/jpeg', data: 'QUJD' } };
    const record = {
      type: 'user',
      message: {
        role: 'user',
        content: [image, { type: 'tool_result', content: [image, { type: 'text', text: 'x' }] }, { type: 'image', source: { type: 'url', url: 'https://x' } }],
      },
      toolUseResult: { file: image },
    };
    const removed = pruneRecord(record);
    expect(removed).toEqual({ images: 2, bytes: 8 });
    expect(JSON.stringify(record.message)).not.toContain('QUJD');
    expect(JSON.stringify(record.message)).toContain('"type":"url"');
  });
});

describe('checkIntegrity', () => {
  it('counts dangling parents and malformed lines', async () => {
    const file = path.join(home.root, 'x.jsonl');
    writeFileSync(file, '{"uuid":"a","parentUuid":null}\n{"uuid":"b","parentUuid":"a"}\n{"uuid":"c","parentUuid":"zz"}\nnot json\n');
    expect(await checkIntegrity(file)).toMatchObject({ lines: 4, malformed: 1, danglingParents: 1, tornTail: false });
  });
});
