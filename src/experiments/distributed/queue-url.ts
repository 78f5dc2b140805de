import { UserError } from '../../core/errors.ts';

/** A Redis URL checked at the boundary, with the form that may be printed or stored. */
export interface QueueUrl {
  /** As given (password included): only ever handed to the Redis client. */
  url: string;
  /** The password (and a user name's password) replaced by `***`: what logs, environment.json and the report show. */
  redacted: string;
  tls: boolean;
}

/**
 * `redis://[[user]:password@]host[:port][/db]` or `rediss://...` (TLS), as ioredis reads them.
 * Anything else is a UserError whose text never repeats a password.
 */
export function parseQueueUrl(text: string): QueueUrl {
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    throw new UserError(
      // Not repeated: text that is no URL may hold a password anywhere.
      '--queue: not a URL',
      'Give redis://HOST:PORT/DB, or rediss://:PASSWORD@HOST:PORT/DB for TLS with a password.',
    );
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:')
    throw new UserError(
      `--queue: ${parsed.protocol}// is not a Redis URL`,
      'Give redis://HOST:PORT/DB (or rediss:// for TLS).',
    );
  if (parsed.hostname === '')
    throw new UserError(`--queue: no host in ${redactQueueUrl(text)}`, 'Give redis://HOST:PORT/DB.');
  const db = parsed.pathname.replace(/^\//, '');
  if (db !== '' && !/^\d+$/.test(db))
    throw new UserError(`--queue: the database must be a number, got '${db}'`, 'Give redis://HOST:PORT/0.');
  return { url: text, redacted: redactQueueUrl(text), tls: parsed.protocol === 'rediss:' };
}

/** The URL with any password (the part between `:` and `@` after the scheme) replaced by `***`; also for text that is not a valid URL. */
export function redactQueueUrl(text: string): string {
  return text.replace(
    /^([a-z][a-z0-9+.-]*:\/\/)([^@/]*):([^@/]*)@/i,
    (_, scheme: string, user: string) => `${scheme}${user}:***@`,
  );
}

/** `text` with every occurrence of the URL's password (raw and percent-decoded) replaced: for error messages from the client. */
export function redactSecret(text: string, queue: QueueUrl): string {
  let parsed: URL;
  try {
    parsed = new URL(queue.url);
  } catch {
    return text;
  }
  let out = text.split(queue.url).join(queue.redacted);
  for (const secret of new Set([parsed.password, safeDecode(parsed.password)]))
    if (secret.length > 0) out = out.split(secret).join('***');
  return out;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
