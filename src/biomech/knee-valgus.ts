import type { PoseStream } from '../core/stream.ts';
import { JOINT_SETS } from '../core/joint-sets.ts';
import { included } from './joint-angles.ts';

/**
 * A 2-D knee valgus proxy: the frontal-plane projection angle (FPPA), the angle between thigh
 * (hip to knee) and shank (knee to ankle) as the camera sees them, in degrees, positive when
 * the knee falls inside the hip-ankle line (toward the other leg: valgus), negative outside
 * (varus). Clinicians read it from a frontal camera in drop-jump landings (Munro, Herrington and
 * Carolan, J Sport Rehabil 21:7-11, 2012). It is a proxy: hip rotation and a camera off the
 * frontal plane change it. Reported only where the view is frontal enough: the hips at least
 * `minHipRatio` of a thigh's length apart in the image (about 0.7 seen from the front, 0 from
 * the side); NaN elsewhere and where a keypoint is missing.
 */
export interface KneeValgus {
  t: Float64Array;
  left: Float64Array;
  right: Float64Array;
}

export function kneeValgus(pose: PoseStream, options: { minHipRatio?: number; minScore?: number } = {}): KneeValgus {
  const { names } = JOINT_SETS[pose.joints];
  const J = names.length;
  const D = pose.dims;
  const n = pose.t.length;
  const ratio = options.minHipRatio ?? 0.4;
  const minScore = options.minScore ?? 0.3;
  const at = (joint: string, f: number): [number, number] | undefined => {
    const j = names.indexOf(joint);
    if (j < 0 || (pose.score !== undefined && (pose.score[f * J + j] as number) < minScore)) return undefined;
    const x = pose.data[(f * J + j) * D] as number;
    const y = pose.data[(f * J + j) * D + 1] as number;
    return Number.isFinite(x) && Number.isFinite(y) ? [x, y] : undefined;
  };
  const side = (me: 'left' | 'right', f: number): number => {
    const other = me === 'left' ? 'right' : 'left';
    const hip = at(`${me}_hip`, f);
    const knee = at(`${me}_knee`, f);
    const ankle = at(`${me}_ankle`, f);
    const otherHip = at(`${other}_hip`, f);
    if (hip === undefined || knee === undefined || ankle === undefined || otherHip === undefined) return NaN;
    const thigh = Math.hypot(knee[0] - hip[0], knee[1] - hip[1]);
    if (Math.hypot(otherHip[0] - hip[0], otherHip[1] - hip[1]) < ratio * thigh) return NaN;
    const bend = 180 - included(hip, knee, ankle);
    // Which side of the hip-ankle line the knee is on, against the side the other hip is on.
    const cross = (p: [number, number]) =>
      (ankle[0] - hip[0]) * (p[1] - hip[1]) - (ankle[1] - hip[1]) * (p[0] - hip[0]);
    return Math.sign(cross(knee)) === Math.sign(cross(otherHip)) ? bend : -bend;
  };
  return {
    t: pose.t,
    left: Float64Array.from({ length: n }, (_, f) => side('left', f)),
    right: Float64Array.from({ length: n }, (_, f) => side('right', f)),
  };
}
