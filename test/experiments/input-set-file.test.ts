import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readInputSet, writeInputSet } from '../../src/experiments/input-set-file.ts';
import type { InputSet } from '../../src/inputs/input-spec.ts';

const InputSetFile = suite('input-set file');

InputSetFile('round trip: every array, label, id, subject and augmentation mark comes back equal', () => {
  const set: InputSet = {
    count: 3,
    ids: ['a', 'b', 'a~aug1'],
    subjects: ['S01', 'S02', 'S01'],
    labels: Int32Array.from([2, 0, 2]),
    augmentedFrom: Int32Array.from([-1, -1, 0]),
    imu: { data: Float32Array.from({ length: 3 * 5 * 7 }, (_, i) => Math.sin(i) * 1e3), shape: [5, 7] },
    // 3 x 3 bytes: odd lengths, so the arrays after it need the alignment padding.
    video: { data: Uint8Array.from({ length: 9 }, (_, i) => 250 - i), shape: [1, 1, 3] },
    flow: { data: Float32Array.from({ length: 6 }, (_, i) => -i / 3), shape: [1, 1, 2] },
  };
  const path = join(mkdtempSync(join(tmpdir(), 'mf-inputs-')), 'set.inputs');
  writeInputSet(path, set);
  const back = readInputSet(path);
  assert.equal(back.ids, set.ids);
  assert.equal(back.subjects, set.subjects);
  assert.equal(Array.from(back.labels), [2, 0, 2]);
  assert.equal(Array.from(back.augmentedFrom ?? []), [-1, -1, 0]);
  assert.equal(Array.from(back.imu?.data ?? []), Array.from(set.imu?.data ?? []));
  assert.equal(back.imu?.shape, [5, 7]);
  assert.ok(back.video?.data instanceof Uint8Array);
  assert.equal(Array.from(back.video?.data ?? []), Array.from(set.video?.data ?? []));
  assert.equal(Array.from(back.flow?.data ?? []), Array.from(set.flow?.data ?? []));
  assert.is(back.pose, undefined);
});

InputSetFile('round trip: depth motion maps come back as float32 at their shape', () => {
  const set: InputSet = {
    count: 2,
    ids: ['a1_s1_t1', 'a1_s2_t1'],
    subjects: ['s1', 's2'],
    labels: Int32Array.from([0, 0]),
    // After a 3-byte uint8 video: the depth maps start at an offset only alignment makes float-safe.
    video: { data: Uint8Array.from([1, 2, 3]), shape: [1, 1, 3] },
    depthMaps: { data: Float32Array.from({ length: 2 * 2 * 2 * 3 }, (_, i) => i / 23), shape: [2, 2, 3] },
  };
  const path = join(mkdtempSync(join(tmpdir(), 'mf-inputs-')), 'set.inputs');
  writeInputSet(path, set);
  const back = readInputSet(path);
  assert.ok(back.depthMaps?.data instanceof Float32Array);
  assert.equal(back.depthMaps?.shape, [2, 2, 3]);
  assert.equal(Array.from(back.depthMaps?.data ?? []), Array.from(set.depthMaps?.data ?? []));
  assert.equal(Array.from(back.video?.data ?? []), [1, 2, 3]);
});

InputSetFile.run();
