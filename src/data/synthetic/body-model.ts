import type { BodyDimensions } from './anthropometry.ts';
import { rotateAbout, zyx, type Mat3, type Vec3 } from './rotation.ts';

/**
 * The kinematic body: 17 joints driven by joint angles (radians), forward kinematics to world
 * positions and segment orientations. World frame: x forward (at yaw 0), y left, z up, metres.
 * Sides are [left, right]. Sign conventions: flexions move the distal segment forward (hip,
 * shoulder, elbow) or backward (knee); a positive foot pitch raises the heel; abduction moves the
 * limb away from the midline; trunk flexion leans forward; twist turns the chest to the left.
 */
export const BODY_JOINTS = [
  'pelvis',
  'neck',
  'head',
  'l_shoulder',
  'r_shoulder',
  'l_elbow',
  'r_elbow',
  'l_wrist',
  'r_wrist',
  'l_hip',
  'r_hip',
  'l_knee',
  'r_knee',
  'l_ankle',
  'r_ankle',
  'l_toe',
  'r_toe',
] as const;
export type BodyJoint = (typeof BODY_JOINTS)[number];

export const SEGMENTS = [
  'pelvis',
  'trunk',
  'l_upper_arm',
  'r_upper_arm',
  'l_forearm',
  'r_forearm',
  'l_thigh',
  'r_thigh',
  'l_shank',
  'r_shank',
  'l_foot',
  'r_foot',
] as const;
export type Segment = (typeof SEGMENTS)[number];

type Pair = [number, number];
export interface JointAngles {
  yaw: number;
  pelvisPitch: number;
  pelvisRoll: number;
  trunkFlex: number;
  trunkTwist: number;
  trunkSide: number;
  hipFlex: Pair;
  hipAbd: Pair;
  kneeFlex: Pair;
  /** Foot pitch in the pelvis's sagittal plane: 0 flat, positive heel up (the ankle angle follows). */
  footPitch: Pair;
  shoulderFlex: Pair;
  shoulderAbd: Pair;
  elbowFlex: Pair;
}

/** Quiet standing: arms slightly away from the body, elbows a little bent. */
export function standingPose(): JointAngles {
  return {
    yaw: 0,
    pelvisPitch: 0,
    pelvisRoll: 0,
    trunkFlex: 0.03,
    trunkTwist: 0,
    trunkSide: 0,
    hipFlex: [0, 0],
    hipAbd: [0.03, 0.03],
    kneeFlex: [0.02, 0.02],
    footPitch: [0, 0],
    shoulderFlex: [0.05, 0.05],
    shoulderAbd: [0.12, 0.12],
    elbowFlex: [0.25, 0.25],
  };
}

const PAIR_KEYS = ['hipFlex', 'hipAbd', 'kneeFlex', 'footPitch', 'shoulderFlex', 'shoulderAbd', 'elbowFlex'] as const;
const SCALAR_KEYS = ['yaw', 'pelvisPitch', 'pelvisRoll', 'trunkFlex', 'trunkTwist', 'trunkSide'] as const;

/** a + (b - a) w, angle by angle. */
export function blendPoses(a: JointAngles, b: JointAngles, w: number): JointAngles {
  const out = { ...a } as JointAngles;
  for (const k of SCALAR_KEYS) out[k] = a[k] + (b[k] - a[k]) * w;
  for (const k of PAIR_KEYS) out[k] = [a[k][0] + (b[k][0] - a[k][0]) * w, a[k][1] + (b[k][1] - a[k][1]) * w];
  return out;
}

/** Share of the trunk's forward lean that the pelvis takes (lumbopelvic rhythm). */
export const PELVIS_SHARE_OF_TRUNK_FLEXION = 0.5;

/**
 * The same posture with the pelvis taking its share of the trunk's forward lean: the pelvis
 * tilts forward by share x trunkFlex, the trunk bends that much less on it and the hips flex
 * that much more, so every joint stays where it was (hips sit on the pelvis's left-right axis)
 * and only the pelvis segment turns, as it does when people bend (a pelvis-worn sensor sees it).
 * Exact for an unrolled pelvis; programs write trunkFlex as the lean of the trunk in space.
 */
export function withPelvisTilt(p: JointAngles): JointAngles {
  const tilt = PELVIS_SHARE_OF_TRUNK_FLEXION * p.trunkFlex;
  return {
    ...p,
    pelvisPitch: p.pelvisPitch + tilt,
    trunkFlex: p.trunkFlex - tilt,
    hipFlex: [p.hipFlex[0] + tilt, p.hipFlex[1] + tilt],
  };
}

export interface BodyFrame {
  /** Joint positions, BODY_JOINTS order, [x, y, z] each. */
  joints: Vec3[];
  /** Segment orientations (segment frame to world), SEGMENTS order. */
  segments: Mat3[];
}

