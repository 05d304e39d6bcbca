// Finds a given version of the real Claude Code CLI in claude-recover's cache, installing it
// from npm when missing (`@anthropic-ai/claude-code@<version>`; from 2.1.113 the binary comes
// from a per-platform optional dependency). Used by `claude-recover demo` and the e2e tests.
import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { UserError } from '../errors.js';

/** The version the demo runs: the newest one the facts file was checked against. */
export const DEMO_CLAUDE_VERSION = '2.1.332';

/** `$CLAUDE_RECOVER_E2E_CACHE`, or ~/.cache/claude-recover-e2e. */
export function claudeCacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  return env.CLAUDE_RECOVER_E2E_CACHE || path.join(env.HOME || os.homedir(), '.cache', 'claude-recover-e2e');
}

export interface EnsureClaudeOptions {
  env?: NodeJS.ProcessEnv;
  /** Progress lines (installing, …); nothing is printed by default. */
  onProgress?: (line: string) => void;
}

interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(file: string, args: string[], cwd: string, timeoutMs: number, env?: NodeJS.ProcessEnv): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(file, args, { cwd, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024, env }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

function platformPackage(): string {
  const arch = process.arch === 'arm64' ? 'arm64' : 'x64';
  if (process.platform === 'linux') {
    const glibc = (process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined)?.header?.glibcVersionRuntime;
    return `claude-code-linux-${arch}${glibc ? '' : '-musl'}`;
  }
  return `claude-code-${process.platform}-${arch}`;
}

/** The binaries an install directory may hold, best first. */
function candidates(dir: string): string[] {
  const modules = path.join(dir, 'node_modules');
  const exe = process.platform === 'win32' ? 'claude.exe' : 'claude';
  return [
    path.join(modules, '.bin', process.platform === 'win32' ? 'claude.cmd' : 'claude'),
    // When npm skipped the postinstall that copies the native binary over the placeholder.
    path.join(modules, '@anthropic-ai', platformPackage(), exe),
  ];
}

/** The first candidate in dir that reports the expected version, or null. */
async function verifiedBinary(dir: string, version: string, env?: NodeJS.ProcessEnv): Promise<string | null> {
  for (const file of candidates(dir)) {
    if (!existsSync(file)) continue;
    const result = await run(file, ['--version'], dir, 30_000, { ...(env ?? process.env), DISABLE_AUTOUPDATER: '1' });
    if (result.code === 0 && result.stdout.trim().startsWith(version)) return file;
  }
  return null;
}

const verified = new Map<string, Promise<string>>();

/**
 * The path of the real `claude` of this exact version, installing it into
 * `<cache root>/<version>` first when it is missing or broken.
 */
export function ensureClaude(version: string, options: EnsureClaudeOptions = {}): Promise<string> {
  const root = claudeCacheRoot(options.env);
  const key = `${root}\0${version}`;
  let pending = verified.get(key);
  if (!pending) {
    pending = locateOrInstall(root, version, options);
    verified.set(key, pending);
    pending.catch(() => verified.delete(key));
  }
  return pending;
}

async function locateOrInstall(root: string, version: string, options: EnsureClaudeOptions): Promise<string> {
  if (!/^\d+\.\d+\.\d+([-.][\w.]+)?$/.test(version)) {
    throw new UserError(`expected a Claude Code version like 2.1.330, got "${version}"`);
  }
  const dir = path.join(root, version);
  const existing = await verifiedBinary(dir, version, options.env);
  if (existing) return existing;

  // Install next to the target and rename into place, so a concurrent or interrupted install
  // never leaves a half-filled directory that looks complete.
  mkdirSync(root, { recursive: true });
  const staging = mkdtempSync(path.join(root, `.${version}-installing-`));
  chmodSync(staging, 0o755); // mkdtemp makes it private; the cache is an ordinary directory

  options.onProgress?.(`installing @anthropic-ai/claude-code@${version} into ${dir} (about 200 MB, once)`);
  try {
    writeFileSync(path.join(staging, 'package.json'), `${JSON.stringify({ private: true, dependencies: {} })}\n`);
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    // EBADENGINE warnings (the package asks for a newer Node than the one running npm) are harmless.
    const result = await run(
      npm,
      ['install', '--no-audit', '--no-fund', '--save-exact', '--loglevel=error', `@anthropic-ai/claude-code@${version}`],
      staging,
      600_000,
      options.env,
    );
    writeFileSync(path.join(staging, 'install.log'), `${result.stdout}\n${result.stderr}\nrc=${String(result.code)}\n`);
    if (result.code !== 0) {
      throw new UserError(
        `expected npm to install @anthropic-ai/claude-code@${version}, got exit code ${String(result.code)}: ${result.stderr.trim().split('\n').slice(-3).join(' ')}`,
      );
    }
    if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
    try {
      renameSync(staging, dir);
    } catch (error) {
      // Someone else finished the same install first; use theirs if it works.
      const theirs = await verifiedBinary(dir, version, options.env);
      if (theirs) return theirs;
      throw error;
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  const installed = await verifiedBinary(dir, version, options.env);
  if (!installed) {
    throw new UserError(`expected ${dir} to hold a working claude ${version} after npm install, found none; see ${path.join(dir, 'install.log')}`);
  }
  return installed;
}
