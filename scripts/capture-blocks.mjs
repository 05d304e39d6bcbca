#!/usr/bin/env node
// Captures the other blocks from the real Claude Code CLI against the mock API (issue 17): usage
// limits and refused images, in a real PTY and headless. Needs `npm run build` (dist/demo).
//
//   node scripts/capture-blocks.mjs [name-filter]
//
// Writes test/fixtures/real/screens/<name>.bin (raw PTY bytes), transcripts/<name>.jsonl (the
// session file, long strings cut), headless/<name>.out (stdout of -p runs) and blocks-notes.json
// (what each run showed, its requests, exit statuses). See the fixture README's issue 17 section.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch as launchCli, runHeadless } from './lib/capture.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { startMockApi } = await import(path.join(root, 'dist/demo/mock-api.js'));
const { createClaudeHome } = await import(path.join(root, 'dist/demo/claude-home.js'));
const { ensureClaude } = await import(path.join(root, 'dist/demo/claude-cli.js'));
const { greyPng } = await import(path.join(root, 'dist/demo/png.js'));

const out = path.join(root, 'test/fixtures/real');
for (const dir of ['screens', 'transcripts', 'blocks']) mkdirSync(path.join(out, dir), { recursive: true });

const HOUR = 3600;
const now = () => Math.floor(Date.now() / 1000);
/** The model reads `look at <file>` with its Read tool (the mock's toolUse). */
const readTool = (home) => (context) => {
  const match = /look at (\S+)/.exec(context.lastUserText);
  return match ? { name: 'Read', input: { file_path: path.join(home.cwd, match[1]) } } : null;
};

const USAGE = [
  { name: '2.1.332-oauth-sub-80-usage-five_hour', version: '2.1.332', claim: 'five_hour', ahead: 2 * HOUR, cols: 80 },
  { name: '2.1.332-oauth-sub-40-usage-five_hour', version: '2.1.332', claim: 'five_hour', ahead: 2 * HOUR, cols: 40 },
  { name: '2.1.332-oauth-sub-80-usage-seven_day', version: '2.1.332', claim: 'seven_day', ahead: 50 * HOUR, cols: 80 },
  { name: '2.1.332-oauth-sub-80-usage-seven_day_opus', version: '2.1.332', claim: 'seven_day_opus', ahead: 50 * HOUR, cols: 80 },
  { name: '2.1.332-oauth-sub-80-usage-berlin', version: '2.1.332', claim: 'five_hour', ahead: 2 * HOUR, cols: 80, tz: 'Europe/Berlin' },
  { name: '2.1.200-oauth-sub-80-usage-five_hour', version: '2.1.200', claim: 'five_hour', ahead: 2 * HOUR, cols: 80 },
  { name: '2.1.200-oauth-sub-80-usage-seven_day', version: '2.1.200', claim: 'seven_day', ahead: 50 * HOUR, cols: 80 },
  // The reset 20 s ahead: 2.1.332 continues by itself (30–90 s after it, plus its own timer).
  { name: '2.1.332-oauth-sub-80-usage-continued', version: '2.1.332', claim: 'five_hour', ahead: 20, cols: 80, untilContinued: true },
];

const IMAGES = [
  { name: '2.1.332-oauth-sub-80-image-healed', version: '2.1.332', wording: 'dimensions' },
  { name: '2.1.332-oauth-sub-80-image-unhealed', version: '2.1.332', wording: 'unrecognised' },
  { name: '2.1.200-oauth-sub-80-image-healed', version: '2.1.200', wording: 'dimensions' },
  { name: '2.1.200-oauth-sub-80-image-unhealed', version: '2.1.200', wording: 'unrecognised' },
];

const CURSOR_MOVE = /\u001b\[[0-9;?]*[ABCDEFGHfd]/g;
const ESCAPES = /\u001b\[[0-9;?<>=]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)|\u001b[()][0-9A-Za-z]|\u001b[=>78MDEc]/g;
const screenText = (raw) => raw.replace(CURSOR_MOVE, ' ').replace(ESCAPES, '').replace(/\r/g, ' ').replace(/[ \t\u00a0]+/g, ' ');

const launch = (bin, args, options) => launchCli(bin, args, { ...options, screenText });

/** Long strings cut (base64 images, prompts, tool lists): keys, types, nesting and order stay the CLI's. */
function trimValue(value, max) {
  if (typeof value === 'string') return value.length > max ? `${value.slice(0, max)}…[trimmed ${value.length - max} chars]` : value;
  if (Array.isArray(value)) return value.map((v) => trimValue(v, max));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, trimValue(v, max)]));
  return value;
}
const trimLines = (text, max) =>
  text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      try {
        return JSON.stringify(trimValue(JSON.parse(line), max));
      } catch {
        return line;
      }
    })
    .join('\n') + '\n';

