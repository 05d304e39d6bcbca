// claude-recover's own lines on stderr: `claude-recover: <message>`, one line when piped;
// on a terminal the prefix is coloured and the message wrapped at spaces to the width, so
// the terminal never breaks a word.
import { tonesFor } from './colour.js';
import { labelled, terminalColumns } from './width.js';

type Stream = { isTTY?: boolean; columns?: number };

/** An error: the prefix red on a terminal. */
export function errorLine(message: string, stream: Stream = process.stderr, env: NodeJS.ProcessEnv = process.env): string {
  return line(`${tonesFor(stream, env).fail('claude-recover:')} `, message, stream, env);
}

/** A warning: `claude-recover: warning: …`, the label yellow on a terminal. */
export function warningLine(message: string, stream: Stream = process.stderr, env: NodeJS.ProcessEnv = process.env): string {
  return line(`claude-recover: ${tonesFor(stream, env).warn('warning:')} `, message, stream, env);
}

function line(prefix: string, message: string, stream: Stream, env: NodeJS.ProcessEnv): string {
  return `${stream.isTTY === true ? labelled(prefix, message, terminalColumns(stream, env)) : prefix + message}\n`;
}
