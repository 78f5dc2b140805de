import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { COCO17_BONES, KINECT20_BONES } from '../../src/core/joint-sets.ts';
import { jointParents, poseChannels, skeletonFeatures } from '../../src/inputs/skeleton-features.ts';

/** Joint j of frame f of a kinect20 skeleton at (j, 2j, 10f): bones and velocities are easy to work out. */
function kinectPositions(frames: number): Float32Array {
  const out = new Float32Array(frames * 20 * 3);
  for (let f = 0; f < frames; f++) for (let j = 0; j < 20; j++) out.set([j, 2 * j, 10 * f], (f * 20 + j) * 3);
  return out;
}

/** The C channels of joint j in frame f of a [frames x J*C] input. */
function channels(input: Float32Array, f: number, j: number, joints: number, c: number): number[] {
  return Array.from(input.slice((f * joints + j) * c, (f * joints + j + 1) * c));
}

const Parents = suite('jointParents');
Parents("kinect20: the Kinect SDK's tree hung from the hip centre", () => {
  // head -> shoulder_center -> spine -> hip_center (root); arms from the shoulder centre, legs from the hip centre.
  assert.equal(jointParents('kinect20'), [1, 2, 3, -1, 1, 4, 5, 6, 1, 8, 9, 10, 3, 12, 13, 14, 3, 16, 17, 18]);
  for (const [j, parent] of jointParents('kinect20').entries()) {
    if (parent < 0) continue;
    assert.ok(
      KINECT20_BONES.some(([a, b]) => (a === j && b === parent) || (a === parent && b === j)),
      `${j} -> ${parent} is a bone`,
    );
  }
});
Parents('coco17: a tree rooted at the nose, every joint reached, the limbs along their bones', () => {
  const parents = jointParents('coco17');
  assert.is(parents.length, 17);
  assert.equal(
    parents.map((_, j) => j).filter((j) => parents[j] === -1),
    [0],
  );
  // Each joint's chain of parents reaches the nose.
  for (let j = 0; j < 17; j++) {
    let k = j;
    for (let step = 0; step < 17 && k !== 0; step++) k = parents[k]!;
    assert.is(k, 0, `joint ${j} reaches the nose`);
  }
  // wrist <- elbow <- shoulder, ankle <- knee <- hip: COCO-17 bones.
  for (const [child, parent] of [
    [9, 7],
    [7, 5],
    [10, 8],
    [8, 6],
    [15, 13],
    [13, 11],
    [16, 14],
    [14, 12],
  ] as const) {
    assert.is(parents[child], parent);
    assert.ok(COCO17_BONES.some(([a, b]) => a === parent && b === child));
  }
});
Parents.run();

const Channels = suite('poseChannels');
Channels('3 per feature for 3-D joints; 2 per feature and the score for 2-D keypoints', () => {
  assert.is(poseChannels('kinect20', ['position']), 3);
  assert.is(poseChannels('kinect20', ['position', 'velocity', 'bone']), 9);
  assert.is(poseChannels('coco17', ['position']), 3);
  assert.is(poseChannels('coco17', ['position', 'velocity', 'bone']), 7);
});
Channels.run();

const Features = suite('skeletonFeatures');
Features('position, velocity and bone side by side per joint, in the listed order', () => {
  const input = skeletonFeatures(kinectPositions(3), undefined, {
    joints: 'kinect20',
    frames: 3,
    valid: 3,
    features: ['position', 'velocity', 'bone'],
  });
  assert.is(input.length, 3 * 20 * 9);
  // left_hand (7) of frame 1 at (7, 14, 10); it moved (0, 0, 10) since frame 0; its parent left_wrist (6) is at (6, 12, 10).
  assert.equal(channels(input, 1, 7, 20, 9), [7, 14, 10, 0, 0, 10, 1, 2, 0]);
  // head (0), parent shoulder_center (1): bone (-1, -2, 0); first frame: no velocity.
  assert.equal(channels(input, 0, 0, 20, 9), [0, 0, 0, 0, 0, 0, -1, -2, 0]);
  // The hip centre is the root: bone 0. left_hip (12) hangs from it: bone (9, 18, 0).
  assert.equal(channels(input, 2, 3, 20, 9).slice(6), [0, 0, 0]);
  assert.equal(channels(input, 2, 12, 20, 9), [12, 24, 20, 0, 0, 10, 9, 18, 0]);
});
Features('the order of the list is the order of the channels', () => {
  const input = skeletonFeatures(kinectPositions(2), undefined, {
    joints: 'kinect20',
    frames: 2,
    valid: 2,
    features: ['bone', 'position'],
  });
  assert.equal(channels(input, 1, 7, 20, 6), [1, 2, 0, 7, 14, 10]);
});
Features('position alone is the positions themselves', () => {
  const positions = kinectPositions(2);
  const input = skeletonFeatures(positions, undefined, {
    joints: 'kinect20',
    frames: 2,
    valid: 2,
    features: ['position'],
  });
  assert.equal(Array.from(input), Array.from(positions));
});
Features('coco17: x and y per feature, the score last; padding frames stay 0', () => {
  // 2 input frames, 1 real: nose at (0, 0), left_eye (1) at (3, 4) with score 0.5 in frame 0.
  const positions = new Float32Array(2 * 17 * 2);
  positions.set([3, 4], 1 * 2);
  const score = new Float32Array(2 * 17).fill(0.25);
  score[1] = 0.5;
  const input = skeletonFeatures(positions, score, {
    joints: 'coco17',
    frames: 2,
    valid: 1,
    features: ['position', 'velocity', 'bone'],
  });
  assert.is(input.length, 2 * 17 * 7);
  assert.equal(channels(input, 0, 1, 17, 7), [3, 4, 0, 0, 3, 4, 0.5]);
  assert.equal(channels(input, 0, 0, 17, 7), [0, 0, 0, 0, 0, 0, 0.25]);
  assert.ok(
    input.slice(17 * 7).every((v) => v === 0),
    'frame 1 is padding',
  );
});
Features('names a wrong positions length', () => {
  assert.throws(
    () =>
      skeletonFeatures(new Float32Array(10), undefined, {
        joints: 'kinect20',
        frames: 2,
        valid: 2,
        features: ['position'],
      }),
    /skeletonFeatures\(\): positions has 10 values, expected 2 frames x 20 joints x 3/,
  );
});
Features.run();
