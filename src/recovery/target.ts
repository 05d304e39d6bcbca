// The session a by-hand command (`recover`, `prune-images`) acts on: the one named by
// --session, else the newest transcript of the directory it runs in; in both cases checked
// to be a Claude Code transcript before anything is planned or touched.
import path from 'node:path';
import { ExitCode, UserError } from '../errors.js';
import { tilde } from '../paths.js';
import { transcriptProblem } from '../transcript/check.js';
import { findTypedTranscript, newestTranscript, projectDir, projectDirName } from '../transcript/locate.js';
import { sessionFacts } from './transcript-scan.js';

export interface SessionTarget {
  sessionId: string;
  file: string;
}

/** The session to act on, or a UserError (exit 1) that says what was expected and what to do. */
export async function locateSession(session: string | undefined, cwd: string, env: NodeJS.ProcessEnv): Promise<SessionTarget> {
  const dir = projectDir(cwd, env);
  // Paths in messages as the user knows them (~ for the home folder).
  const shown = tilde(dir, env);
  let sessionId: string;
  let file: string;
  if (session !== undefined) {
    const found = findTypedTranscript(cwd, session, env);
    if (!found) {
      throw new UserError(`expected a transcript for session ${session} in ${shown} or another project folder, got none; check the id (a transcript's file name without .jsonl)`, {
        exitCode: ExitCode.failure,
      });
    }
    sessionId = session;
    file = found;
  } else {
    const newest = newestTranscript(dir);
    if (!newest) {
      throw new UserError(`expected a session transcript in ${shown}, got none; run this in the folder the session ran in, or pass --session <id>`, {
        exitCode: ExitCode.failure,
      });
    }
    sessionId = newest.sessionId;
    file = newest.path;
  }
  const problem = await transcriptProblem(file);
  if (problem !== null) {
    const which = session === undefined ? `the newest .jsonl file here, ${tilde(file, env)},` : tilde(file, env);
    const next = session === undefined ? '; pass --session <id> for the session you mean' : '';
    throw new UserError(`expected a Claude Code transcript, but ${which} is not one (${problem}); nothing was changed${next}`);
  }
  return { sessionId, file };
}

/** The directory a session belongs to (claude --resume finds it only from there): `cwd`, or the one its records name when it was found under another project. */
export async function sessionDirectory(target: SessionTarget, cwd: string): Promise<string> {
  const folder = path.basename(path.dirname(target.file));
  if (folder === projectDirName(cwd)) return cwd;
  const recorded = (await sessionFacts(target.file)).cwd;
  if (!recorded || projectDirName(recorded) !== folder) {
    throw new UserError(`expected to know the folder session ${target.sessionId} ran in, got none from ${target.file}; run this command in that folder`);
  }
  return recorded;
}
