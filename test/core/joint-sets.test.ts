import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { COCO17_JOINTS, JOINT_SETS, KINECT20_JOINTS } from '../../src/core/joint-sets.ts';

const Coco = suite('JOINT_SETS.coco17');
Coco("names the 17 keypoints in MoveNet's output order", () => {
  assert.equal(JOINT_SETS.coco17.names, COCO17_JOINTS);
  assert.equal(COCO17_JOINTS, [
    'nose',
    'left_eye',
    'right_eye',
    'left_ear',
    'right_ear',
    'left_shoulder',
    'right_shoulder',
    'left_elbow',
    'right_elbow',
    'left_wrist',
    'right_wrist',
    'left_hip',
    'right_hip',
    'left_knee',
    'right_knee',
    'left_ankle',
    'right_ankle',
  ]);
});
Coco('has the bones the sample preview and the pose command drew before they shared them', () => {
  assert.equal(JOINT_SETS.coco17.bones, [
    [0, 1],
    [0, 2],
    [1, 3],
    [2, 4],
    [5, 7],
    [7, 9],
    [6, 8],
    [8, 10],
    [5, 6],
    [5, 11],
    [6, 12],
    [11, 12],
    [11, 13],
    [13, 15],
    [12, 14],
    [14, 16],
  ]);
});
Coco('mirrors as flipHorizontal did: the nose stays, each odd (left) index swaps with the even one after it', () => {
  assert.equal(
    JOINT_SETS.coco17.mirror,
    Array.from({ length: 17 }, (_, j) => (j === 0 ? 0 : j % 2 === 1 ? j + 1 : j - 1)),
  );
});
Coco('sides follow the rule the drawings used: odd indices left, even right, the nose in the middle', () => {
  assert.equal(
    JOINT_SETS.coco17.sides,
    Array.from({ length: 17 }, (_, j) => (j === 0 ? 'middle' : j % 2 === 1 ? 'left' : 'right')),
  );
});
Coco.run();

const Kinect = suite('JOINT_SETS.kinect20');
Kinect("names the 20 joints in UTD-MHAD's Skeleton_joint_order.txt order", () => {
  assert.equal(JOINT_SETS.kinect20.names, KINECT20_JOINTS);
  assert.is(KINECT20_JOINTS.length, 20);
  assert.equal(KINECT20_JOINTS.slice(0, 4), ['head', 'shoulder_center', 'spine', 'hip_center']);
  assert.equal(
    [KINECT20_JOINTS[7], KINECT20_JOINTS[11], KINECT20_JOINTS[15], KINECT20_JOINTS[19]],
    ['left_hand', 'right_hand', 'left_foot', 'right_foot'],
  );
});
Kinect('its bones form one tree over all 20 joints, rooted at the hip centre', () => {
  const { bones, names } = JOINT_SETS.kinect20;
  assert.is(bones.length, names.length - 1);
  const reached = new Set([names.indexOf('hip_center')]);
  for (let grown = true; grown;) {
    grown = false;
    for (const [a, b] of bones) {
      if (reached.has(a) !== reached.has(b)) {
        reached.add(a).add(b);
        grown = true;
      }
    }
  }
  assert.is(reached.size, 20);
});
Kinect("the spine is in the middle; each limb joint swaps with its twin, and a bone's twin is a bone", () => {
  const { names, sides, mirror, bones } = JOINT_SETS.kinect20;
  names.forEach((name, j) => {
    const twin = mirror[j] as number;
    if (['head', 'shoulder_center', 'spine', 'hip_center'].includes(name)) {
      assert.is(sides[j], 'middle', name);
      assert.is(twin, j, name);
    } else {
      assert.is(sides[j], name.startsWith('left_') ? 'left' : 'right', name);
      assert.is(names[twin]?.replace(/^(left|right)_/, ''), name.replace(/^(left|right)_/, ''), name);
      assert.is.not(sides[twin], sides[j], name);
      assert.is(mirror[twin], j, `${name}: mirroring twice gives the joint back`);
    }
  });
  const key = ([a, b]: readonly [number, number]) => [Math.min(a, b), Math.max(a, b)].join('-');
  const all = new Set(bones.map(key));
  for (const [a, b] of bones) assert.ok(all.has(key([mirror[a] as number, mirror[b] as number])), `bone ${a}-${b}`);
});
Kinect.run();