function transcriptOf(home) {
  const projects = path.join(home.claudeDir, 'projects');
  for (const dir of readdirSync(projects)) {
    for (const file of readdirSync(path.join(projects, dir))) if (file.endsWith('.jsonl')) return path.join(projects, dir, file);
  }
  throw new Error('no transcript written');
}

/** Saves the session's transcript under `name` and returns its records. */
function saveTranscript(home, name) {
  const transcript = readFileSync(transcriptOf(home), 'utf8');
  writeFileSync(path.join(out, 'transcripts', `${name}.jsonl`), trimLines(transcript, 1500));
  return transcript.split('\n').filter(Boolean).map((l) => JSON.parse(l));
}

const requestsOf = (api) => api.requests.map((r) => ({ kind: r.kind, status: r.status, at: new Date(r.at).toISOString(), text: r.lastUserText.slice(0, 60) }));

async function captureUsage(spec) {
  const bin = await ensureClaude(spec.version);
  const resetAt = now() + spec.ahead;
  const api = await startMockApi({ usageLimit: { claim: spec.claim, resetsAt: [resetAt] } });
  const home = createClaudeHome({ apiUrl: api.url, auth: 'oauth-subscription' });
  const env = home.env(spec.tz ? { TZ: spec.tz } : {});
  const note = { name: spec.name, version: spec.version, claim: spec.claim, resetAt, cols: spec.cols, tz: spec.tz ?? 'UTC' };
  try {
    const cli = launch(bin, ['--model', 'claude-sonnet-4-6'], { cols: spec.cols, cwd: home.cwd, env });
    await cli.waitFor('❯');
    await cli.settle(1000);
    await cli.type('hello one', /hit your|out of/);
    await cli.settle(1500);
    note.screen = cli.text().match(/(?:You've hit your|You're out of)[^❯─]*/g)?.map((s) => s.trim());
    if (spec.untilContinued) {
      await cli.waitFor(/Mock answer/, { timeoutMs: 240_000 });
      await cli.settle(1500);
      note.continuedAfterResetSeconds = Math.round(Date.now() / 1000 - resetAt);
    }
    writeFileSync(path.join(out, 'screens', `${spec.name}.bin`), cli.raw());
    // The /rate-limit-options menu (2.1.200 always, 2.1.332 for a weekly limit): Esc closes it.
    if (cli.text().includes('What do you want to do?')) cli.write('\u001b');
    note.menu = cli.text().match(/What do you want to do\?.*?Esc to cancel/)?.[0];
    await cli.settle(800);
    note.exit = await cli.exitWith('/exit');
    cli.kill();
    const records = saveTranscript(home, spec.name);
    const error = records.find((r) => r.isApiErrorMessage);
    note.errorRecord = error && Object.fromEntries(Object.entries(error).filter(([k]) => !['message', 'cwd', 'userType', 'entrypoint', 'gitBranch', 'sessionId', 'parentUuid', 'uuid'].includes(k)));
    note.errorText = error?.message?.content?.[0]?.text;
    note.informational = records.filter((r) => r.type === 'system' && r.subtype === 'informational').map((r) => r.content);
    note.requests = requestsOf(api);
  } catch (error) {
    note.error = String(error);
  } finally {
    await api.close();
    home.remove();
  }
  return note;
}

