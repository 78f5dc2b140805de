import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { anglesAt, jointAngles } from '../../src/biomech/joint-angles.ts';
import { COCO17_JOINTS, KINECT20_JOINTS } from '../../src/core/joint-sets.ts';
import { poseStream } from '../../src/core/stream.ts';

const rad = (deg: number) => (deg * Math.PI) / 180;
/** p + length x the unit vector at `deg` from straight down in the image (x right, y down), turning toward +x. */
const from = (p: number[], deg: number, length: number) => [
  (p[0] as number) + length * Math.sin(rad(deg)),
  (p[1] as number) + length * Math.cos(rad(deg)),
];

/**
 * A side-view COCO-17 pose with set angles: trunk leaning `lean` forward (+x), thighs straight
 * down, knees flexed `knee` (shank turned back), upper arms at `shoulder` from the trunk, elbows
 * flexed `elbow`. Image coordinates in pixels.
 */
function cocoFrame(knee: number, lean: number, shoulder: number, elbow: number): number[] {
  const points: Record<string, number[]> = {};
  for (const [side, dx] of [
    ['left', 0],
    ['right', 4],
  ] as const) {
    const hip = [200 + dx, 300];
    const kneeP = from(hip, 0, 80);
    const ankle = from(kneeP, -knee, 80);
    const sh = from(hip, 180 - lean, 120); // up the trunk
    const elbowP = from(sh, -lean + shoulder, 60); // trunk-down direction is -lean; turned by `shoulder`
    const wrist = from(elbowP, -lean + shoulder + elbow, 50);
    Object.assign(points, {
      [`${side}_hip`]: hip,
      [`${side}_knee`]: kneeP,
      [`${side}_ankle`]: ankle,
      [`${side}_shoulder`]: sh,
      [`${side}_elbow`]: elbowP,
      [`${side}_wrist`]: wrist,
      [`${side}_eye`]: from(sh, 180 - lean, 40),
      [`${side}_ear`]: from(sh, 180 - lean, 38),
    });
  }
  points['nose'] = points['left_eye']!;
  return COCO17_JOINTS.flatMap((j) => points[j]!);
}

const Angles = suite('jointAngles');

Angles('2-D COCO-17: knee flexion ramping 0 -> 90 deg in 1 s, set hip, trunk, shoulder and elbow angles', () => {
  const n = 31;
  const t = Float64Array.from({ length: n }, (_, i) => i / 30);
  const data = Float32Array.from(Array.from(t, (ti) => cocoFrame(90 * ti, 20, 45, 30)).flat());
  const pose = poseStream({ rate: 30, t, joints: 'coco17', dims: 2, data });
  const a = jointAngles(pose);
  for (let f = 3; f < n - 3; f++) {
    assert.ok(Math.abs(a.angles.left_knee[f]! - 90 * t[f]!) < 0.3, `knee ${a.angles.left_knee[f]} at ${t[f]}`);
    assert.ok(Math.abs(a.velocities.left_knee[f]! - 90) < 2, `knee velocity ${a.velocities.left_knee[f]}`);
  }
  const mid = anglesAt(a, 0.5);
  assert.ok(Math.abs(mid.right_knee - 45) < 0.3, `right knee ${mid.right_knee}`);
  // Thigh down, trunk 20 deg from up: hip flexion 20.
  assert.ok(Math.abs(mid.left_hip - 20) < 0.1, `hip ${mid.left_hip}`);
  assert.ok(Math.abs(mid.trunk_lean - 20) < 0.1, `trunk ${mid.trunk_lean}`);
  assert.ok(Math.abs(mid.left_shoulder - 45) < 0.1, `shoulder ${mid.left_shoulder}`);
  assert.ok(Math.abs(mid.left_elbow - 30) < 0.1, `elbow ${mid.left_elbow}`);
  assert.ok(Number.isNaN(mid.left_ankle), 'COCO-17 has no foot point');
});

Angles('3-D Kinect-20: a knee flexed 60 deg out of the image plane, ankle neutral', () => {
  // Metres, y up. Thigh straight down; shank turned 60 deg about the x axis (backward, -z).
  const p: Record<string, number[]> = {
    hip_center: [0, 1, 0],
    spine: [0, 1.2, 0],
    shoulder_center: [0, 1.5, 0],
    head: [0, 1.7, 0],
  };
  for (const [side, x] of [
    ['left', -0.1],
    ['right', 0.1],
  ] as const) {
    const knee = [x, 0.55, 0];
    const ankle = [x, 0.55 - 0.45 * Math.cos(rad(60)), -0.45 * Math.sin(rad(60))];
    // The foot perpendicular to the shank (neutral): along the shank's forward normal.
    const foot = [x, ankle[1]! - 0.15 * Math.sin(rad(60)), ankle[2]! + 0.15 * Math.cos(rad(60))];
    Object.assign(p, {
      [`${side}_hip`]: [x, 1, 0],
      [`${side}_knee`]: knee,
      [`${side}_ankle`]: ankle,
      [`${side}_foot`]: foot,
      [`${side}_shoulder`]: [x * 1.5, 1.5, 0],
      [`${side}_elbow`]: [x * 1.5, 1.2, 0],
      [`${side}_wrist`]: [x * 1.5, 1.2, 0.3],
      [`${side}_hand`]: [x * 1.5, 1.2, 0.35],
    });
  }
  const frame = KINECT20_JOINTS.flatMap((j) => p[j]!);
  const data = Float32Array.from([...frame, ...frame, ...frame]);
  const pose = poseStream({ rate: 30, t: Float64Array.from([0, 1 / 30, 2 / 30]), joints: 'kinect20', dims: 3, data });
  const a = anglesAt(jointAngles(pose), 1 / 30);
  assert.ok(Math.abs(a.left_knee - 60) < 1e-3, `knee ${a.left_knee}`);
  assert.ok(Math.abs(a.right_ankle) < 1e-3, `ankle ${a.right_ankle}`);
  assert.ok(Math.abs(a.left_elbow - 90) < 1e-3, `elbow ${a.left_elbow}`);
  assert.ok(Math.abs(a.trunk_lean) < 1e-3, `trunk ${a.trunk_lean}`);
});

Angles('a keypoint below the score threshold gives NaN there, not a wrong angle', () => {
  const t = Float64Array.from({ length: 10 }, (_, i) => i / 30);
  const data = Float32Array.from(Array.from(t, () => cocoFrame(40, 0, 0, 0)).flat());
  const score = new Float32Array(10 * 17).fill(1);
  score[4 * 17 + COCO17_JOINTS.indexOf('left_ankle')] = 0.1;
  const a = jointAngles(poseStream({ rate: 30, t, joints: 'coco17', dims: 2, data, score }));
  assert.ok(Number.isNaN(a.angles.left_knee[4]!));
  assert.ok(Math.abs(a.angles.left_knee[5]! - 40) < 0.1);
});

Angles.run();
