#!/usr/bin/env node
// Regenerates test/fixtures/real/: runs the real Claude Code CLI (each version in the e2e cache)
// against the mock API in a real PTY and saves what it printed (raw bytes), the transcripts it
// wrote and what headless `-p /compact` printed. Needs `npm run build` first (it uses dist/demo).
//
//   node scripts/capture-fixtures.mjs [name-filter]
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch as launchCli, runHeadless } from './lib/capture.mjs';
import stripAnsi from 'strip-ansi';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { startMockApi } = await import(path.join(root, 'dist/demo/mock-api.js'));
const { createClaudeHome } = await import(path.join(root, 'dist/demo/claude-home.js'));
const { ensureClaude } = await import(path.join(root, 'dist/demo/claude-cli.js'));

const out = path.join(root, 'test/fixtures/real');
for (const dir of ['screens', 'transcripts', 'compact']) mkdirSync(path.join(out, dir), { recursive: true });

const HAIKU = 'claude-haiku-4-5-20251001';

/**
 * One capture: a CLI version, a login, a model and a terminal width. `compact` also records the
 * headless compaction of the blocked session; `caseB` makes the mock refuse the first request.
 */
const CAPTURES = [
  { name: '2.1.330-oauth-sub-70', version: '2.1.330', auth: 'oauth-subscription', model: 'claude-sonnet-4-6[1m]', cols: 70, compact: true, quote: true, resume: true },
  { name: '2.1.330-oauth-sub-40', version: '2.1.330', auth: 'oauth-subscription', model: 'claude-sonnet-4-6[1m]', cols: 40 },
  { name: '2.1.330-oauth-sub-120', version: '2.1.330', auth: 'oauth-subscription', model: 'claude-sonnet-4-6[1m]', cols: 120 },
  { name: '2.1.330-oauth-70', version: '2.1.330', auth: 'oauth', model: 'claude-sonnet-4-6[1m]', cols: 70 },
  { name: '2.1.330-gateway-70', version: '2.1.330', auth: 'gateway', model: 'claude-sonnet-4-6[1m]', cols: 70 },
  { name: '2.1.330-oauth-sub-70-caseB', version: '2.1.330', auth: 'oauth-subscription', model: 'claude-sonnet-4-6[1m]', cols: 70, caseB: true },
  { name: '2.1.330-api-key-70', version: '2.1.330', auth: 'api-key', model: 'claude-sonnet-4-6[1m]', cols: 70, resume: true },
  { name: '2.1.200-oauth-70', version: '2.1.200', auth: 'oauth', model: 'claude-sonnet-4-6[1m]', cols: 70, compact: true, quote: true, resume: true },
  { name: '2.1.200-api-key-70', version: '2.1.200', auth: 'api-key', model: 'claude-sonnet-4-6[1m]', cols: 70 },
  { name: '2.1.100-oauth-70', version: '2.1.100', auth: 'oauth', model: 'claude-sonnet-4-6[1m]', cols: 70, compact: true, quote: true, resume: true },
  // 2.1.100 retries a 429 for API-key users (up to 10 times, with backoff) unless told not to.
  { name: '2.1.100-api-key-70', version: '2.1.100', auth: 'api-key', model: 'claude-sonnet-4-6[1m]', cols: 70, gateShouldRetry: false },
];

const CURSOR_MOVE = /\u001b\[[0-9;?]*[ABCDEFGHfd]/g;
const screenText = (raw) => stripAnsi(raw.replace(CURSOR_MOVE, ' ').replace(/\r/g, ' ')).replace(/[ \t\u00a0]+/g, ' ');
const launch = (bin, args, options) => launchCli(bin, args, { ...options, screenText });

/** Shortens long strings so fixtures stay small; keys, types and nesting stay as the CLI wrote them. */
function trimValue(value) {
  if (typeof value === 'string') return value.length > 1500 ? `${value.slice(0, 1500)}…[trimmed ${value.length - 1500} chars]` : value;
  if (Array.isArray(value)) return value.map(trimValue);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, trimValue(v)]));
  return value;
}
function trimJsonl(text) {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      try { return JSON.stringify(trimValue(JSON.parse(line))); } catch { return line; }
    })
    .join('\n') + '\n';
}

function transcriptOf(home) {
  const projects = path.join(home.claudeDir, 'projects');
  for (const dir of readdirSync(projects)) {
    for (const file of readdirSync(path.join(projects, dir))) {
      if (file.endsWith('.jsonl')) return path.join(projects, dir, file);
    }
  }
  throw new Error('no transcript written');
}

const GATE = /API Error/;
const ANSWER = /Mock answer|API Error/;

