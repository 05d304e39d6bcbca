// Where claude-recover and Claude Code keep their files (XDG on Linux, the platform
// equivalents elsewhere). Every function takes the environment so tests can point it
// at temporary directories.
import os from 'node:os';
import path from 'node:path';

type Env = NodeJS.ProcessEnv;

function home(env: Env): string {
  return env.HOME || os.homedir();
}

/** Directory of config.json. */
export function configDir(env: Env = process.env): string {
  if (env.XDG_CONFIG_HOME) return path.join(env.XDG_CONFIG_HOME, 'claude-recover');
  if (process.platform === 'darwin') return path.join(home(env), 'Library', 'Preferences', 'claude-recover');
  if (process.platform === 'win32') return path.join(env.APPDATA || path.join(home(env), 'AppData', 'Roaming'), 'claude-recover', 'Config');
  return path.join(home(env), '.config', 'claude-recover');
}

/** Directory of events.jsonl and other state. */
export function stateDir(env: Env = process.env): string {
  if (env.XDG_STATE_HOME) return path.join(env.XDG_STATE_HOME, 'claude-recover');
  if (process.platform === 'darwin') return path.join(home(env), 'Library', 'Application Support', 'claude-recover');
  if (process.platform === 'win32') return path.join(env.LOCALAPPDATA || path.join(home(env), 'AppData', 'Local'), 'claude-recover', 'State');
  return path.join(home(env), '.local', 'state', 'claude-recover');
}

/** Claude Code's own config directory: $CLAUDE_CONFIG_DIR or ~/.claude. */
export function claudeConfigDir(env: Env = process.env): string {
  return env.CLAUDE_CONFIG_DIR || path.join(home(env), '.claude');
}

/** `text` with the home folder written as `~` in every path it contains, for display only. */
export function tilde(text: string, env: Env = process.env): string {
  const home = env.HOME;
  if (!home || home === '/') return text;
  const escaped = home.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return text.replace(new RegExp(`(^|[\\s(=:'"\`,])${escaped}(?=/|$|[\\s)'"\`,:;])`, 'g'), '$1~');
}
