import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { scaleSkeleton } from '../../src/augment/scale-skeleton.ts';
import { KINECT20_BONES } from '../../src/core/joint-sets.ts';
import { SeededRandom } from '../../src/core/random.ts';
import { fixtureSample } from './sample-fixture.ts';
import { boneLengths, headAndHip, joint, skeletonOf, skeletonSample } from './skeleton-fixture.ts';

const Scale = suite('scaleSkeleton');
Scale("a factor of 2 doubles every joint's offset from the hip centre and every bone", () => {
  // The head, (0.2, 0.6, 0.1) from the hip centre (1, 0, 3), goes to (0.4, 1.2, 0.2) from it.
  const out = skeletonOf(scaleSkeleton(headAndHip(), [2, 2], new SeededRandom(1)));
  joint(out, 1, 0).forEach((v, d) => assert.ok(Math.abs(v - [1.4, 1.2, 3.2][d]!) < 1e-6, `${v}`));
  const sample = skeletonSample();
  const before = boneLengths(skeletonOf(sample), KINECT20_BONES);
  const after = boneLengths(skeletonOf(scaleSkeleton(sample, [2, 2], new SeededRandom(1))), KINECT20_BONES);
  after.forEach((v, k) => assert.ok(Math.abs(v - 2 * before[k]!) < 1e-5, `bone ${k}: ${v} vs 2 x ${before[k]}`));
});
Scale('one factor within the range for the whole skeleton; the IMU and 2-D keypoints unchanged', () => {
  const sample = skeletonSample();
  const before = boneLengths(skeletonOf(sample), KINECT20_BONES);
  const rng = new SeededRandom(4);
  for (let k = 0; k < 10; k++) {
    const out = scaleSkeleton(sample, [0.9, 1.1], rng);
    const ratios = boneLengths(skeletonOf(out), KINECT20_BONES).map((v, b) => v / before[b]!);
    assert.ok(ratios[0]! >= 0.9 - 1e-6 && ratios[0]! <= 1.1 + 1e-6, `${ratios[0]}`);
    ratios.forEach((r) => assert.ok(Math.abs(r - ratios[0]!) < 1e-5));
    assert.is(out.streams[1], sample.streams[1]);
  }
  const image = fixtureSample();
  scaleSkeleton(image, [2, 2], new SeededRandom(1)).streams.forEach((s, k) => assert.is(s, image.streams[k]));
});
Scale('names a bad range', () => {
  assert.throws(
    () => scaleSkeleton(skeletonSample(), [0, 1], new SeededRandom(1)),
    /scaleSkeleton\(\): range must be \[low, high\]/,
  );
});
Scale.run();
