import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { transformSkeleton } from '../../src/augment/transform-skeleton.ts';
import { poseStream } from '../../src/core/stream.ts';
import { fixtureSample, snapshot } from './sample-fixture.ts';
import { headAndHip, joint, skeletonOf, skeletonSample } from './skeleton-fixture.ts';

function close(actual: number[], expected: number[], message = ''): void {
  actual.forEach((v, k) =>
    assert.ok(Math.abs(v - expected[k]!) < 1e-6, `${message} [${actual.join(', ')}] vs [${expected.join(', ')}]`),
  );
}

const Transform = suite('transformSkeleton');
Transform("p' = c + m (p - c) about the hip centre", () => {
  // A shear x += 0.5 y: the head, (0.2, 0.6, 0.1) from the hip, goes to (0.5, 0.6, 0.1) from it.
  const out = skeletonOf(transformSkeleton(headAndHip(), [1, 0.5, 0, 0, 1, 0, 0, 0, 1]));
  close(joint(out, 1, 0), [1.5, 0.6, 3.1], 'head');
  close(joint(out, 1, 3), [1, 0, 3], 'hip centre');
});
Transform('the pivot is the hip centre averaged over the frames', () => {
  // Hip centre at (0, 0, 2) then (2, 0, 2): pivot (1, 0, 2); doubled about it: (-1, 0, 2) and (3, 0, 2).
  const data = new Float32Array(2 * 60);
  for (let j = 0; j < 20; j++) data.set([0, 0, 2], j * 3);
  for (let j = 0; j < 20; j++) data.set([2, 0, 2], 60 + j * 3);
  const pose = poseStream({ rate: 30, t: Float64Array.of(0, 1), joints: 'kinect20', dims: 3, data });
  const out = skeletonOf(
    transformSkeleton({ id: 'm', label: 'walk', streams: [pose], meta: {} }, [2, 0, 0, 0, 2, 0, 0, 0, 2]),
  );
  close(joint(out, 0, 3), [-1, 0, 2]);
  close(joint(out, 1, 3), [3, 0, 2]);
});
Transform('a 3-D joint set without a hip centre turns about the mean of its joints', () => {
  // 3-D COCO-17, one frame: the nose at (17, 0, 0), the rest at 0: mean (1, 0, 0).
  const data = new Float32Array(17 * 3);
  data[0] = 17;
  const pose = poseStream({ rate: 30, t: Float64Array.of(0), joints: 'coco17', dims: 3, data });
  const out = transformSkeleton({ id: 'c', label: 'x', streams: [pose], meta: {} }, [2, 0, 0, 0, 2, 0, 0, 0, 2]);
  const d = (out.streams[0] as typeof pose).data;
  close([d[0]!, d[3]!], [33, -1]);
});
Transform('2-D keypoints, video and IMUs pass unchanged; the input is untouched', () => {
  const sample = fixtureSample();
  const out = transformSkeleton(sample, [2, 0, 0, 0, 2, 0, 0, 0, 2]);
  out.streams.forEach((s, k) => assert.is(s, sample.streams[k]));
  const skeleton = skeletonSample();
  const before = snapshot(skeleton);
  const moved = transformSkeleton(skeleton, [2, 0, 0, 0, 2, 0, 0, 0, 2]);
  assert.is(moved.streams[1], skeleton.streams[1], 'the IMU');
  assert.equal(snapshot(skeleton), before);
});
Transform('names a matrix of the wrong size', () => {
  assert.throws(
    () => transformSkeleton(headAndHip(), [1, 0, 0]),
    /transformSkeleton\(\): m must be a 3x3 matrix \(9 values\), got 3/,
  );
});
Transform.run();
