// Where a session's transcript lives (facts §2), and the newest one of a directory, for
// `claude-recover recover` run by hand without a session id.
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { claudeConfigDir } from '../paths.js';

function javaHash(text: string): number {
  let h = 0;
  for (let i = 0; i < text.length; i++) h = ((h << 5) - h + text.charCodeAt(i)) | 0;
  return h;
}

/** The CLI's project directory name for a cwd: non-alphanumerics become `-`, long names are cut and hashed. */
export function encodeProjectDir(cwd: string): string {
  const encoded = cwd.replace(/[^a-zA-Z0-9]/g, '-');
  if (encoded.length <= 200) return encoded;
  return `${encoded.slice(0, 200)}-${Math.abs(javaHash(cwd)).toString(36)}`;
}

/** `<claude config dir>/projects/<encoded cwd>`. */
export function projectDir(cwd: string, env: NodeJS.ProcessEnv = process.env): string {
  return path.join(claudeConfigDir(env), 'projects', encodeProjectDir(cwd));
}

/** The transcript of a session started in `cwd`. */
export function transcriptFile(cwd: string, sessionId: string, env: NodeJS.ProcessEnv = process.env): string {
  return path.join(projectDir(cwd, env), `${sessionId}.jsonl`);
}

/** The most recently modified `<id>.jsonl` in a project directory, or null. */
export async function newestTranscript(dir: string): Promise<{ sessionId: string; path: string } | null> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return null;
  }
  let best: { sessionId: string; path: string; mtime: number } | null = null;
  for (const name of names) {
    if (!name.endsWith('.jsonl')) continue;
    const file = path.join(dir, name);
    try {
      const info = await stat(file);
      if (!info.isFile()) continue;
      if (!best || info.mtimeMs > best.mtime) best = { sessionId: name.slice(0, -'.jsonl'.length), path: file, mtime: info.mtimeMs };
    } catch {
      // Vanished while listing.
    }
  }
  return best && { sessionId: best.sessionId, path: best.path };
}

/**
 * The transcript of a session id: in the cwd's project directory first, then in any
 * project directory (a session started elsewhere). Null when there is none.
 */
export async function findTranscript(sessionId: string, cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<string | null> {
  const here = transcriptFile(cwd, sessionId, env);
  if (await isFile(here)) return here;
  const projects = path.join(claudeConfigDir(env), 'projects');
  let dirs: string[];
  try {
    dirs = await readdir(projects);
  } catch {
    return null;
  }
  for (const dir of dirs) {
    const file = path.join(projects, dir, `${sessionId}.jsonl`);
    if (await isFile(file)) return file;
  }
  return null;
}

async function isFile(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}

/** The pid of a running claude that has this session open (`<config>/sessions/<pid>.json`, 2.1.330), or null. */
export async function liveSessionPid(sessionId: string, env: NodeJS.ProcessEnv = process.env): Promise<number | null> {
  const dir = path.join(claudeConfigDir(env), 'sessions');
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return null;
  }
  for (const name of names) {
    const pid = Number(name.replace(/\.json$/, ''));
    if (!Number.isInteger(pid) || pid <= 0) continue;
    try {
      const value: unknown = JSON.parse(await readFile(path.join(dir, name), 'utf8'));
      if (!value || typeof value !== 'object' || (value as { sessionId?: unknown }).sessionId !== sessionId) continue;
      if (isAlive(pid)) return pid;
    } catch {
      // Unreadable: not a session we can tell anything about.
    }
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
