/**
 * Error policy (see docs/architecture.md): a `UserError` is something the user can fix (a bad
 * file, missing data, an unplugged sensor). The CLI prints its message and hint without a stack
 * trace and exits 2. Anything else is a bug: a plain `Error`, printed with its stack, exit 1.
 */
export class UserError extends Error {
  override readonly name: string = 'UserError';
  /** What to do about it, in one sentence; printed under the message. */
  readonly hint: string | undefined;

  constructor(message: string, hint?: string, options?: { cause?: unknown }) {
    super(message, options);
    this.hint = hint;
  }
}

/** Where in a configuration file a problem lies. `line` is 1-based; `field` a dotted path. */
export interface ConfigLocation {
  file: string;
  line?: number;
  field?: string;
}

/** A user error in a configuration file, naming the file, the line and the field. */
export class ConfigError extends UserError {
  override readonly name: string = 'ConfigError';
  readonly location: ConfigLocation;

  constructor(location: ConfigLocation, message: string, hint?: string, options?: { cause?: unknown }) {
    super(`${formatLocation(location)}: ${message}`, hint, options);
    this.location = location;
  }
}

function formatLocation({ file, line, field }: ConfigLocation): string {
  let where = file;
  if (line !== undefined) where += `:${line}`;
  if (field !== undefined && field !== '') where += ` (field '${field}')`;
  return where;
}

export function isUserError(err: unknown): err is UserError {
  return err instanceof UserError;
}

/** The message of anything thrown (an Error's message, else its string form). */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
