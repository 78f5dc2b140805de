import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { shearSkeleton } from '../../src/augment/shear-skeleton.ts';
import { SeededRandom } from '../../src/core/random.ts';
import { fixtureSample } from './sample-fixture.ts';
import { joint, skeletonOf, skeletonSample } from './skeleton-fixture.ts';

/** Joint j of frame f relative to the pivot, the hip centre (3) averaged over the frames. */
function relative(stream: ReturnType<typeof skeletonOf>, f: number, j: number, pivot: number[]): number[] {
  return joint(stream, f, j).map((v, d) => v - pivot[d]!);
}

function meanHip(stream: ReturnType<typeof skeletonOf>): number[] {
  const sum = [0, 0, 0];
  for (let f = 0; f < stream.t.length; f++) joint(stream, f, 3).forEach((v, d) => (sum[d] = sum[d]! + v));
  return sum.map((v) => v / stream.t.length);
}

const Shear = suite('shearSkeleton');
Shear('max 0 is no shear', () => {
  const sample = skeletonSample();
  const out = skeletonOf(shearSkeleton(sample, 0, new SeededRandom(1)));
  skeletonOf(sample).data.forEach((v, k) => assert.ok(Math.abs(out.data[k]! - v) < 1e-6));
});
Shear(
  'each coordinate moves by at most max times the other two (from the hip centre); the IMU and 2-D keypoints unchanged',
  () => {
    const sample = skeletonSample();
    const before = skeletonOf(sample);
    const pivot = meanHip(before);
    const out = shearSkeleton(sample, 0.1, new SeededRandom(2));
    const after = skeletonOf(out);
    let moved = 0;
    for (let f = 0; f < 6; f++)
      for (let j = 0; j < 20; j++) {
        const [r, s] = [relative(before, f, j, pivot), relative(after, f, j, pivot)];
        for (let d = 0; d < 3; d++) {
          const others = Math.abs(r[(d + 1) % 3]!) + Math.abs(r[(d + 2) % 3]!);
          assert.ok(Math.abs(s[d]! - r[d]!) <= 0.1 * others + 1e-6, `joint ${j} axis ${d}`);
          moved = Math.max(moved, Math.abs(s[d]! - r[d]!));
        }
      }
    assert.ok(moved > 0.01, `the skeleton was sheared (${moved} m at most)`);
    assert.is(out.streams[1], sample.streams[1]);
    const image = fixtureSample();
    shearSkeleton(image, 0.2, new SeededRandom(1)).streams.forEach((s, k) => assert.is(s, image.streams[k]));
  },
);
Shear('names a bad max', () => {
  assert.throws(
    () => shearSkeleton(skeletonSample(), 1.5, new SeededRandom(1)),
    /shearSkeleton\(\): max must be within 0-1/,
  );
});
Shear.run();
