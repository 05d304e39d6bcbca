// Finding a session's transcript: the project directory Claude Code derives from the cwd,
// the session id (pid file, arguments, recent transcripts), the file itself, and whether
// a running claude has the session open.
import fs from 'node:fs';
import path from 'node:path';
import { claudeConfigDir } from '../paths.js';

type Env = NodeJS.ProcessEnv;

/** Longest project directory name before Claude Code shortens it with a hash. */
const MAX_NAME = 200;

/** A session id as Claude Code writes it (a UUID); anything else is not trusted as a file name. */
const SESSION_ID = /^[0-9a-zA-Z][0-9a-zA-Z_-]{7,127}$/;

/**
 * The project directory name for a cwd: every character outside [a-zA-Z0-9] becomes `-`;
 * a name longer than 200 characters is cut to 200 and suffixed with `-` and the base-36
 * absolute value of the Java-style hash of the cwd (facts §2).
 */
export function projectDirName(cwd: string): string {
  const name = cwd.replace(/[^a-zA-Z0-9]/g, '-');
  if (name.length <= MAX_NAME) return name;
  return `${name.slice(0, MAX_NAME)}-${Math.abs(javaHash(cwd)).toString(36)}`;
}

/** `h = (h << 5) - h + charCode | 0` over UTF-16 code units, as the CLI computes it. */
export function javaHash(text: string): number {
  let hash = 0;
  for (let i = 0; i < text.length; i++) hash = ((hash << 5) - hash + text.charCodeAt(i)) | 0;
  return hash;
}

/** `projects/` under Claude's config directory. */
export function projectsRoot(env: Env = process.env): string {
  return path.join(claudeConfigDir(env), 'projects');
}

/** `<claude config dir>/projects/<name of the cwd as given>`: where a session started in `cwd` is written. */
export function projectDir(cwd: string, env: Env = process.env): string {
  return path.join(projectsRoot(env), projectDirName(cwd));
}

/**
 * The project directories a cwd may map to, most likely first: the cwd as given, then its
 * real path when symlinks make it differ (which one the CLI used depends on how it was started).
 */
export function projectDirs(cwd: string, env: Env = process.env): string[] {
  const dirs = [projectDir(cwd, env)];
  try {
    const real = fs.realpathSync(cwd);
    if (real !== cwd) dirs.push(projectDir(real, env));
  } catch {
    // A cwd that no longer exists keeps only its literal name.
  }
  return dirs;
}

/** The transcript path of a session in the first project directory (where a new session is written). */
export function transcriptPath(cwd: string, sessionId: string, env: Env = process.env): string {
  return path.join(projectDir(cwd, env), `${sessionId}.jsonl`);
}

/**
 * The existing transcript of a session: in the cwd's project directories first, then in
 * any project directory (a session resumed from another directory). Null when none exists
 * or when the id is not shaped like a session id (ids also come from transcript records).
 */
export function findTranscript(cwd: string, sessionId: string, env: Env = process.env): string | null {
  return SESSION_ID.test(sessionId) ? searchTranscript(cwd, sessionId, env) : null;
}

/**
 * findTranscript for an id the user typed (`--session <id>`): looked up as given, without
 * the shape check, since the user names the file they mean.
 */
export function findTypedTranscript(cwd: string, sessionId: string, env: Env = process.env): string | null {
  return searchTranscript(cwd, sessionId, env);
}

function searchTranscript(cwd: string, sessionId: string, env: Env): string | null {
  for (const dir of projectDirs(cwd, env)) {
    const file = path.join(dir, `${sessionId}.jsonl`);
    if (isFile(file)) return file;
  }
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(projectsRoot(env), { withFileTypes: true });
  } catch {
    return null;
  }
  for (const entry of entries) {
    if (!entry.isDirectory()) continue;
    const file = path.join(projectsRoot(env), entry.name, `${sessionId}.jsonl`);
    if (isFile(file)) return file;
  }
  return null;
}

/** The session id named by `--resume <id>`, `--resume=<id>`, `-r <id>` or `--session-id <id>` in claude's arguments. */
export function sessionIdFromArgs(args: readonly string[]): string | null {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '--') break;
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg : arg.slice(0, eq);
    if (name !== '--resume' && name !== '-r' && name !== '--session-id') continue;
    const value = eq === -1 ? args[i + 1] : arg.slice(eq + 1);
    if (value !== undefined && SESSION_ID.test(value)) return value;
  }
  return null;
}

/** `sessions/` under Claude's config directory: one `<pid>.json` per running CLI (2.1.330+). */
function sessionsDir(env: Env): string {
  return path.join(claudeConfigDir(env), 'sessions');
}

