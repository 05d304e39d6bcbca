#!/usr/bin/env node
// Regenerates test/fixtures/real/headless/: what the real Claude Code CLI prints when the gate
// refuses a headless request, against the mock API with an isolated HOME. Needs `npm run build`.
//
//   node scripts/capture-headless.mjs [version ...]      (default: 2.1.332 2.1.200 2.1.100)
//
// - <version>-<auth>-print-<format>.out: stdout of `claude -p --resume <id> "hello three"
//   --model 'claude-sonnet-4-6[1m]' --output-format <format>` on a session past 200K.
// - 2.1.332-oauth-sdk.jsonl: one Agent SDK (pinned devDependency) session over the gate, every line
//   the SDK wrote (`in`) and claude wrote (`out`), strings longer than 300 characters cut.
// - notes.json: argv, environment names and exit status of each run.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { startMockApi } = await import(path.join(root, 'dist/demo/mock-api.js'));
const { createClaudeHome } = await import(path.join(root, 'dist/demo/claude-home.js'));
const { ensureClaude } = await import(path.join(root, 'dist/demo/claude-cli.js'));
const out = path.join(root, 'test/fixtures/real/headless');
mkdirSync(out, { recursive: true });
const notes = {};

function run(file, args, env, cwd) {
  return new Promise((resolve) => {
    const child = spawn(file, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (status, signal) => resolve({ status, signal, stdout, stderr }));
  });
}

/** Cuts every string longer than 300 characters: the shapes stay, the bulk (command lists, tools) goes. */
function trim(value) {
  if (typeof value === 'string') return value.length > 300 ? `${value.slice(0, 300)}…[trimmed ${value.length - 300} chars]` : value;
  if (Array.isArray(value)) return value.length > 12 ? [...value.slice(0, 12).map(trim), `…[${value.length - 12} more]`] : value.map(trim);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, trim(v)]));
  return value;
}
const trimLine = (line) => {
  try {
    return JSON.stringify(trim(JSON.parse(line)));
  } catch {
    return line;
  }
};

async function capturePrint(version, auth) {
  const claude = await ensureClaude(version);
  const api = await startMockApi({ baseTokens: 150_000, tokensPerTurn: 40_000, gate: 'over-window', gateShouldRetry: false });
  const home = createClaudeHome({ apiUrl: api.url, auth });
  const env = home.env();
  const model = ['--model', 'claude-sonnet-4-6[1m]'];
  try {
    const first = await run(claude, ['-p', 'hello one', ...model, '--output-format', 'json'], env, home.cwd);
    const id = JSON.parse(first.stdout).session_id;
    await run(claude, ['-p', '--resume', id, 'hello two', ...model], env, home.cwd);
    for (const format of ['text', 'json', 'stream-json']) {
      const args = ['-p', '--resume', '<id>', 'hello three', ...model, '--output-format', format, ...(format === 'stream-json' ? ['--verbose'] : [])];
      const result = await run(claude, args.map((a) => (a === '<id>' ? id : a)), env, home.cwd);
      const name = `${version}-${auth}-print-${format}`;
      const body = format === 'text' ? result.stdout : result.stdout.split('\n').map((l) => (l ? trimLine(l) : l)).join('\n');
      writeFileSync(path.join(out, `${name}.out`), body);
      notes[name] = { args, status: result.status, stderr: result.stderr };
      process.stdout.write(`${name}: exit ${result.status}\n`);
    }
  } finally {
    await api.close();
    home.remove();
  }
}

/** A recorder put between the SDK and claude: every line both ways, with its direction. */
const RECORDER = `#!/usr/bin/env node
import { spawn } from 'node:child_process';
import { appendFileSync } from 'node:fs';
const log = process.env.CAPTURE_LOG;
const w = (dir, data) => { for (const line of data.toString().split('\\n')) if (line) appendFileSync(log, JSON.stringify({ dir, line }) + '\\n'); };
appendFileSync(log, JSON.stringify({ dir: 'argv', line: JSON.stringify(process.argv.slice(2)) }) + '\\n');
const child = spawn(process.env.CAPTURE_CLAUDE, process.argv.slice(2), { stdio: ['pipe', 'pipe', 'inherit'] });
process.stdin.on('data', (d) => { w('in', d); child.stdin.write(d); });
process.stdin.on('end', () => { appendFileSync(log, JSON.stringify({ dir: 'in-eof', line: '' }) + '\\n'); child.stdin.end(); });
child.stdout.on('data', (d) => { w('out', d); process.stdout.write(d); });
child.on('exit', (code) => { appendFileSync(log, JSON.stringify({ dir: 'exit', line: String(code) }) + '\\n'); process.exitCode = code ?? 1; });
`;

async function captureSdk(version) {
  const { query } = await import('@anthropic-ai/claude-agent-sdk');
  const claude = await ensureClaude(version);
  const api = await startMockApi({ baseTokens: 150_000, tokensPerTurn: 40_000, gate: 'over-window' });
  const home = createClaudeHome({ apiUrl: api.url, auth: 'oauth-subscription' });
  const dir = mkdtempSync(path.join(os.tmpdir(), 'capture-sdk-'));
  const recorder = path.join(dir, 'recorder.mjs');
  const log = path.join(dir, 'log.jsonl');
  writeFileSync(recorder, RECORDER, { mode: 0o755 });
  let answered = () => undefined;
  async function* prompts() {
    for (const text of ['hello one', 'hello two', 'hello three']) {
      const done = new Promise((resolve) => (answered = resolve));
      yield { type: 'user', message: { role: 'user', content: text }, parent_tool_use_id: null, session_id: '' };
      if (text !== 'hello three') await done;
    }
  }
  try {
    const q = query({
      prompt: prompts(),
      options: { pathToClaudeCodeExecutable: recorder, cwd: home.cwd, model: 'claude-sonnet-4-6[1m]', env: home.env({ CAPTURE_LOG: log, CAPTURE_CLAUDE: claude }) },
    });
    let thrown = null;
    try {
      for await (const message of q) if (message.type === 'result') answered();
    } catch (error) {
      thrown = error.message;
    }
    const lines = readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    writeFileSync(path.join(out, `${version}-oauth-sdk.jsonl`), lines.map((l) => JSON.stringify({ dir: l.dir, line: trimLine(l.line) })).join('\n') + '\n');
    notes[`${version}-oauth-sdk`] = { sdkThrew: thrown };
    process.stdout.write(`${version}-oauth-sdk: ${lines.length} lines, the SDK threw: ${thrown}\n`);
  } finally {
    await api.close();
    home.remove();
  }
}

const versions = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['2.1.332', '2.1.200', '2.1.100'];
for (const version of versions) for (const auth of ['oauth-subscription', 'api-key']) await capturePrint(version, auth);
if (versions.includes('2.1.332')) await captureSdk('2.1.332');
writeFileSync(path.join(out, 'notes.json'), `${JSON.stringify(notes, null, 2)}\n`);
