import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { rotateSkeleton, rotateSkeletonBy } from '../../src/augment/rotate-skeleton.ts';
import { KINECT20_BONES } from '../../src/core/joint-sets.ts';
import { SeededRandom } from '../../src/core/random.ts';
import { fixtureSample, snapshot } from './sample-fixture.ts';
import { boneLengths, headAndHip, joint, skeletonOf, skeletonSample } from './skeleton-fixture.ts';

function close(actual: number[], expected: number[], tolerance = 1e-6): void {
  actual.forEach((v, k) =>
    assert.ok(Math.abs(v - expected[k]!) < tolerance, `[${actual.join(', ')}] vs [${expected.join(', ')}]`),
  );
}

/** The turn about y taking hip-relative joint j of frame f of `before` to that of `after`, degrees: (z + i x) turns by it. */
function turn(
  before: ReturnType<typeof skeletonOf>,
  after: ReturnType<typeof skeletonOf>,
  f: number,
  j: number,
): number {
  const rel = (s: typeof before) => {
    const [p, hip] = [joint(s, f, j), joint(s, f, 3)];
    return [p[0] - hip[0], p[2] - hip[2]] as const;
  };
  const [[x0, z0], [x1, z1]] = [rel(before), rel(after)];
  return (Math.atan2(z0 * x1 - x0 * z1, z0 * z1 + x0 * x1) * 180) / Math.PI;
}

const Rotate = suite('rotateSkeleton');
Rotate('90 degrees takes hip-relative (x, y, z) to (z, y, -x)', () => {
  // The head, (0.2, 0.6, 0.1) from the hip centre (1, 0, 3), goes to (0.1, 0.6, -0.2) from it.
  const out = skeletonOf(rotateSkeletonBy(headAndHip(), 90));
  for (const f of [0, 1]) {
    close(joint(out, f, 0), [1.1, 0.6, 2.8]);
    close(joint(out, f, 3), [1, 0, 3]);
  }
});
Rotate('keeps every bone length and height; the turn is one angle within +-maxDeg', () => {
  const sample = skeletonSample();
  const before = skeletonOf(sample);
  const rng = new SeededRandom(3);
  const angles: number[] = [];
  for (let k = 0; k < 20; k++) {
    const after = skeletonOf(rotateSkeleton(sample, 25, rng));
    close(boneLengths(after, KINECT20_BONES), boneLengths(before, KINECT20_BONES), 1e-5);
    for (let f = 0; f < 6; f++)
      for (let j = 0; j < 20; j++) close([joint(after, f, j)[1]], [joint(before, f, j)[1]], 1e-6);
    const a = turn(before, after, 0, 0);
    assert.ok(Math.abs(a) <= 25 + 1e-3, `${a} degrees`);
    close([turn(before, after, 5, 11)], [a], 1e-3);
    angles.push(a);
  }
  assert.ok(Math.min(...angles) < -5 && Math.max(...angles) > 5, `turns both ways: ${angles.join(', ')}`);
});
Rotate('leaves the IMU (a turn of the scene about the vertical changes no body-worn reading) and 2-D keypoints', () => {
  const sample = skeletonSample();
  const before = snapshot(sample);
  const out = rotateSkeleton(sample, 30, new SeededRandom(1));
  assert.is(out.streams[1], sample.streams[1]);
  assert.equal(snapshot(sample), before, 'the input is untouched');
  const image = fixtureSample();
  rotateSkeleton(image, 30, new SeededRandom(1)).streams.forEach((s, k) => assert.is(s, image.streams[k]));
});
Rotate('names a bad maxDeg', () => {
  assert.throws(
    () => rotateSkeleton(skeletonSample(), 200, new SeededRandom(1)),
    /rotateSkeleton\(\): maxDeg must be within 0-180 degrees, got 200/,
  );
});
Rotate.run();
