import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeJsonAtomic } from '../../core/atomic-file.ts';
import { UserError } from '../../core/errors.ts';
import { startProgress, type Progress } from '../../core/progress.ts';
import type { DatasetEntry, DatasetFile } from '../dataset-entry.ts';
import { requireDatasetEntry } from '../dataset-registry.ts';
import { downloadFile, type DownloadResult } from './download-file.ts';
import { extractZip } from './extract-zip.ts';

/**
 * `motionfuse datasets fetch`: downloads a data set's files from its publisher into
 * datasets/<name>/data/ (or `to`), resuming a partial download and checking a published
 * checksum, and unpacks its zip archives (once: a marker beside each remembers it); rar archives
 * are left for the user (the entry's `unpack` says how). `MOTIONFUSE_FETCH_BASE_URL` (or
 * `baseUrl`) replaces everything before the file name: a mirror, or a local server in tests.
 * What happens is told through `onEvent` as it happens; a data set that cannot be downloaded is
 * told as an event, then a UserError.
 */
export interface FetchOptions {
  /** Download folder (default datasets/<name>/data/ in the project). */
  to?: string;
  /** Only these files (by name); also fetches optional ones. */
  only?: readonly string[];
  baseUrl?: string;
  /** Unpack zip archives (default true). */
  extract?: boolean;
  /** Resumes in a row without progress before giving up (default 3). */
  retries?: number;
  onEvent?: (event: FetchEvent) => void;
}

export type FetchEvent =
  /** Before the UserError: the data set is generated or user-supplied; its entry says how to get it. */
  | { type: 'not-downloadable'; entry: DatasetEntry }
  /** A file is complete on disk, downloaded now (`result.alreadyThere` false) or before. */
  | { type: 'downloaded'; file: DatasetFile; url: string; path: string; result: DownloadResult }
  /** A zip's marker says this very archive was unpacked already. */
  | { type: 'already-unpacked'; zip: string; marker: string }
  | { type: 'unpacked'; zip: string; folder: string; files: number; bytes: number };

export interface FetchResult {
  entry: DatasetEntry;
  /** Where the files are. */
  folder: string;
  /** datasets/<name>/data/ in the project: what the entry's experiment snippet assumes. */
  defaultFolder: string;
  files: DatasetFile[];
  /** The rar archives among them, which the user unpacks. */
  rars: DatasetFile[];
}

const PROJECT_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const MIB = 1024 * 1024;

/** Where `fetch` puts a data set by default, and where its experiment snippet looks. */
export function defaultDownloadFolder(name: string): string {
  return resolve(join(PROJECT_ROOT, 'datasets', name, 'data'));
}

/** Fetches the registered data set `name`. */
export async function fetchDataset(name: string, options: FetchOptions = {}): Promise<FetchResult> {
  return fetchDatasetEntry(requireDatasetEntry(name), options);
}

/** `fetchDataset` for an entry in hand (one not registered, in tests). */
export async function fetchDatasetEntry(entry: DatasetEntry, options: FetchOptions = {}): Promise<FetchResult> {
  const { name } = entry;
  const emit = options.onEvent ?? (() => {});
  if (entry.acquisition !== 'downloadable') {
    emit({ type: 'not-downloadable', entry });
    throw new UserError(
      `${name} cannot be fetched: ${entry.acquisition === 'generated' ? 'it is generated, not downloaded' : 'its data come from the user'}`,
      'Follow the steps printed above.',
    );
  }
  if (options.retries !== undefined && (!Number.isInteger(options.retries) || options.retries < 0))
    throw new UserError(`--retries must be a whole number >= 0, got ${options.retries}`);
  const files = pickFiles(entry, options.only);
  const folder = options.to === undefined ? defaultDownloadFolder(name) : resolve(options.to);
  const base = options.baseUrl ?? (process.env['MOTIONFUSE_FETCH_BASE_URL'] || undefined);
  for (const file of files) {
    const url = base === undefined ? file.url : `${base.replace(/\/+$/, '')}/${encodeURIComponent(file.name)}`;
    const path = join(folder, file.name);
    let progress: Progress | undefined;
    try {
      const result = await downloadFile({
        url,
        to: path,
        retries: options.retries ?? 3,
        ...(file.checksum === undefined ? {} : { checksum: file.checksum }),
        onProgress: (received, total) => {
          progress ??= startProgress({ label: file.name, total: total === undefined ? 0 : mib(total), unit: 'MiB' });
          progress.update(mib(received));
        },
      });
      progress?.stop();
      progress = undefined;
      emit({ type: 'downloaded', file, url, path, result });
    } finally {
      progress?.stop();
    }
    if (file.archive === 'zip' && options.extract !== false) await unpackOnce(path, folder, emit);
  }
  return {
    entry,
    folder,
    defaultFolder: defaultDownloadFolder(name),
    files,
    rars: files.filter((f) => f.archive === 'rar'),
  };
}

/** The files a fetch gets: those named in `only`, else all but the optional ones. */
function pickFiles(entry: DatasetEntry, only: readonly string[] | undefined): DatasetFile[] {
  if (only === undefined || only.length === 0) return entry.files.filter((f) => f.optional !== true);
  return only.map((name) => {
    const file = entry.files.find((f) => f.name === name);
    if (file === undefined)
      throw new UserError(
        `${entry.name} has no file '${name}'`,
        `its files: ${entry.files.map((f) => f.name).join(', ')}`,
      );
    return file;
  });
}

/**
 * Unpacks a zip into `folder` unless the marker beside it says this very archive (same size and
 * time) was unpacked already.
 */
async function unpackOnce(zipPath: string, folder: string, emit: (event: FetchEvent) => void): Promise<void> {
  const marker = `${zipPath}.unpacked.json`;
  const { size, mtimeMs } = statSync(zipPath);
  if (existsSync(marker)) {
    try {
      const seen = JSON.parse(readFileSync(marker, 'utf8')) as { size?: number; mtimeMs?: number };
      if (seen.size === size && seen.mtimeMs === mtimeMs) {
        emit({ type: 'already-unpacked', zip: zipPath, marker });
        return;
      }
    } catch {
      // A damaged marker: unpack again.
    }
  }
  let progress: Progress | undefined;
  try {
    const result = await extractZip(zipPath, folder, {
      onEntry: (done, total) => {
        progress ??= startProgress({
          label: `unpacking ${zipPath.split(/[\\/]/).pop() ?? ''}`,
          total,
          unit: 'entries',
        });
        progress.update(done);
      },
    });
    progress?.stop();
    emit({ type: 'unpacked', zip: zipPath, folder, files: result.files, bytes: result.bytes });
  } finally {
    progress?.stop();
  }
  await writeJsonAtomic(marker, { size, mtimeMs, unpackedInto: folder });
}

const mib = (bytes: number) => Math.round((bytes / MIB) * 10) / 10;
