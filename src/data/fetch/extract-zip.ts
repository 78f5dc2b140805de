import { createWriteStream } from 'node:fs';
import { mkdir, realpath, rename, rm } from 'node:fs/promises';
import { dirname, isAbsolute, join, posix, relative, resolve, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { crc32 } from 'node:zlib';
import yauzl, { type Entry, type ZipFile } from 'yauzl';
import { UserError, errorMessage } from '../../core/errors.ts';

/**
 * A zip archive unpacked into a folder, refusing anything that could write outside it. The
 * central directory is read first (yauzl: no scanning for local headers, sizes and CRCs checked
 * while inflating) and every entry is checked before anything is written, so an archive with one
 * bad entry writes nothing at all. Refused, with a UserError naming the entry:
 * - an absolute path (`/etc/x`, `C:/x`, `//host/x`),
 * - a path whose normalised form leaves the target (`../evil`, `a/../../evil`),
 * - a symbolic link or another special file (device, fifo, socket),
 * - encrypted entries and compression methods other than stored and deflate.
 * Backslashes in names are taken as folder separators (archives made on Windows). While
 * writing, each file's real folder is checked to lie inside the target's, so a symlink already
 * in the target cannot redirect a write. Each file is written beside its place and renamed, so
 * a file in the target is either complete or absent. Each file's CRC-32 is checked against the
 * archive's (yauzl does not), so damaged data is an error, not a silently wrong file.
 */
export interface ExtractZipOptions {
  /** Called after each file with the count so far, the total number of entries and bytes written. */
  onEntry?: (done: number, total: number, bytes: number) => void;
  signal?: AbortSignal;
}

export interface ExtractZipResult {
  files: number;
  folders: number;
  bytes: number;
}

interface CheckedEntry {
  entry: Entry;
  /** Normalised relative path with '/' separators; folders end without '/'. */
  path: string;
  folder: boolean;
}

/** Unix file-type bits of an entry's external attributes (upper 16 bits, made on Unix). */
const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;
const MADE_ON_UNIX = 3;

export async function extractZip(
  zipPath: string,
  targetDir: string,
  options: ExtractZipOptions = {},
): Promise<ExtractZipResult> {
  const target = resolve(targetDir);
  let zip: ZipFile;
  try {
    zip = await yauzl.openPromise(zipPath, { decodeStrings: false, validateEntrySizes: true, autoClose: false });
  } catch (err) {
    throw new UserError(
      `${zipPath} is not a readable zip archive: ${errorMessage(err)}`,
      'The download may be incomplete or damaged: delete it and fetch it again.',
      { cause: err },
    );
  }
  try {
    const entries: CheckedEntry[] = [];
    try {
      for await (const entry of zip.eachEntry()) entries.push(checkEntry(zipPath, entry));
    } catch (err) {
      if (err instanceof UserError) throw err;
      throw new UserError(
        `${zipPath}: the archive's directory is damaged: ${errorMessage(err)}`,
        'Delete it and fetch it again.',
        { cause: err },
      );
    }

    await mkdir(target, { recursive: true });
    const realTarget = await realpath(target);
    const result: ExtractZipResult = { files: 0, folders: 0, bytes: 0 };
    let done = 0;
    for (const { entry, path, folder } of entries) {
      options.signal?.throwIfAborted();
      const destination = join(target, ...path.split('/'));
      if (folder) {
        await mkdir(destination, { recursive: true });
        await checkInside(zipPath, path, dirname(destination), realTarget);
        result.folders++;
      } else {
        await mkdir(dirname(destination), { recursive: true });
        await checkInside(zipPath, path, dirname(destination), realTarget);
        result.bytes += await writeEntry(zip, entry, zipPath, path, destination);
        result.files++;
      }
      options.onEntry?.(++done, entries.length, result.bytes);
    }
    return result;
  } finally {
    zip.close();
  }
}

/** The entry's safe relative path, or a UserError naming it and why it is refused. */
function checkEntry(zipPath: string, entry: Entry): CheckedEntry {
  const name = yauzl.getFileNameLowLevel(entry.generalPurposeBitFlag, entry.fileNameRaw, entry.extraFields, false);
  const refuse = (reason: string) =>
    new UserError(
      `${zipPath}: refusing zip entry '${name}': ${reason}; nothing was extracted`,
      'The archive is not safe to unpack as it is: check where it came from, and fetch it again from the publisher.',
    );
  if (name === '' || name.includes('\0')) throw refuse('an empty name or a NUL character in the name');
  if (name.startsWith('/') || /^[A-Za-z]:/.test(name) || isAbsolute(name)) throw refuse('an absolute path');
  const normalised = posix.normalize(name);
  if (normalised === '..' || normalised.startsWith('../')) throw refuse('its path leaves the target folder');
  const kind = entryKind(entry);
  if (kind === 'symlink') throw refuse('it is a symbolic link');
  if (kind === 'special') throw refuse('it is a special file (device, fifo or socket)');
  if (entry.isEncrypted()) throw refuse('it is encrypted');
  if (!entry.canDecodeFileData())
    throw refuse(`compression method ${entry.compressionMethod} is not supported (only stored and deflate)`);
  const path = normalised.replace(/\/+$/, '');
  const folder = name.endsWith('/') || kind === 'folder';
  if (path === '.' || path === '') {
    if (folder) return { entry, path: '.', folder };
    throw refuse('a file without a name');
  }
  // posix.normalize keeps a leading '/' away (checked above); yauzl's own rules on top.
  const yauzlSays = yauzl.validateFileName(normalised);
  if (yauzlSays !== null) throw refuse(yauzlSays);
  return { entry, path, folder };
}

function entryKind(entry: Entry): 'file' | 'folder' | 'symlink' | 'special' {
  if (entry.versionMadeBy >> 8 !== MADE_ON_UNIX) return 'file';
  const type = (entry.externalFileAttributes >>> 16) & S_IFMT;
  if (type === 0 || type === S_IFREG) return 'file';
  if (type === S_IFDIR) return 'folder';
  if (type === S_IFLNK) return 'symlink';
  return 'special';
}

/** The real folder a file goes to must lie inside the target (a symlink on disk could point elsewhere). */
async function checkInside(zipPath: string, path: string, folder: string, realTarget: string): Promise<void> {
  const real = await realpath(folder);
  const rel = relative(realTarget, real);
  if (rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel))) return;
  throw new UserError(
    `${zipPath}: refusing zip entry '${path}': ${folder} leads outside the target folder (through a symbolic link on disk)`,
    'Remove the symbolic link from the target folder, or unpack into an empty folder.',
  );
}

async function writeEntry(
  zip: ZipFile,
  entry: Entry,
  zipPath: string,
  path: string,
  destination: string,
): Promise<number> {
  const partial = `${destination}.unzipping`;
  let bytes = 0;
  let crc = 0;
  try {
    const stream = await zip.openReadStreamPromise(entry);
    stream.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      crc = crc32(chunk, crc);
    });
    await pipeline(stream, createWriteStream(partial));
    // yauzl checks sizes, not CRCs: without a published checksum, this is what catches damaged data.
    if (crc >>> 0 !== entry.crc32 >>> 0)
      throw new Error(`CRC-32 ${hex(crc)} differs from the archive's ${hex(entry.crc32)}`);
    await rename(partial, destination);
  } catch (err) {
    await rm(partial, { force: true });
    throw new UserError(
      `${zipPath}: cannot unpack '${path}': ${errorMessage(err)}`,
      'The archive is damaged (or the disk full): delete it and fetch it again.',
      { cause: err },
    );
  }
  return bytes;
}

const hex = (n: number) => (n >>> 0).toString(16).padStart(8, '0');
