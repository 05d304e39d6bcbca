// Writing a file can fail for reasons the user can fix (permissions, a read-only or full
// disk): those become one line naming the folder and the fix, not an internal error.
import { UserError } from '../errors.js';

/** A UserError for a write into `folder` that failed in an ordinary way; any other error unchanged. */
export function explainWriteError(error: unknown, what: string, folder: string): unknown {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return new UserError(
        `cannot write ${what} ${folder} (${code}: ${code === 'EACCES' ? 'permission denied' : 'operation not permitted'}); make it writable for you (chmod u+w '${folder}', or chattr -i if it is immutable) and run this again`,
        { cause: error },
      );
    case 'EROFS':
      return new UserError(`cannot write ${what} ${folder}: it is on a read-only file system; remount it writable and run this again`, { cause: error });
    case 'ENOSPC':
    case 'EDQUOT':
      return new UserError(`cannot write ${what} ${folder}: no space left on its disk (${code}); free some space and run this again`, { cause: error });
    default:
      return error;
  }
}
