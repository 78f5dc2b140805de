import { mkdir } from 'node:fs/promises';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import writeFileAtomicLib from 'write-file-atomic';

/**
 * Writes a file so that a reader (or a resumed run after a crash) sees either the old content or
 * the new, never a torn one: write-file-atomic writes a temporary file beside the target, fsyncs
 * it and renames it over the target. Parent folders are created.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFileAtomicLib(path, toBuffer(data), { fsync: true });
}

/** Synchronous twin of `writeFileAtomic`, for exit handlers that cannot await. */
export function writeFileAtomicSync(path: string, data: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileAtomicLib.sync(path, toBuffer(data), { fsync: true });
}

/** JSON with two-space indent and a final newline, written atomically. */
export async function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`);
}

function toBuffer(data: string | Uint8Array): Buffer {
  return typeof data === 'string'
    ? Buffer.from(data, 'utf8')
    : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}
