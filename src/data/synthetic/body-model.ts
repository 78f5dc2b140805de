import type { BodyDimensions } from './anthropometry.ts';
import { apply, axisRotation, multiply, zyx, type Mat3, type Vec3 } from './rotation.ts';

/**
 * The kinematic body: 17 joints driven by joint angles (radians), forward kinematics to world
 * positions and segment orientations. World frame: x forward (at yaw 0), y left, z up, metres.
 * Sides are [left, right]. Sign conventions: flexions move the distal segment forward (hip,
 * shoulder, elbow) or backward (knee); a positive foot pitch raises the heel; abduction moves the
 * limb away from the midline; trunk flexion leans forward; twist turns the chest to the left.
 */
export const BODY_JOINTS = [
  'pelvis', 'neck', 'head', 'l_shoulder', 'r_shoulder', 'l_elbow', 'r_elbow', 'l_wrist', 'r_wrist',
  'l_hip', 'r_hip', 'l_knee', 'r_knee', 'l_ankle', 'r_ankle', 'l_toe', 'r_toe',
] as const;
export type BodyJoint = (typeof BODY_JOINTS)[number];

export const SEGMENTS = ['pelvis', 'trunk', 'l_upper_arm', 'r_upper_arm', 'l_forearm', 'r_forearm', 'l_thigh', 'r_thigh', 'l_shank', 'r_shank', 'l_foot', 'r_foot'] as const;
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
    yaw: 0, pelvisPitch: 0, pelvisRoll: 0, trunkFlex: 0.03, trunkTwist: 0, trunkSide: 0,
    hipFlex: [0, 0], hipAbd: [0.03, 0.03], kneeFlex: [0.02, 0.02], footPitch: [0, 0],
    shoulderFlex: [0.05, 0.05], shoulderAbd: [0.12, 0.12], elbowFlex: [0.25, 0.25],
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

export interface BodyFrame {
  /** Joint positions, BODY_JOINTS order, [x, y, z] each. */
  joints: Vec3[];
  /** Segment orientations (segment frame to world), SEGMENTS order. */
  segments: Mat3[];
}

/** Forward kinematics with the pelvis (hip-centre midpoint) at `root`. */
export function forwardKinematics(d: BodyDimensions, a: JointAngles, root: Vec3): BodyFrame {
  const add = (p: Vec3, m: Mat3, v: Vec3): Vec3 => {
    const r = apply(m, v);
    return [p[0] + r[0], p[1] + r[1], p[2] + r[2]];
  };
  const rootR = zyx(a.yaw, a.pelvisPitch, a.pelvisRoll);
  const trunkR = multiply(multiply(multiply(rootR, axisRotation('z', a.trunkTwist)), axisRotation('y', a.trunkFlex)), axisRotation('x', a.trunkSide));
  const neck = add(root, trunkR, [0, 0, d.trunk]);
  const head = add(neck, trunkR, [0, 0, d.neck + d.head]);
  const joints = new Map<BodyJoint, Vec3>([['pelvis', root], ['neck', neck], ['head', head]]);
  const segments = new Map<Segment, Mat3>([['pelvis', rootR], ['trunk', trunkR]]);
  (['l', 'r'] as const).forEach((side, i) => {
    const sign = i === 0 ? 1 : -1;
    const upperR = multiply(multiply(trunkR, axisRotation('y', -(a.shoulderFlex[i] as number))), axisRotation('x', sign * (a.shoulderAbd[i] as number)));
    const foreR = multiply(upperR, axisRotation('y', -(a.elbowFlex[i] as number)));
    const shoulder = add(neck, trunkR, [0, sign * d.shoulderHalfWidth, -0.02 * d.height]);
    const elbow = add(shoulder, upperR, [0, 0, -d.upperArm]);
    const wrist = add(elbow, foreR, [0, 0, -d.forearm]);
    const thighR = multiply(multiply(rootR, axisRotation('y', -(a.hipFlex[i] as number))), axisRotation('x', sign * (a.hipAbd[i] as number)));
    const shankR = multiply(thighR, axisRotation('y', a.kneeFlex[i] as number));
    // The ankle angle that gives the foot its pitch: the shank's pitch is pelvisPitch - hipFlex + kneeFlex.
    const plantar = (a.footPitch[i] as number) - (a.pelvisPitch - (a.hipFlex[i] as number) + (a.kneeFlex[i] as number));
    const footR = multiply(shankR, axisRotation('y', plantar));
    const hip = add(root, rootR, [0, sign * d.hipHalfWidth, 0]);
    const knee = add(hip, thighR, [0, 0, -d.thigh]);
    const ankle = add(knee, shankR, [0, 0, -d.shank]);
    const toe = add(ankle, footR, [d.foot, 0, -d.ankleHeight]);
    for (const [name, p] of [['shoulder', shoulder], ['elbow', elbow], ['wrist', wrist], ['hip', hip], ['knee', knee], ['ankle', ankle], ['toe', toe]] as const) {
      joints.set(`${side}_${name}` as BodyJoint, p);
    }
    for (const [name, r] of [['upper_arm', upperR], ['forearm', foreR], ['thigh', thighR], ['shank', shankR], ['foot', footR]] as const) {
      segments.set(`${side}_${name}` as Segment, r);
    }
  });
  return { joints: BODY_JOINTS.map((j) => joints.get(j) as Vec3), segments: SEGMENTS.map((s) => segments.get(s) as Mat3) };
}
