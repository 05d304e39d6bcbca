// The one error class for failures the user must act on: a message that names the
// thing and the fix, and the exit code the command ends with.

/**
 * The exit codes, the same in every command (README and `--help` print this table):
 * `run` ends with claude's own status instead; a claude killed by a signal gives 128 + its number.
 */
export const ExitCode = {
  /** It worked (doctor: every check passed). */
  ok: 0,
  /** The operation failed, a session or transcript not found included; the line on stderr says why. */
  failure: 1,
  /** The command line is wrong: an unknown command or option, a missing value or one of the wrong form. */
  usage: 2,
  /** The real claude could not be found (or started). */
  notFound: 127,
} as const;

/** The table for `--help` and the README, one code a line. */
export const EXIT_CODE_HELP = `Exit codes:
  0    success
  1    the operation failed (a session or transcript not found included)
  2    usage error: unknown command or option, a missing or malformed value
  127  the real claude was not found
  \`run\` ends with claude's own exit status.`;

export class UserError extends Error {
  readonly exitCode: number;

  constructor(message: string, options: { exitCode?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'UserError';
    this.exitCode = options.exitCode ?? ExitCode.failure;
  }
}

/** A one-line description of any thrown value, for the fail-open warnings. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message.split('\n')[0] ?? error.name;
  return String(error);
}
