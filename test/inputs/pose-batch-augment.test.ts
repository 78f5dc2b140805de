import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { SeededRandom } from '../../src/core/random.ts';
import { augmentPoseBatch } from '../../src/inputs/pose-batch-augment.ts';
import { skeletonFeatures } from '../../src/inputs/skeleton-features.ts';

/** Always draws the top of the range: a +rotate turn and the largest scale, to work cases out by hand. */
class TopOfRange extends SeededRandom {
  override uniform(_lo: number, hi: number): number {
    return hi;
  }
}

/** A kinect20 skeleton over `frames` frames whose joint j sits at (j + 1, 2j, 3f - j). */
function kinectPositions(frames: number): Float32Array {
  const out = new Float32Array(frames * 60);
  for (let f = 0; f < frames; f++) for (let j = 0; j < 20; j++) out.set([j + 1, 2 * j, 3 * f - j], (f * 20 + j) * 3);
  return out;
}

const PoseBatch = suite('augmentPoseBatch');

PoseBatch('kinect20: a +90 degree turn about y takes (x, y, z) to (z, y, -x), every feature alike, then scales', () => {
  const spec = { frames: 2, joints: 'kinect20', features: ['position', 'velocity'] } as const;
  const positions = kinectPositions(2);
  const row = skeletonFeatures(positions, undefined, { ...spec, valid: 2 });
  const values = row.slice();
  augmentPoseBatch(values, 1, spec, { rotate: 90, scale: [0.5, 2] }, new TopOfRange(1));
  // Joint 4 of frame 1: position (5, 8, -1), velocity (0, 0, 3); turned: (-1, 8, -5) and (3, 0, 0); times 2.
  const at = (1 * 20 + 4) * 6;
  const got = Array.from(values.slice(at, at + 6));
  const expected = [-2, 16, -10, 6, 0, 0];
  got.forEach((v, i) =>
    assert.ok(Math.abs(v - (expected[i] as number)) < 1e-5, `channel ${i}: ${v} vs ${expected[i]}`),
  );
});

PoseBatch('the features of the turned skeleton are the turned features, and padding frames stay 0', () => {
  const spec = { frames: 4, joints: 'kinect20', features: ['position', 'velocity', 'bone'] } as const;
  const positions = kinectPositions(4);
  const values = skeletonFeatures(positions, undefined, { ...spec, valid: 3 });
  augmentPoseBatch(values, 1, spec, { rotate: 30, scale: [0.8, 1.2] }, new TopOfRange(1));
  const [c, s] = [Math.cos(Math.PI / 6), Math.sin(Math.PI / 6)];
  const turned = positions.slice();
  for (let p = 0; p < turned.length; p += 3) {
    const [x, y, z] = [positions[p] as number, positions[p + 1] as number, positions[p + 2] as number];
    turned.set([1.2 * (c * x + s * z), 1.2 * y, 1.2 * (c * z - s * x)], p);
  }
  const expected = skeletonFeatures(turned, undefined, { ...spec, valid: 3 });
  let worst = 0;
  expected.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - (values[i] as number)))));
  assert.ok(worst < 1e-4, `largest difference ${worst}`);
  assert.ok(
    values.slice(3 * 20 * 9).every((v) => v === 0),
    'the padding frame is still 0',
  );
});

PoseBatch('coco17: x shortens by the cosine, y scales, the score is untouched', () => {
  const spec = { frames: 1, joints: 'coco17', features: ['position'] } as const;
  const values = new Float32Array(17 * 3);
  for (let j = 0; j < 17; j++) values.set([j, -j, 0.5], j * 3);
  augmentPoseBatch(values, 1, spec, { rotate: 60, scale: [1, 3] }, new TopOfRange(1));
  // cos 60 = 0.5, scale 3: x -> 1.5 j, y -> -3 j.
  for (let j = 0; j < 17; j++) {
    assert.ok(Math.abs((values[j * 3] as number) - 1.5 * j) < 1e-5);
    assert.ok(Math.abs((values[j * 3 + 1] as number) + 3 * j) < 1e-5);
    assert.is(values[j * 3 + 2], 0.5);
  }
});

PoseBatch('every row draws its own turn and scale; the same seed draws the same ones', () => {
  const spec = { frames: 1, joints: 'kinect20', features: ['position'] } as const;
  const one = skeletonFeatures(kinectPositions(1), undefined, { ...spec, valid: 1 });
  const batch = () => {
    const values = new Float32Array(one.length * 3);
    for (let r = 0; r < 3; r++) values.set(one, r * one.length);
    augmentPoseBatch(values, 3, spec, { rotate: 45, scale: [0.9, 1.1] }, new SeededRandom(5));
    return values;
  };
  const a = batch();
  assert.equal(a, batch());
  const rows = [0, 1, 2].map((r) => Array.from(a.slice(r * one.length, (r + 1) * one.length)));
  assert.not.equal(rows[0], rows[1]);
  assert.not.equal(rows[1], rows[2]);
  // A turn about y and a scale keep y / |(x, z)| for every joint (here joint 3: y = 6, |(x, z)| = 5).
  for (const row of rows) {
    const [x, y, z] = row.slice(9, 12) as [number, number, number];
    assert.ok(Math.abs(y / Math.hypot(x, z) - 6 / 5) < 1e-5);
  }
});

PoseBatch.run();
