// Paths the tests share.
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const BIN = fileURLToPath(new URL('../../bin/claude-recover.js', import.meta.url));
export const PROGRAMS = fileURLToPath(new URL('../fixtures/programs/', import.meta.url));

/** The environment a wrapper under test gets: no sandbox Node flags, claude pointed at `program`. */
export function wrapperEnv(program: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, CLAUDE_RECOVER_CLAUDE: program, ...extra };
  delete env.NODE_OPTIONS;
  delete env.NODE_EXTRA_CA_CERTS;
  delete env.CLAUDE_RECOVER_ACTIVE;
  delete env.VITEST;
  return env;
}
