import type { PoseStream } from '../core/stream.ts';
import { JOINT_SETS } from '../core/joint-sets.ts';
import { lowPass } from './low-pass.ts';

/**
 * Joint angles from 2-D or 3-D keypoints (COCO-17 or Kinect-20), in degrees, with their angular
 * velocities (deg/s). Keypoints are low-passed first (zero-phase Butterworth, 6 Hz by default,
 * the usual cutoff for gross human movement: Winter 2009), gaps of missing or low-confidence
 * keypoints bridged linearly for the filter and left NaN in the result.
 *
 * Conventions (0 = anatomical standing): knee, hip and elbow flexion = 180 - the included angle
 * (hip: between trunk and thigh); shoulder elevation = the angle between trunk (down) and upper
 * arm; ankle = the included angle between shank and foot minus 90 (Kinect-20 only: COCO-17 has
 * no foot point); trunk lean = angle of the hip-centre-to-shoulder-centre line from vertical
 * (image up in 2-D, +y in 3-D unless `up` says otherwise). A 2-D angle is the angle seen in the
 * image, equal to the joint's only when the limb moves in a plane facing the camera.
 */
export const JOINT_ANGLE_NAMES = [
  'left_knee',
  'right_knee',
  'left_hip',
  'right_hip',
  'left_ankle',
  'right_ankle',
  'left_elbow',
  'right_elbow',
  'left_shoulder',
  'right_shoulder',
  'trunk_lean',
] as const;
export type JointAngleName = (typeof JOINT_ANGLE_NAMES)[number];

export interface JointAngles {
  t: Float64Array;
  /** Per angle, one value a frame (deg); NaN where a keypoint it needs is missing. */
  angles: Record<JointAngleName, Float64Array>;
  /** d(angle)/dt by central differences of the filtered angle (deg/s). */
  velocities: Record<JointAngleName, Float64Array>;
}

export interface JointAngleOptions {
  /** Low-pass cutoff for the keypoints, Hz; 0 = no filter. */
  cutoff?: number;
  /** Keypoints with a lower score are missing. */
  minScore?: number;
  /** The world's up direction in keypoint coordinates: default [0, -1] in 2-D (image rows grow down), [0, 1, 0] in 3-D. */
  up?: readonly number[];
}

type Point = (joint: string, frame: number) => number[] | undefined;

/** The angles and angular velocities of a pose stream. */
export function jointAngles(pose: PoseStream, options: JointAngleOptions = {}): JointAngles {
  const { names } = JOINT_SETS[pose.joints];
  const n = pose.t.length;
  const J = names.length;
  const D = pose.dims;
  const minScore = options.minScore ?? 0.3;
  const cutoff = options.cutoff ?? 6;
  const up = options.up ?? (D === 2 ? [0, -1] : [0, 1, 0]);
  const rate = n > 1 ? (n - 1) / ((pose.t[n - 1] as number) - (pose.t[0] as number)) : 1;
  // Per joint and axis: filtered coordinates, missing frames NaN.
  const coords = new Float64Array(n * J * D);
  const present = new Uint8Array(n * J);
  for (let j = 0; j < J; j++) {
    for (let f = 0; f < n; f++) {
      const ok =
        (pose.score === undefined || (pose.score[f * J + j] as number) >= minScore) &&
        Number.isFinite(pose.data[(f * J + j) * D] as number);
      present[f * J + j] = ok ? 1 : 0;
    }
    for (let d = 0; d < D; d++) {
      const series = bridge(
        Float64Array.from({ length: n }, (_, f) =>
          present[f * J + j] ? (pose.data[(f * J + j) * D + d] as number) : NaN,
        ),
      );
      const smooth = cutoff > 0 && series.every(Number.isFinite) ? lowPass(series, rate, cutoff) : series;
      for (let f = 0; f < n; f++) coords[(f * J + j) * D + d] = present[f * J + j] ? (smooth[f] as number) : NaN;
    }
  }
  const index = new Map(names.map((name, i) => [name, i]));
  const point: Point = (joint, f) => {
    const j = index.get(joint);
    if (j === undefined) return undefined;
    const p = Array.from(coords.subarray((f * J + j) * D, (f * J + j + 1) * D));
    return p.every(Number.isFinite) ? p : undefined;
  };
  const kinect = pose.joints === 'kinect20';
  const angles = {} as Record<JointAngleName, Float64Array>;
  const velocities = {} as Record<JointAngleName, Float64Array>;
  for (const name of JOINT_ANGLE_NAMES) {
    const a = Float64Array.from({ length: n }, (_, f) => angleAt(name, f, point, kinect, up));
    angles[name] = a;
    velocities[name] = Float64Array.from({ length: n }, (_, f) => {
      const lo = Math.max(0, f - 1);
      const hi = Math.min(n - 1, f + 1);
      const dt = (pose.t[hi] as number) - (pose.t[lo] as number);
      return dt > 0 ? ((a[hi] as number) - (a[lo] as number)) / dt : NaN;
    });
  }
  return { t: pose.t, angles, velocities };
}

