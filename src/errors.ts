// The one error class for failures the user must act on: a message that names the
// thing and the fix, and the exit code the command ends with.

export const ExitCode = {
  ok: 0,
  failure: 1,
  usage: 2,
  notFound: 127,
} as const;

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
