// The old names of src/transcript/locate.ts, kept only because src/commands/recover.ts still
// imports them (its owner edits it in parallel). Import from ../transcript/locate.js instead;
// delete this file once recover.ts does.
import { findTypedTranscript } from '../transcript/locate.js';

export { liveSessionPid, newestTranscript, projectDir, projectDirName as encodeProjectDir } from '../transcript/locate.js';

/** findTypedTranscript with the session id first, as recover.ts calls it. */
export async function findTranscript(sessionId: string, cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<string | null> {
  return findTypedTranscript(cwd, sessionId, env);
}