async function captureImage(spec) {
  const bin = await ensureClaude(spec.version);
  let home;
  const api = await startMockApi({ imageRefusal: { wording: spec.wording, maxPixels: 1000 }, toolUse: (context) => readTool(home)(context) });
  home = createClaudeHome({ apiUrl: api.url, auth: 'oauth-subscription' });
  writeFileSync(path.join(home.cwd, 'small.png'), greyPng(300, 20));
  writeFileSync(path.join(home.cwd, 'big.png'), greyPng(3000, 20));
  const env = home.env();
  const note = { name: spec.name, version: spec.version, wording: spec.wording };
  try {
    const cli = launch(bin, ['--model', 'claude-sonnet-4-6'], { cols: 80, cwd: home.cwd, env });
    await cli.waitFor('❯');
    await cli.settle(1000);
    await cli.type('look at small.png', /Mock answer 1/);
    await cli.settle(1000);
    await cli.type('look at big.png', /API Error/);
    await cli.settle(1500);
    if (spec.wording === 'unrecognised') {
      const from = cli.text().length;
      await cli.type('what did you see', /API Error/);
      await cli.waitFor(/API Error/, { from });
      await cli.settle(1500);
    }
    note.screen = cli.text().match(/API Error[^❯─]*/g)?.map((s) => s.trim());
    writeFileSync(path.join(out, 'screens', `${spec.name}.bin`), cli.raw());
    note.exit = await cli.exitWith('/exit');
    cli.kill();
    note.errorRecords = saveTranscript(home, spec.name)
      .filter((r) => r.isApiErrorMessage)
      .map((r) => ({ apiError: r.apiError, apiErrorParams: r.apiErrorParams, error: r.error, apiErrorStatus: r.apiErrorStatus, apiErrorType: r.apiErrorType, errorDetails: r.errorDetails, text: r.message?.content?.[0]?.text }));
    note.requests = requestsOf(api);

    // The same refusal in -p: the CLI heals it there too, or prints the error and exits 1.
    const printed = await runHeadless(bin, ['-p', 'look at big.png', '--model', 'claude-sonnet-4-6'], { cwd: home.cwd, env });
    writeFileSync(path.join(out, 'blocks', `${spec.name.replace('-80-', '-')}-print-text.out`), printed.stdout);
    note.print = { code: printed.code, stderr: printed.stderr };
  } catch (error) {
    note.error = String(error);
  } finally {
    await api.close();
    home.remove();
  }
  return note;
}

async function captureUsagePrint(version) {
  const bin = await ensureClaude(version);
  const resetAt = now() + 2 * HOUR;
  const api = await startMockApi({ usageLimit: { claim: 'five_hour', resetsAt: [resetAt] } });
  const home = createClaudeHome({ apiUrl: api.url, auth: 'oauth-subscription' });
  const env = home.env();
  const notes = {};
  try {
    for (const format of ['text', 'json', 'stream-json']) {
      const args = ['-p', 'hello one', '--model', 'claude-sonnet-4-6', '--output-format', format, ...(format === 'stream-json' ? ['--verbose'] : [])];
      const result = await runHeadless(bin, args, { cwd: home.cwd, env });
      const name = `${version}-oauth-sub-usage-print-${format}`;
      writeFileSync(path.join(out, 'blocks', `${name}.out`), format === 'text' ? result.stdout : trimLines(result.stdout, 300));
      notes[name] = { args, code: result.code, stderr: result.stderr, resetAt };
    }
  } finally {
    await api.close();
    home.remove();
  }
  return notes;
}

const filter = process.argv[2];
const picked = (name) => !filter || name.includes(filter);
const notesFile = path.join(out, 'blocks-notes.json');
const notes = existsSync(notesFile) ? JSON.parse(readFileSync(notesFile, 'utf8')) : {};
const save = () => writeFileSync(notesFile, `${JSON.stringify(notes, null, 2)}\n`);
for (const spec of USAGE) {
  if (!picked(spec.name)) continue;
  notes[spec.name] = await captureUsage(spec);
  process.stdout.write(`${spec.name}: ${JSON.stringify(notes[spec.name].screen ?? notes[spec.name].error)}\n`);
  save();
}
for (const spec of IMAGES) {
  if (!picked(spec.name)) continue;
  notes[spec.name] = await captureImage(spec);
  process.stdout.write(`${spec.name}: ${JSON.stringify(notes[spec.name].screen ?? notes[spec.name].error)}\n`);
  save();
}
for (const version of ['2.1.332', '2.1.200']) {
  if (!picked(`${version}-usage-print`)) continue;
  Object.assign(notes, await captureUsagePrint(version));
  process.stdout.write(`${version} usage -p: captured\n`);
  save();
}
process.exit(0);
