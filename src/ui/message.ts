// claude-recover's own lines on stderr: `claude-recover: <message>`, one line when piped;
// on a terminal the prefix is coloured and the message wrapped at spaces to the width, so
// the terminal never breaks a word.
import { tonesFor } from './colour.js';
import { displayWidth, labelled, terminalColumns, wrapText } from './width.js';

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
  if (stream.isTTY !== true) return `${prefix}${message}\n`;
  const columns = terminalColumns(stream, env);
  // Beside the prefix while that leaves room for the message, else under it.
  if (columns - displayWidth(prefix) >= 40) return `${labelled(prefix, message, columns)}\n`;
  return `${prefix.trimEnd()}\n  ${wrapText(message, columns, 2)}\n`;
}