/** A pid file's JSON object, or null when absent, unreadable or not an object. */
function readSessionFile(file: string): Record<string, unknown> | null {
  let value: unknown;
  try {
    value = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
  return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : null;
}

/** What `sessions/<pid>.json` says about a running CLI (2.1.330+), or null when absent or unreadable. */
export function readPidFile(pid: number, env: Env = process.env): { sessionId: string; cwd: string | null; status: string | null } | null {
  const record = readSessionFile(path.join(sessionsDir(env), `${pid}.json`));
  if (record === null) return null;
  if (typeof record.sessionId !== 'string' || !SESSION_ID.test(record.sessionId)) return null;
  return {
    sessionId: record.sessionId,
    cwd: typeof record.cwd === 'string' ? record.cwd : null,
    status: typeof record.status === 'string' ? record.status : null,
  };
}

/**
 * The pid of a running claude that has this session open (a `sessions/<pid>.json` naming
 * it, whose process exists), or null. The id is compared as given (it may be one the user typed).
 */
export function liveSessionPid(sessionId: string, env: Env = process.env): number | null {
  return livePidIn(sessionsDir(env), sessionId);
}

/**
 * The pid of a running claude that writes this transcript, when it can be told: the session's
 * pid file (2.1.330+; Claude's config folder is three levels above the transcript), or, on
 * Linux, a process holding the file open. Null when neither says.
 */
export function transcriptWriterPid(file: string): number | null {
  const configDir = path.dirname(path.dirname(path.dirname(file)));
  const fromPidFile = livePidIn(path.join(configDir, 'sessions'), path.basename(file, '.jsonl'));
  if (fromPidFile !== null) return fromPidFile;
  let pids: string[];
  try {
    pids = fs.readdirSync('/proc').filter((name) => /^\d+$/.test(name) && Number(name) !== process.pid);
  } catch {
    return null;
  }
  const target = path.resolve(file);
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = fs.readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        if (fs.readlinkSync(`/proc/${pid}/fd/${fd}`) === target) return Number(pid);
      } catch {
        // Closed meanwhile.
      }
    }
  }
  return null;
}

function livePidIn(dir: string, sessionId: string): number | null {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return null;
  }
  for (const name of names) {
    const pid = Number(name.replace(/\.json$/, ''));
    if (!Number.isInteger(pid) || pid <= 0) continue;
    if (readSessionFile(path.join(dir, name))?.sessionId === sessionId && isAlive(pid)) return pid;
  }
  return null;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else. ESRCH: a stale file.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A transcript file in a project directory. */
export interface TranscriptFile {
  path: string;
  sessionId: string;
  mtimeMs: number;
  size: number;
}

/**
 * The transcripts of the cwd's project directories modified at or after `sinceMs`, newest
 * first, at most `limit`. An unreadable or missing directory gives none.
 */
export function recentTranscripts(cwd: string, sinceMs: number, env: Env = process.env, limit = 8): TranscriptFile[] {
  const found = projectDirs(cwd, env).flatMap((dir) => transcriptsIn(dir, sinceMs));
  return found.sort((a, b) => b.mtimeMs - a.mtimeMs).slice(0, limit);
}

/** The most recently modified transcript of one project directory, or null (for `recover` without a session id). */
export function newestTranscript(dir: string): TranscriptFile | null {
  let newest: TranscriptFile | null = null;
  for (const file of transcriptsIn(dir, -Infinity)) if (newest === null || file.mtimeMs > newest.mtimeMs) newest = file;
  return newest;
}

/** The `<id>.jsonl` files of a directory modified at or after `sinceMs`, in directory order. */
function transcriptsIn(dir: string, sinceMs: number): TranscriptFile[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  const found: TranscriptFile[] = [];
  for (const name of names) {
    if (!name.endsWith('.jsonl')) continue;
    const file = path.join(dir, name);
    try {
      const stat = fs.statSync(file);
      if (stat.isFile() && stat.mtimeMs >= sinceMs) found.push({ path: file, sessionId: name.slice(0, -'.jsonl'.length), mtimeMs: stat.mtimeMs, size: stat.size });
    } catch {
      // Removed meanwhile.
    }
  }
  return found;
}

/** True when any of the cwd's project directories exists (the layout is the one this release knows). */
export function hasProjectDir(cwd: string, env: Env = process.env): boolean {
  return projectDirs(cwd, env).some((dir) => {
    try {
      return fs.statSync(dir).isDirectory();
    } catch {
      return false;
    }
  });
}

function isFile(file: string): boolean {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}
