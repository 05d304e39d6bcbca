// Issue 4's figure: the wrapper's own overhead in one whole case-A recovery, model calls
// excluded (target < 1 s). recoverOccurrence (dist/recovery/recover.js) runs in a separate
// node process against a large transcript (200 MB, in the shape of the CLI's: a parentUuid
// chain of prompts, tool results, answers, an image every fifth turn), with a stub
// ChildControl (stop, respawn, prompt: instant) and the fake claude of
// test/fixtures/fake-claude (instant compaction, but it reads and parses the whole
// transcript, as a real CLI does) behind a shim that logs each run's start and end. The
// overhead is the total minus the fake's runs; the step entries say where it went.
// Needs a build (dist/). Run alone: node bench/recovery.mjs [MB]
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { chmodSync, createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.join(here, '..');
const dist = (file) => pathToFileURL(path.join(ROOT, 'dist', file)).href;
const FAKE_CLAUDE = path.join(ROOT, 'test', 'fixtures', 'fake-claude', 'claude');
const HAIKU = 'claude-haiku-4-5-20251001';
const sh = (word) => `'${String(word).replace(/'/g, `'\\''`)}'`;

/** Writes a transcript of about `bytes` for `sessionId`; returns the bytes written. */
async function generateTranscript(file, bytes, sessionId, cwd) {
  const out = createWriteStream(file);
  const write = (line) => (out.write(`${line}\n`) ? null : new Promise((resolve) => out.once('drain', resolve)));
  const image = Buffer.alloc(225_000, 7).toString('base64'); // 300 KB of base64
  const toolText = 'line of tool output with "quotes" and \\ backslashes · ünïcode\n'.repeat(300);
  const base = { isSidechain: false, userType: 'external', cwd, sessionId, version: '2.1.330' };
  let parent = null;
  let written = 0;
  let turn = 0;
  const push = async (record, chained = true) => {
    const line = chained
      ? JSON.stringify({ parentUuid: parent, ...base, ...record, uuid: (parent = randomUUID()), timestamp: new Date(Date.now() - 3_600_000).toISOString() })
      : JSON.stringify(record);
    written += Buffer.byteLength(line) + 1;
    const wait = write(line);
    if (wait) await wait;
  };
  while (written < bytes) {
    turn++;
    const prompt = `prompt ${turn}: please look at this`;
    await push({ type: 'user', message: { role: 'user', content: prompt } });
    await push({ type: 'assistant', message: { role: 'assistant', model: 'claude-sonnet-4-6', content: [{ type: 'tool_use', id: `toolu_${turn}`, name: 'Read', input: { file_path: '/x' } }] } });
    const content = turn % 5 === 0 ? [{ type: 'image', source: { type: 'base64', media_type: 'image/png', data: image } }] : toolText;
    await push({ type: 'user', message: { role: 'user', content: [{ type: 'tool_result', tool_use_id: `toolu_${turn}`, content }] } });
    await push({
      type: 'assistant',
      message: {
        role: 'assistant',
        model: 'claude-sonnet-4-6',
        content: [{ type: 'text', text: 'answer '.repeat(300) }],
        usage: { input_tokens: 10, cache_read_input_tokens: Math.min(190_000, 1000 * turn), cache_creation_input_tokens: 0, output_tokens: 5 },
      },
      requestedModel: 'claude-sonnet-4-6[1m]',
    });
    await push({ type: 'last-prompt', lastPrompt: prompt, sessionId }, false);
  }
  await new Promise((resolve, reject) => out.end((error) => (error ? reject(error) : resolve())));
  return written;
}

/** In the child: one recovery, timed; prints { ms, result, entries, maxRssKiB } as JSON. */
async function child(inputFile) {
  const input = JSON.parse(readFileSync(inputFile, 'utf8'));
  const { recoverOccurrence } = await import(dist('recovery/recover.js'));
  const { DEFAULT_CONFIG } = await import(dist('config/types.js'));
  const control = {
    stop: async () => ({ exitCode: 0, signal: null, how: 'exit-command', timedOut: false }),
    respawn: async () => {},
    waitForPrompt: async () => true,
    typeInput: async () => {},
    progress: () => {},
    notify: () => {},
  };
  const entries = [];
  const config = { ...DEFAULT_CONFIG, compaction: { ...DEFAULT_CONFIG.compaction, models: [HAIKU, 'opus'] } };
  const started = performance.now();
  const result = await recoverOccurrence(input.request, control, {
    config,
    log: { write: (entry) => entries.push(entry) },
    stateDir: input.stateDir,
    env: input.env,
  });
  const ms = performance.now() - started;
  process.stdout.write(JSON.stringify({ ms, result, entries, maxRssKiB: process.resourceUsage().maxRSS }));
}

/**
 * Generates the transcript, runs one recovery, and returns
 * { ms, fakeMs, overheadMs, fakeRuns, steps: [{ name, ms, ok }], outcome, transcriptBytes, maxRssMiB }.
 */
export async function benchRecovery(context = {}) {
  const bytes = (Number(process.env.BENCH_RECOVERY_MB) || context.recoveryMB || 200) * 1024 * 1024;
  const { projectDirName } = await import(dist('transcript/locate.js'));
  // On the repository's disk (the checkpoint fsyncs: a tmpfs would flatter it).
  const parent = path.join(ROOT, '.bench');
  mkdirSync(parent, { recursive: true });
  const dir = mkdtempSync(path.join(parent, 'recovery-'));
  try {
    const cwd = path.join(dir, 'project');
    const configDir = path.join(dir, '.claude');
    const stateHome = path.join(dir, 'state');
    const stateDir = path.join(stateHome, 'claude-recover');
    const projectDir = path.join(configDir, 'projects', projectDirName(cwd));
    mkdirSync(cwd, { recursive: true });
    mkdirSync(projectDir, { recursive: true });
    const sessionId = randomUUID();
    const transcript = path.join(projectDir, `${sessionId}.jsonl`);
    const transcriptBytes = await generateTranscript(transcript, bytes, sessionId, cwd);

    const runsLog = path.join(dir, 'fake-runs.log');
    const shim = path.join(dir, 'claude');
    writeFileSync(
      shim,
      `#!/bin/sh\ns=$(date +%s%N)\n${sh(process.execPath)} ${sh(FAKE_CLAUDE)} "$@"\nrc=$?\ne=$(date +%s%N)\necho "$s $e" >> ${sh(runsLog)}\nexit $rc\n`,
    );
    chmodSync(shim, 0o755);
    const input = path.join(dir, 'input.json');
    const env = { PATH: process.env.PATH, HOME: dir, CLAUDE_CONFIG_DIR: configDir, XDG_STATE_HOME: stateHome };
    writeFileSync(
      input,
      JSON.stringify({
        stateDir,
        env,
        request: {
          occurrence: 'bench',
          case: 'A',
          sessionId,
          transcriptPath: transcript,
          cwd,
          claudePath: shim,
          userArgs: ['--model', 'claude-sonnet-4-6[1m]'],
          requestedModel: 'claude-sonnet-4-6[1m]',
          claudeVersion: '2.1.330',
          contextTokens: 190_000,
        },
      }),
    );
    const childEnv = { ...process.env };
    delete childEnv.NODE_OPTIONS;
    delete childEnv.NODE_EXTRA_CA_CERTS;
    const output = execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--child', input], { cwd, env: childEnv, encoding: 'utf8', maxBuffer: 16 << 20 });
    const run = JSON.parse(output);
    const fakeRuns = existsSync(runsLog)
      ? readFileSync(runsLog, 'utf8')
          .trim()
          .split('\n')
          .filter(Boolean)
          .map((line) => {
            const [s, e] = line.split(' ').map(BigInt);
            return Number(e - s) / 1e6;
          })
      : [];
    const fakeMs = fakeRuns.reduce((sum, ms) => sum + ms, 0);
    const steps = run.entries.filter((e) => e.type === 'step').map((e) => ({ name: `${e.name}${e.model ? `:${e.model}` : ''}`, ms: e.durationMs, ok: e.ok }));
    return {
      ms: run.ms,
      fakeMs,
      overheadMs: run.ms - fakeMs,
      fakeRuns,
      steps,
      outcome: run.result.outcome,
      worked: run.result.worked ?? run.result.reason ?? null,
      transcriptBytes,
      maxRssMiB: run.maxRssKiB / 1024,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.argv[2] === '--child') await child(process.argv[3]);
  else {
    const mb = Number(process.argv[2]) || undefined;
    const r = await benchRecovery({ recoveryMB: mb });
    console.log(
      `recovery (${r.outcome}${r.worked ? `: ${r.worked}` : ''}) on a ${(r.transcriptBytes / 1e6).toFixed(0)} MB transcript: ${r.ms.toFixed(0)} ms in all, ` +
        `fake claude ${r.fakeMs.toFixed(0)} ms in ${r.fakeRuns.length} run(s), overhead ${r.overheadMs.toFixed(0)} ms; peak RSS ${r.maxRssMiB.toFixed(0)} MiB`,
    );
    console.log(`steps: ${r.steps.map((s) => `${s.name} ${s.ms} ms${s.ok ? '' : ' (failed)'}`).join(', ')}`);
  }
}
