// The checks of `claude-recover doctor`: everything claude-recover relies on, one result each
// with the fix, and their lines as printed. Every check only reads.
import { accessSync, constants, existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { loadConfig, type LoadedConfig } from '../config/load.js';
import { describeError, ExitCode } from '../errors.js';
import { installedIn } from '../install/alias.js';
import { ClaudeNotFoundError, claudeVersion, findClaude } from '../launcher/find-claude.js';
import { eventsFile } from '../log/sink.js';
import { claudeConfigDir, tilde } from '../paths.js';
import { filesCheck } from '../storage/clean.js';

export interface CheckResult {
  name: string;
  ok: boolean;
  detail: string;
  /** What to do when it failed. */
  fix?: string;
  /** Further lines (e.g. every config warning). */
  more?: string[];
}

/** The first Claude Code version that compacts and retries a 200K-model session by itself (facts §4). */
export const SELF_RECOVERING_VERSION = '2.1.311';

const PTY_TIMEOUT_MS = 5_000;


/** Every check, in the order doctor prints them. */
export async function runChecks(env: NodeJS.ProcessEnv): Promise<CheckResult[]> {
  const loaded = loadConfig(env);
  // The two that start a process run side by side.
  const [claude, pty] = await Promise.all([checkClaude(env, loaded), checkPty(env)]);
  return [
    claude,
    pty,
    checkTranscripts(env),
    checkLog(env),
    { name: 'files', ...(await filesCheck(env, loaded.config.backups.maxBytes)) },
    checkConfig(loaded),
    checkAlias(env),
  ];
}

/** ✓/✗ lines wrapped to stdout's width, coloured on a terminal, fixes indented under failures, and a summary line. */
export async function formatChecks(results: readonly CheckResult[], env: NodeJS.ProcessEnv): Promise<string> {
  // Loaded here: every command's module is loaded for any command, these only for doctor.
  const [{ tonesFor }, { labelled, terminalColumns, wrapText }] = await Promise.all([import('../ui/colour.js'), import('../ui/width.js')]);
  const width = terminalColumns(process.stdout, env);
  const tones = tonesFor(process.stdout, env);
  const nameWidth = Math.max(...results.map((r) => r.name.length));
  // On a narrow terminal the text goes under the name instead of beside it.
  const narrow = width < nameWidth + 3 + 40;
  const pad = ' '.repeat(narrow ? 4 : nameWidth + 3);
  const lines: string[] = [];
  for (const r of results) {
    const mark = r.ok ? tones.ok('✓') : tones.fail('✗');
    // A path longer than a whole line loses its middle: a check's line never passes the edge.
    if (narrow) lines.push(`${mark} ${r.name}`, pad + wrapText(tilde(r.detail, env), width, pad.length, 'shorten'));
    else lines.push(labelled(`${mark} ${r.name.padEnd(nameWidth)} `, tilde(r.detail, env), width, 'shorten'));
    for (const more of r.more ?? []) lines.push(pad + wrapText(tilde(more, env), width, pad.length, 'shorten'));
    if (!r.ok && r.fix) lines.push(labelled(`${pad}${tones.warn('fix:')} `, tilde(r.fix, env), width, 'shorten'));
  }
  const failed = results.filter((r) => !r.ok).length;
  const summary = failed === 0 ? 'All checks passed.' : `${failed} of ${results.length} checks failed.`;
  lines.push('', failed === 0 ? tones.ok(summary) : tones.fail(summary));
  return lines.join('\n');
}

async function checkClaude(env: NodeJS.ProcessEnv, loaded: LoadedConfig): Promise<CheckResult> {
  const name = 'claude';
  let found: { path: string; source: string };
  try {
    // An env claudePath is CLAUDE_RECOVER_CLAUDE, which findClaude reads itself.
    found = findClaude({ env, configPath: loaded.sources.claudePath === 'file' ? loaded.config.claudePath : undefined });
  } catch (error) {
    if (error instanceof ClaudeNotFoundError) return { name, ok: false, detail: `not found: ${error.problem}`, fix: error.fix };
    return { name, ok: false, detail: `not found: ${describeError(error)}`, fix: 'set CLAUDE_RECOVER_CLAUDE to the real claude' };
  }
  const where = `${found.path} (from ${found.source})`;
  const version = await claudeVersion(found.path, env);
  if (version === null) {
    return {
      name,
      ok: false,
      detail: `${where}, but \`claude --version\` gave no version`,
      fix: `check that \`${found.path} --version\` works; if that is not the real claude, set CLAUDE_RECOVER_CLAUDE to the one that is`,
    };
  }
  const selfRecovering = compareVersions(version, SELF_RECOVERING_VERSION) >= 0;
  return {
    name,
    ok: true,
    detail: selfRecovering
      ? `${where}, version ${version}: recovers 200K-model sessions by itself; sessions on a [1m] model still need claude-recover`
      : `${where}, version ${version}: does not recover by itself (${SELF_RECOVERING_VERSION}+ does, for 200K models); claude-recover does it`,
  };
}

async function checkPty(env: NodeJS.ProcessEnv): Promise<CheckResult> {
  const name = 'node-pty';
  const fix = `reinstall claude-recover: its prebuilt PTY binary (@lydell/node-pty-${process.platform}-${process.arch}) is missing or does not match this Node`;
  let spawn: typeof import('@lydell/node-pty').spawn;
  try {
    spawn = (await import('@lydell/node-pty')).spawn;
  } catch (error) {
    return { name, ok: false, detail: `does not load: ${describeError(error)}`, fix };
  }
  try {
    const exitCode = await new Promise<number>((resolve, reject) => {
      // `true` through a PATH that surely has it: this checks the PTY, not the user's PATH.
      const term = spawn('true', [], { cols: 80, rows: 24, env: { ...env, PATH: `${env.PATH ?? ''}${path.delimiter}/usr/bin${path.delimiter}/bin` } });
      const timer = setTimeout(() => {
        term.kill();
        reject(new Error(`\`true\` did not exit within ${PTY_TIMEOUT_MS / 1000} s`));
      }, PTY_TIMEOUT_MS);
      term.onExit((event) => {
        clearTimeout(timer);
        resolve(event.exitCode);
      });
    });
    if (exitCode !== 0) return { name, ok: false, detail: `loads, but \`true\` in a PTY exited with ${exitCode}`, fix };
    return { name, ok: true, detail: `loads and runs a program in a PTY (node ${process.version})` };
  } catch (error) {
    return { name, ok: false, detail: `loads, but cannot open a PTY: ${describeError(error)}`, fix };
  }
}

function checkTranscripts(env: NodeJS.ProcessEnv): CheckResult {
  const name = 'transcripts';
  const dir = path.join(claudeConfigDir(env), 'projects');
  try {
    if (!statSync(dir).isDirectory()) throw new Error('not a folder');
    const projects = readdirSync(dir).length;
    return { name, ok: true, detail: `${dir} (${projects} project${projects === 1 ? '' : 's'})` };
  } catch (error) {
    const why = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'not found' : `unreadable (${describeError(error)})`;
    return {
      name,
      ok: false,
      detail: `${dir} ${why}: recovery cannot confirm the gate or find the session to resume`,
      fix: 'run claude once (it creates the folder), or set CLAUDE_CONFIG_DIR if Claude Code keeps its files elsewhere',
    };
  }
}

/** Whether the log can be written, found without writing: the file if it exists, else the nearest folder that does. */
function checkLog(env: NodeJS.ProcessEnv): CheckResult {
  const name = 'log';
  const file = eventsFile(env);
  let target = file;
  while (!existsSync(target) && path.dirname(target) !== target) target = path.dirname(target);
  try {
    accessSync(target, target === file ? constants.W_OK : constants.W_OK | constants.X_OK);
    if (target !== file && !statSync(target).isDirectory()) throw new Error(`${target} is not a folder`);
    return { name, ok: true, detail: target === file ? `${file} is writable` : `${file} can be created (it does not exist yet)` };
  } catch (error) {
    return {
      name,
      ok: false,
      detail: `cannot write ${file}: ${describeError(error)}`,
      fix: `make ${target === file ? path.dirname(file) : target} writable for you, or set XDG_STATE_HOME to a folder that is`,
    };
  }
}

function checkConfig(loaded: LoadedConfig): CheckResult {
  const name = 'config';
  if (loaded.warnings.length === 0) {
    return { name, ok: true, detail: existsSync(loaded.path) ? `${loaded.path} is valid` : `no ${loaded.path}: the defaults apply` };
  }
  return {
    name,
    ok: false,
    detail: `${loaded.warnings.length} problem${loaded.warnings.length === 1 ? '' : 's'}; the defaults are used for those keys`,
    more: loaded.warnings,
    fix: `edit ${loaded.path} (\`claude-recover config\` shows every value and its source)`,
  };
}

function checkAlias(env: NodeJS.ProcessEnv): CheckResult {
  const name = 'alias';
  let files: string[];
  try {
    files = installedIn(env).map((i) => i.file);
  } catch (error) {
    return { name, ok: false, detail: `cannot read the rc files: ${describeError(error)}`, fix: 'claude-recover install-alias --rc <your rc file>' };
  }
  if (files.length > 0) return { name, ok: true, detail: `installed in ${files.join(', ')}` };
  return {
    name,
    ok: false,
    detail: 'not installed: typing `claude` runs it without recovery',
    fix: 'claude-recover install-alias (or run claude as `claude-recover run -- …`)',
  };
}

/** Compares dotted numeric versions: negative, zero or positive. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const diff = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}

