import { isUserError } from '../core/errors.ts';

/**
 * Prints an error the way the CLI promises and returns the exit code: a `UserError` as its
 * message and hint, no stack unless `debug` (exit 2); anything else as an internal error with its
 * stack (exit 1), since it is a bug.
 */
export function reportError(
  err: unknown,
  debug: boolean,
  stderr: { write(text: string): unknown } = process.stderr,
): number {
  if (isUserError(err)) {
    stderr.write(`error: ${err.message}\n`);
    if (err.hint) stderr.write(`hint: ${err.hint}\n`);
    if (debug && err.stack) stderr.write(`${err.stack}\n`);
    return 2;
  }
  const detail = err instanceof Error ? (err.stack ?? err.message) : String(err);
  stderr.write(`motionfuse: internal error (a bug; please report it with this output)\n${detail}\n`);
  return 1;
}
