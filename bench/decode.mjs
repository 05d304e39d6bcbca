// Decoding every chunk of the child's output and looking for the bracketed-paste switch in
// the text: what the session did before it handed raw chunks to its subscribers (the detector
// now decodes only near a candidate; see bench/hotpath.mjs for the whole output path as
// shipped). Kept to show what the byte path saves. Measured in-process on the bench payloads
// in 4 KiB chunks (as the PTY delivers them), the shipped way (dist/terminal/decode.js
// Utf8Stream, `?2004`) against the way before it (StringDecoder, `\x1b[?2004`).
// Needs a build (dist/). Run alone: node bench/decode.mjs [payload files…]
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const CHUNK = 4096;

/** Best of `rounds` passes over the chunks, in ms per MB. */
function msPerMB(chunks, bytes, rounds, pass) {
  let best = Infinity;
  for (let round = 0; round < rounds; round++) {
    const started = process.hrtime.bigint();
    pass(chunks);
    best = Math.min(best, Number(process.hrtime.bigint() - started) / 1e6);
  }
  return best / (bytes / 1e6);
}

/** { shipped, before } ms/MB for one payload file. */
export async function measureDecode(file, rounds = 5) {
  const { Utf8Stream } = await import(pathToFileURL(path.join(here, '..', 'dist', 'terminal', 'decode.js')).href);
  const data = readFileSync(file);
  const chunks = [];
  for (let at = 0; at < data.length; at += CHUNK) chunks.push(data.subarray(at, at + CHUNK));
  let sink = 0;
  const shippedPass = (list) => {
    const decoder = new Utf8Stream();
    for (const chunk of list) {
      const text = decoder.write(chunk);
      if (text.includes('?2004')) sink += text.lastIndexOf('\u001b[?2004h');
      sink += text.length;
    }
  };
  const beforePass = (list) => {
    const decoder = new StringDecoder('utf8');
    for (const chunk of list) {
      const text = decoder.write(chunk);
      if (text.includes('\u001b[?2004')) sink += text.lastIndexOf('\u001b[?2004h');
      sink += text.length;
    }
  };
  // Warm both up first (JIT), then alternate, best of `rounds` each.
  shippedPass(chunks);
  beforePass(chunks);
  let shipped = Infinity;
  let before = Infinity;
  for (let round = 0; round < rounds; round++) {
    shipped = Math.min(shipped, msPerMB(chunks, data.length, 1, shippedPass));
    before = Math.min(before, msPerMB(chunks, data.length, 1, beforePass));
  }
  if (sink < 0) console.log(sink); // keep the loops observable
  return { shipped, before };
}

/** Rows for bench/run.mjs: context { payloads: { kind: file }, cpuMsPerMBByKind: { kind: wrapper CPU ms/MB }, quick }. */
export async function benchDecode(context = {}) {
  const rows = [];
  for (const [kind, file] of Object.entries(context.payloads ?? {})) {
    const r = await measureDecode(file, context.quick ? 3 : 7);
    const wrapper = context.cpuMsPerMBByKind?.[kind] ?? null;
    const share = wrapper ? ` = ${((100 * r.shipped) / wrapper).toFixed(1)}% of wrapper CPU` : '';
    rows.push({
      metric: `decode every chunk + paste check (before the byte path), ${kind}`,
      figure: `${r.shipped.toFixed(2)} ms/MB${share} (StringDecoder way: ${r.before.toFixed(2)} ms/MB)`,
      target: 'info',
      pass: null,
    });
  }
  return rows;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const file of process.argv.slice(2)) {
    const r = await measureDecode(file);
    console.log(`${path.basename(file)}: ${r.shipped.toFixed(3)} ms/MB shipped, ${r.before.toFixed(3)} ms/MB the StringDecoder way`);
  }
}
