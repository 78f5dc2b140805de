import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cachedFeatures, featureKey } from '../../src/inputs/feature-cache.ts';

/** The content-addressed feature cache: computed once per input and extractor, never stale. */
const Cache = suite('feature cache');
let dir = '';
Cache.before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'motionfuse-cache-'));
});
Cache.after(async () => {
  await rm(dir, { recursive: true, force: true });
});

Cache('the second request is served from disk; another input or extractor is computed anew', () => {
  let computed = 0;
  const compute = (v: number) => () => {
    computed++;
    return Float32Array.from([v, v + 1, v + 2]);
  };
  const input = Uint8Array.from([1, 2, 3, 4]);
  const key = featureKey('model-a', input);
  assert.equal(Array.from(cachedFeatures(key, 3, compute(5), dir)), [5, 6, 7]);
  assert.equal(Array.from(cachedFeatures(key, 3, compute(99), dir)), [5, 6, 7], 'served from the cache');
  assert.is(computed, 1);
  const other = featureKey('model-a', Uint8Array.from([1, 2, 3, 5]));
  assert.is.not(other, key);
  cachedFeatures(other, 3, compute(1), dir);
  assert.is.not(featureKey('model-b', input), key, 'the extractor is part of the key');
  assert.is(computed, 2);
});

Cache('a cached file of the wrong size is recomputed and replaced', async () => {
  const key = featureKey('model-c', Uint8Array.from([9]));
  cachedFeatures(key, 2, () => Float32Array.from([1, 2]), dir);
  const sub = join(dir, key.slice(0, 2));
  const [file] = await readdir(sub);
  await writeFile(join(sub, file as string), Buffer.from([1, 2, 3]));
  let computed = 0;
  const got = cachedFeatures(key, 2, () => (computed++, Float32Array.from([3, 4])), dir);
  assert.is(computed, 1);
  assert.equal(Array.from(got), [3, 4]);
  assert.equal(Array.from(cachedFeatures(key, 2, () => Float32Array.from([0, 0]), dir)), [3, 4]);
});

Cache.run();
