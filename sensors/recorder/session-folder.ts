import { mkdirSync, readdirSync, statSync } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { UserError } from '../../src/core/errors.ts';
import type { SessionFile } from '../../src/formats/session/session-layout.ts';

/**
 * Makes the folder a new session is recorded into. It must not exist, or be empty: a recording is
 * never overwritten, not even by mistake with the same --out twice. Returns whether it made the
 * folder (false: it was there, empty), so that a failed start removes only what it made.
 */
export function createSessionFolder(dir: string): boolean {
  let entries: string[] | undefined;
  try {
    if (!statSync(dir).isDirectory()) {
      throw new UserError(`${dir} exists and is not a folder`, 'name a new folder with --out');
    }
    entries = readdirSync(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  if (entries !== undefined && entries.length > 0) {
    throw new UserError(
      `${dir} already exists and is not empty (${entries.slice(0, 3).join(', ')}${entries.length > 3 ? ', ...' : ''}); not overwriting a recording`,
      'name a new folder with --out, or move the old session away',
    );
  }
  if (entries !== undefined) return false;
  try {
    mkdirSync(dir, { recursive: true });
    return true;
  } catch (err) {
    throw new UserError(
      `cannot create the session folder ${dir}: ${(err as Error).message}`,
      'check that the parent folder is writable',
      {
        cause: err,
      },
    );
  }
}

/**
 * Writes session.json atomically: a temporary file beside it, fsynced, renamed over the old one,
 * and the folder fsynced, so after a crash the file is the old one or the new one, whole.
 */
export async function writeSessionFile(path: string, session: SessionFile): Promise<void> {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    const handle = await open(temporary, 'w');
    try {
      await handle.writeFile(`${JSON.stringify(session, null, 2)}\n`);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, path);
  } catch (err) {
    await rm(temporary, { force: true });
    throw new UserError(`cannot write ${path}: ${(err as Error).message}`, 'check that the disk is not full', {
      cause: err,
    });
  }
  const folder = await open(dirname(path), 'r');
  try {
    await folder.sync();
  } finally {
    await folder.close();
  }
}
