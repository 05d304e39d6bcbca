// Pruning speed and memory on a 200 MB transcript (targets: ≥ 100 MB/s, RSS < 100 MB).
// benchPrune() generates the transcript in a temp dir, then prunes it in a separate node
// process so that the RSS measured is the pruner's alone. Needs a build (dist/).
// Run alone: node bench/prune.mjs
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const PRUNE_MODULE = pathToFileURL(path.join(here, '..', 'dist', 'recovery', 'prune-images.js')).href;
const TARGET_BYTES = 200 * 1024 * 1024;

/** Writes a transcript of about `bytes`: prompts, long tool results, answers, and a screenshot every fifth turn. */
export async function generateTranscript(file, bytes) {
  const out = createWriteStream(file);
  const write = (line) => (out.write(`${line}\n`) ? null : new Promise((resolve) => out.once('drain', resolve)));
  const image = Buffer.alloc(225_000, 7).toString('base64'); // 300 KB of base64
  const toolText = 'line of tool output with "quotes" and \\ backslashes · ünïcode\n'.repeat(300);
  const sessionId = randomUUID();
  let parent = null;
  let written = 0;
  let turn = 0;
  while (written < bytes) {
    turn++;
    const records = [
      { type: 'user', message: { role: 'user', content: `prompt ${turn}: please look at this` } },
      { type: 'assistant', message: { role: 'assistant', model: 'claude-sonnet-4-6', content: [{ type: 'tool_use', id: `toolu_${turn}`, name: 'Read', input: { file_path: '/x' } }] } },
      {
        type: 'user',
        message: {
          role: 'user',
          content: [
            {
              type: 'tool_result',
              tool_use_id: `toolu_${turn}`,
              content: turn % 5 === 0 ? [{ type: 'image', source: { type: 'base64', media_type: 'image/png', data: image } }] : toolText,
            },
          ],
        },
      },
      { type: 'assistant', message: { role: 'assistant', model: 'claude-sonnet-4-6', content: [{ type: 'text', text: 'answer '.repeat(300) }] } },
    ];
    for (const record of records) {
      const uuid = randomUUID();
      const line = JSON.stringify({ parentUuid: parent, isSidechain: false, ...record, uuid, sessionId, timestamp: new Date().toISOString() });
      parent = uuid;
      written += Buffer.byteLength(line) + 1;
      const wait = write(line);
      if (wait) await wait;
    }
  }
  await new Promise((resolve, reject) => out.end((error) => (error ? reject(error) : resolve())));
  return written;
}

/** In the child: prune the file and report time and peak RSS. */
async function child(file) {
  const { pruneImages } = await import(PRUNE_MODULE);
  const started = performance.now();
  const report = await pruneImages(file);
  const ms = performance.now() - started;
  process.stdout.write(JSON.stringify({ ms, maxRssKiB: process.resourceUsage().maxRSS, images: report.images, oldSize: report.oldSize, newSize: report.newSize }));
}

/** Generates a 200 MB transcript, prunes it, and returns throughput and peak RSS. */
export async function benchPrune() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cr-bench-prune-'));
  try {
    const file = path.join(dir, 'session.jsonl');
    const bytes = await generateTranscript(file, TARGET_BYTES);
    const output = execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--child', file], { encoding: 'utf8' });
    const result = JSON.parse(output);
    return {
      mbPerSec: Math.round((bytes / (1024 * 1024) / (result.ms / 1000)) * 10) / 10,
      rssMiB: Math.round((result.maxRssKiB / 1024) * 10) / 10,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.argv[2] === '--child') await child(process.argv[3]);
  else {
    const result = await benchPrune();
    console.log(`prune-images: ${result.mbPerSec} MB/s on a 200 MB transcript, peak RSS ${result.rssMiB} MiB (targets ≥ 100 MB/s, < 100 MiB)`);
  }
}