async function capture(spec, notes) {
  const bin = await ensureClaude(spec.version);
  const api = await startMockApi({
    baseTokens: 150_000,
    tokensPerTurn: 40_000,
    gate: spec.caseB ? 'always' : 'over-window',
    gateShouldRetry: spec.gateShouldRetry,
  });
  const home = createClaudeHome({ apiUrl: api.url, auth: spec.auth });
  const env = home.env();
  const opts = { cols: spec.cols, cwd: home.cwd, env };
  const note = { name: spec.name, version: spec.version, auth: spec.auth, model: spec.model, cols: spec.cols, home: home.home };
  try {
    // 1. A session that hits the gate on its third prompt (or the first, for case B).
    const cli = launch(bin, ['--model', spec.model], opts);
    await cli.waitFor('❯');
    await cli.settle(1000);
    const prompts = spec.caseB ? ['hello one'] : ['hello one', 'hello two', 'hello three'];
    for (const prompt of prompts) {
      const from = await cli.type(prompt, ANSWER);
      await cli.settle(1200);
      if (GATE.test(cli.text().slice(from))) break;
    }
    await cli.waitFor(GATE);
    await cli.settle(1500);
    writeFileSync(path.join(out, 'screens', `${spec.name}-gate.bin`), cli.raw());
    note.gateScreen = cli.text().match(/API Error[^❯]*/g)?.at(-1)?.trim();
    const exit = await cli.exitWith('/exit');
    note.exit = exit;
    note.exitText = cli.text().slice(-400);
    cli.kill();
    const transcript = transcriptOf(home);
    const sessionId = path.basename(transcript, '.jsonl');
    note.sessionId = sessionId;
    writeFileSync(path.join(out, 'transcripts', `${spec.name}-gate.jsonl`), trimJsonl(readFileSync(transcript, 'utf8')));
    const errorLine = readFileSync(transcript, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)).find((r) => r.isApiErrorMessage);
    note.errorRecordKeys = errorLine ? Object.keys(errorLine) : null;
    note.errorRecord = errorLine ? { apiError: errorLine.apiError, error: errorLine.error, apiErrorStatus: errorLine.apiErrorStatus, apiErrorType: errorLine.apiErrorType, errorDetails: errorLine.errorDetails, text: errorLine.message?.content?.[0]?.text } : null;
    note.requests = api.requests.map((r) => ({ kind: r.kind, model: r.model, status: r.status, ctx: r.contextTokens, oneM: r.betas.includes('context-1m-2025-08-07') }));

    // 2. The resumed session redraws the old error.
    if (spec.resume) {
      const resumed = launch(bin, ['--resume', sessionId, '--model', spec.model], opts);
      await resumed.waitFor(GATE);
      await resumed.waitFor('❯');
      await resumed.settle(1500);
      writeFileSync(path.join(out, 'screens', `${spec.name}-resume.bin`), resumed.raw());
      resumed.write('\u0003');
      resumed.write('\u0003');
      await Promise.race([resumed.exit, new Promise((r) => setTimeout(r, 5_000))]);
      resumed.kill();
    }

    // 3. Headless compaction: refused (the mock refuses Haiku), then accepted.
    if (spec.compact) {
      const args = ['-p', '/compact', '--resume', sessionId, '--model', HAIKU, '--output-format', 'stream-json', '--verbose'];
      api.configure({ refuseCompactionFor: [HAIKU] });
      let mark = api.requests.length;
      const failed = await runHeadless(bin, args, { cwd: home.cwd, env });
      writeFileSync(path.join(out, 'compact', `${spec.version}-failed.jsonl`), failed.stdout);
      note.compactFailed = { code: failed.code, stderr: failed.stderr.slice(0, 500), requests: api.requests.slice(mark).map((r) => `${r.kind}:${r.model}:${r.status}`) };
      api.configure({ refuseCompactionFor: [] });
      mark = api.requests.length;
      const ok = await runHeadless(bin, args, { cwd: home.cwd, env });
      writeFileSync(path.join(out, 'compact', `${spec.version}-success.jsonl`), ok.stdout);
      note.compactSuccess = { code: ok.code, stderr: ok.stderr.slice(0, 500), requests: api.requests.slice(mark).map((r) => `${r.kind}:${r.model}:${r.status}:${r.sessionId === sessionId ? 'same-session' : r.sessionId}`) };
      const files = readdirSync(path.dirname(transcript));
      note.compactTranscripts = files;
      writeFileSync(path.join(out, 'transcripts', `${spec.name}-compacted.jsonl`), trimJsonl(readFileSync(transcript, 'utf8')));
    }

    // 4. An answer that quotes the gate's text: nothing is blocked.
    if (spec.quote) {
      api.configure({ gate: 'off' });
      const quoteHome = createClaudeHome({ apiUrl: api.url, auth: spec.auth });
      try {
        const cli2 = launch(bin, ['--model', spec.model], { ...opts, cwd: quoteHome.cwd, env: quoteHome.env() });
        await cli2.waitFor('❯');
        await cli2.settle(1000);
        await cli2.type('please quote the gate error', /API-key users see/);
        await cli2.settle(1500);
        writeFileSync(path.join(out, 'screens', `${spec.name}-quote.bin`), cli2.raw());
        cli2.write('\u0003');
        cli2.write('\u0003');
        await Promise.race([cli2.exit, new Promise((r) => setTimeout(r, 5_000))]);
        cli2.kill();
        writeFileSync(path.join(out, 'transcripts', `${spec.name}-quote.jsonl`), trimJsonl(readFileSync(transcriptOf(quoteHome), 'utf8')));
      } finally {
        quoteHome.remove();
      }
    }
  } catch (error) {
    note.error = String(error);
  } finally {
    await api.close();
    if (!process.env.KEEP_HOMES) home.remove();
  }
  notes.push(note);
  process.stdout.write(`${JSON.stringify(note, null, 2)}\n`);
}

const filter = process.argv[2];
const notes = [];
for (const spec of CAPTURES) {
  if (filter && !spec.name.includes(filter)) continue;
  await capture(spec, notes);
}
const notesFile = path.join(out, 'capture-notes.json');
const previous = existsSync(notesFile) ? JSON.parse(readFileSync(notesFile, 'utf8')) : [];
const merged = [...previous.filter((p) => !notes.some((n) => n.name === p.name)), ...notes].sort((a, b) => a.name.localeCompare(b.name));
writeFileSync(notesFile, `${JSON.stringify(merged, null, 2)}\n`);
process.exit(0);