/** p + m [x, y, z]: a point offset along a segment's axes. */
export function offsetAlong(p: Vec3, m: Mat3, x: number, y: number, z: number): Vec3 {
  return [
    p[0] + (m[0] as number) * x + (m[1] as number) * y + (m[2] as number) * z,
    p[1] + (m[3] as number) * x + (m[4] as number) * y + (m[5] as number) * z,
    p[2] + (m[6] as number) * x + (m[7] as number) * y + (m[8] as number) * z,
  ];
}

/** Orientation of the pelvis (segment 0) for the given angles. */
export function pelvisOrientation(a: JointAngles): Mat3 {
  return zyx(a.yaw, a.pelvisPitch, a.pelvisRoll);
}

/** One leg's joints and segment orientations, hip to toe. */
export interface LegChain {
  hip: Vec3;
  knee: Vec3;
  ankle: Vec3;
  toe: Vec3;
  thighR: Mat3;
  shankR: Mat3;
  footR: Mat3;
}

/**
 * Leg `side` (0 left, 1 right) from the pelvis at `root` with orientation `rootR`. The inverse
 * kinematics evaluates legs thousands of times a take, so it runs this chain alone rather than
 * the whole body; forwardKinematics runs the same code, so both agree to the last bit.
 */
export function legChain(d: BodyDimensions, a: JointAngles, rootR: Mat3, root: Vec3, side: 0 | 1): LegChain {
  return legChainAt(
    d,
    rootR,
    root,
    side,
    a.pelvisPitch,
    a.hipFlex[side] as number,
    a.hipAbd[side] as number,
    a.kneeFlex[side] as number,
    a.footPitch[side] as number,
  );
}

/** legChain with the leg's angles given one by one (the inverse kinematics tries many). */
export function legChainAt(
  d: BodyDimensions,
  rootR: Mat3,
  root: Vec3,
  side: 0 | 1,
  pelvisPitch: number,
  hipFlex: number,
  hipAbd: number,
  kneeFlex: number,
  footPitch: number,
): LegChain {
  const sign = side === 0 ? 1 : -1;
  const thighR = rotateAbout(rotateAbout(rootR, 'y', -hipFlex), 'x', sign * hipAbd);
  const shankR = rotateAbout(thighR, 'y', kneeFlex);
  // The ankle angle that gives the foot its pitch: the shank's pitch is pelvisPitch - hipFlex + kneeFlex.
  const footR = rotateAbout(shankR, 'y', footPitch - (pelvisPitch - hipFlex + kneeFlex));
  const hip = offsetAlong(root, rootR, 0, sign * d.hipHalfWidth, 0);
  const knee = offsetAlong(hip, thighR, 0, 0, -d.thigh);
  const ankle = offsetAlong(knee, shankR, 0, 0, -d.shank);
  const toe = offsetAlong(ankle, footR, d.foot, 0, -d.ankleHeight);
  return { hip, knee, ankle, toe, thighR, shankR, footR };
}

/** Forward kinematics with the pelvis (hip-centre midpoint) at `root`. */
export function forwardKinematics(d: BodyDimensions, a: JointAngles, root: Vec3): BodyFrame {
  const rootR = pelvisOrientation(a);
  const trunkR = rotateAbout(rotateAbout(rotateAbout(rootR, 'z', a.trunkTwist), 'y', a.trunkFlex), 'x', a.trunkSide);
  const neck = offsetAlong(root, trunkR, 0, 0, d.trunk);
  const head = offsetAlong(neck, trunkR, 0, 0, d.neck + d.head);
  // Filled in BODY_JOINTS / SEGMENTS order: pelvis, neck, head, then l/r pairs.
  const joints: Vec3[] = new Array(BODY_JOINTS.length);
  const segments: Mat3[] = new Array(SEGMENTS.length);
  joints[0] = root;
  joints[1] = neck;
  joints[2] = head;
  segments[0] = rootR;
  segments[1] = trunkR;
  for (let i = 0; i < 2; i++) {
    const sign = i === 0 ? 1 : -1;
    const upperR = rotateAbout(
      rotateAbout(trunkR, 'y', -(a.shoulderFlex[i] as number)),
      'x',
      sign * (a.shoulderAbd[i] as number),
    );
    const foreR = rotateAbout(upperR, 'y', -(a.elbowFlex[i] as number));
    const shoulder = offsetAlong(neck, trunkR, 0, sign * d.shoulderHalfWidth, -0.02 * d.height);
    const elbow = offsetAlong(shoulder, upperR, 0, 0, -d.upperArm);
    const wrist = offsetAlong(elbow, foreR, 0, 0, -d.forearm);
    const leg = legChain(d, a, rootR, root, i as 0 | 1);
    joints[3 + i] = shoulder;
    joints[5 + i] = elbow;
    joints[7 + i] = wrist;
    joints[9 + i] = leg.hip;
    joints[11 + i] = leg.knee;
    joints[13 + i] = leg.ankle;
    joints[15 + i] = leg.toe;
    segments[2 + i] = upperR;
    segments[4 + i] = foreR;
    segments[6 + i] = leg.thighR;
    segments[8 + i] = leg.shankR;
    segments[10 + i] = leg.footR;
  }
  return { joints, segments };
}
