import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { writeFileAtomicSync } from '../core/atomic-file.ts';

/**
 * A content-addressed cache of computed features (a frozen backbone's output for a clip's key
 * frames): the key is a hash of everything the result depends on (the extractor's identity and
 * the exact input bytes), so a changed clip, crop or model can never be served stale features,
 * and the same clip in another experiment is computed once. Files are float32, written
 * atomically, under MOTIONFUSE_CACHE or node_modules/.cache/motionfuse (the find-cache-dir
 * convention, so `rm -rf node_modules` clears it).
 */
export function featureCacheDir(): string {
  return resolve(process.env['MOTIONFUSE_CACHE'] ?? join('node_modules', '.cache', 'motionfuse'), 'features');
}

export function featureKey(extractorId: string, input: Uint8Array): string {
  return createHash('sha256').update(extractorId).update('\0').update(input).digest('hex');
}

/** The cached features for `key`, or computes, stores and returns them. `length` guards against a file of the wrong size. */
export function cachedFeatures(
  key: string,
  length: number,
  compute: () => Float32Array,
  dir = featureCacheDir(),
): Float32Array {
  const path = join(dir, key.slice(0, 2), `${key}.f32`);
  try {
    const bytes = readFileSync(path);
    if (bytes.byteLength === length * 4)
      return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  } catch {
    // not cached yet
  }
  const features = compute();
  if (features.length !== length)
    throw new Error(`cachedFeatures(): computed ${features.length} values, expected ${length}`);
  writeFileAtomicSync(path, new Uint8Array(features.buffer, features.byteOffset, features.byteLength));
  return features;
}