/** The angles at time `time` (linear between frames, the finite one where a frame has none; NaN outside the stream). */
export function anglesAt(series: JointAngles, time: number): Record<JointAngleName, number> {
  const { t } = series;
  const out = {} as Record<JointAngleName, number>;
  let k = 0;
  while (k < t.length - 2 && (t[k + 1] as number) < time) k++;
  const inside = t.length > 0 && time >= (t[0] as number) && time <= (t[t.length - 1] as number);
  const t0 = t[k] as number;
  const t1 = t[Math.min(k + 1, t.length - 1)] as number;
  const w = t1 > t0 ? (time - t0) / (t1 - t0) : 0;
  for (const name of JOINT_ANGLE_NAMES) {
    const a = series.angles[name];
    const a0 = a[k] as number;
    const a1 = a[Math.min(k + 1, t.length - 1)] as number;
    // A frame with a keypoint missing leaves its neighbour's value rather than none.
    const both = Number.isFinite(a0) && Number.isFinite(a1);
    out[name] = !inside ? NaN : both ? a0 * (1 - w) + a1 * w : Number.isFinite(a0) ? a0 : a1;
  }
  return out;
}

function angleAt(name: JointAngleName, f: number, point: Point, kinect: boolean, up: readonly number[]): number {
  const side = name.startsWith('left') ? 'left' : 'right';
  const p = (joint: string) => point(`${side}_${joint}`, f);
  switch (name) {
    case 'left_knee':
    case 'right_knee':
      return 180 - included(p('hip'), p('knee'), p('ankle'));
    case 'left_hip':
    case 'right_hip':
      return 180 - included(p('shoulder'), p('hip'), p('knee'));
    case 'left_elbow':
    case 'right_elbow':
      return 180 - included(p('shoulder'), p('elbow'), p('wrist'));
    case 'left_shoulder':
    case 'right_shoulder':
      return included(p('hip'), p('shoulder'), p('elbow'));
    case 'left_ankle':
    case 'right_ankle':
      return kinect ? included(p('knee'), p('ankle'), p('foot')) - 90 : NaN;
    case 'trunk_lean': {
      const hips = mid(point('left_hip', f), point('right_hip', f));
      const shoulders = mid(point('left_shoulder', f), point('right_shoulder', f));
      if (hips === undefined || shoulders === undefined) return NaN;
      return angleBetween(
        shoulders.map((v, i) => v - (hips[i] as number)),
        up,
      );
    }
  }
}

/** The angle at b between b->a and b->c, degrees; NaN if a point is missing. */
export function included(a: number[] | undefined, b: number[] | undefined, c: number[] | undefined): number {
  if (a === undefined || b === undefined || c === undefined) return NaN;
  return angleBetween(
    a.map((v, i) => v - (b[i] as number)),
    c.map((v, i) => v - (b[i] as number)),
  );
}

function angleBetween(u: readonly number[], v: readonly number[]): number {
  let dot = 0;
  let uu = 0;
  let vv = 0;
  for (let i = 0; i < u.length; i++) {
    dot += (u[i] as number) * (v[i] as number);
    uu += (u[i] as number) ** 2;
    vv += (v[i] as number) ** 2;
  }
  if (uu === 0 || vv === 0) return NaN;
  return (Math.acos(Math.max(-1, Math.min(1, dot / Math.sqrt(uu * vv)))) * 180) / Math.PI;
}

function mid(a: number[] | undefined, b: number[] | undefined): number[] | undefined {
  return a === undefined || b === undefined ? undefined : a.map((v, i) => (v + (b[i] as number)) / 2);
}

/** Missing values (NaN) filled linearly between known neighbours, held at the ends; all NaN stays NaN. */
function bridge(x: Float64Array): Float64Array {
  const known: number[] = [];
  x.forEach((v, i) => {
    if (Number.isFinite(v)) known.push(i);
  });
  if (known.length === 0) return x;
  const out = Float64Array.from(x);
  let j = 0;
  for (let i = 0; i < x.length; i++) {
    if (Number.isFinite(x[i] as number)) continue;
    while (j < known.length - 1 && (known[j + 1] as number) < i) j++;
    const a = known[j] as number;
    const b = known[Math.min(j + 1, known.length - 1)] as number;
    if (i < a || a === b) out[i] = x[i < a ? a : b] as number;
    else out[i] = (x[a] as number) + (((x[b] as number) - (x[a] as number)) * (i - a)) / (b - a);
  }
  return out;
}
