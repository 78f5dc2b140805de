import type { BodyDimensions } from './anthropometry.ts';
import { legChain, legChainAt, pelvisOrientation, type JointAngles, type LegChain } from './body-model.ts';
import { applyTransposed, type Mat3, type Vec3 } from './rotation.ts';

/**
 * One leg of the body model posed by its end: the hip, knee and ankle angles that put the ball of
 * the foot on a point (a planted foot held while the body moves), and how far the pelvis must
 * sink for the leg to reach it at all. Used by simulateMotion at every 1 ms step.
 */

/** One leg of the body in pose `p` with its pelvis at `root`. */
export function legOf(dims: BodyDimensions, p: JointAngles, root: Vec3, side: 0 | 1): LegChain {
  return legChain(dims, p, pelvisOrientation(p), root, side);
}

/**
 * Hip flexion, hip abduction and knee flexion of leg `side` that put its ball of the foot on
 * `toe` (foot pitch as given). The ankle is placed exactly (legAnglesFor); the foot's orientation
 * turns with an abducted, flexed thigh, so the ankle target that puts the toe in place is found
 * by Newton's method on toe(ankle target), with a finite-difference Jacobian: 2-4 iterations to
 * 0.1 um where a plain fixed-point correction stalled in deep squats. Written without closures
 * or per-try pose copies: it runs about 10^4 times a take.
 */
export function solveLeg(
  dims: BodyDimensions,
  pose: JointAngles,
  root: Vec3,
  side: 0 | 1,
  toe: Vec3,
  memo?: LegMemo,
): JointAngles {
  // The leg angles do not move the pelvis, so its orientation and the hip hold for every try.
  const pelvisR = pelvisOrientation(pose);
  const start = legChain(dims, pose, pelvisR, root, side);
  const ik: LegProblem = {
    dims,
    pelvisR,
    root,
    hip: start.hip,
    side,
    pelvisPitch: pose.pelvisPitch,
    footPitch: pose.footPitch[side] as number,
  };
  // Start from the last step's answer where there is one (the pose changes little in 1 ms).
  const last = memo?.[side];
  let aim: Vec3 =
    last !== undefined
      ? last.aim
      : [
          start.ankle[0] + toe[0] - start.toe[0],
          start.ankle[1] + toe[1] - start.toe[1],
          start.ankle[2] + toe[2] - start.toe[2],
        ];
  let jac = last?.jac;
  let best = tryAnkle(ik, aim);
  let bestMiss = distance(best.toe, toe);
  // Newton's method; the Jacobian is kept from step to step (it changes slowly) and rebuilt
  // only when a step with the kept one does not halve the error.
  let fresh = false;
  for (let iter = 0; iter < 12 && bestMiss >= 1e-7; iter++) {
    if (jac === undefined) {
      const h = 1e-5;
      const base = best.toe;
      jac = [];
      for (let c = 0; c < 3; c++) {
        const a: Vec3 = [aim[0], aim[1], aim[2]];
        a[c] = (a[c] as number) + h;
        const t = tryAnkle(ik, a).toe;
        jac.push([(t[0] - base[0]) / h, (t[1] - base[1]) / h, (t[2] - base[2]) / h]);
      }
      fresh = true;
    }
    const step = solve3(jac, [best.toe[0] - toe[0], best.toe[1] - toe[1], best.toe[2] - toe[2]]);
    if (step === undefined) break;
    const next: Vec3 = [aim[0] - step[0], aim[1] - step[1], aim[2] - step[2]];
    const tried = tryAnkle(ik, next);
    const triedMiss = distance(tried.toe, toe);
    if (triedMiss < 0.5 * bestMiss || fresh) {
      aim = next;
      best = tried;
      bestMiss = triedMiss;
    } else {
      jac = undefined;
    }
    fresh = false;
  }
  if (bestMiss >= 1e-6 && last !== undefined) {
    // The kept state led astray (the target jumped): solve again from scratch.
    if (memo !== undefined) memo[side] = undefined;
    return solveLeg(dims, pose, root, side, toe, memo);
  }
  if (memo !== undefined) memo[side] = { aim, jac };
  const out: JointAngles = {
    ...pose,
    hipFlex: [...pose.hipFlex],
    hipAbd: [...pose.hipAbd],
    kneeFlex: [...pose.kneeFlex],
  };
  out.hipFlex[side] = best.hipFlex;
  out.hipAbd[side] = best.hipAbd;
  out.kneeFlex[side] = best.knee;
  return out;
}

/** What stays fixed while solveLeg tries ankle targets. */
interface LegProblem {
  dims: BodyDimensions;
  pelvisR: Mat3;
  root: Vec3;
  hip: Vec3;
  side: 0 | 1;
  pelvisPitch: number;
  footPitch: number;
}

/** The leg angles that put the ankle at `ankle`, and where the ball of the foot then is. */
function tryAnkle(ik: LegProblem, ankle: Vec3): { hipFlex: number; hipAbd: number; knee: number; toe: Vec3 } {
  const angles = legAnglesFor(ik.dims, ik.hip, ik.pelvisR, ik.side, ankle);
  const toe = legChainAt(
    ik.dims,
    ik.pelvisR,
    ik.root,
    ik.side,
    ik.pelvisPitch,
    angles[0],
    angles[1],
    angles[2],
    ik.footPitch,
  ).toe;
  return { hipFlex: angles[0], hipAbd: angles[1], knee: angles[2], toe };
}

function distance(a: Vec3, b: Vec3): number {
  return Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
}

/** What solveLeg keeps between steps, per leg: the last ankle target and Jacobian. */
export type LegMemo = [
  { aim: Vec3; jac: Vec3[] | undefined } | undefined,
  { aim: Vec3; jac: Vec3[] | undefined } | undefined,
];

/** x with sum_c cols[c] x[c] = b (3x3, by Cramer's rule); undefined if singular. */
function solve3(cols: Vec3[], b: Vec3): Vec3 | undefined {
  const [c0, c1, c2] = cols as [Vec3, Vec3, Vec3];
  const det = (a: Vec3, bb: Vec3, c: Vec3) =>
    a[0] * (bb[1] * c[2] - bb[2] * c[1]) - bb[0] * (a[1] * c[2] - a[2] * c[1]) + c[0] * (a[1] * bb[2] - a[2] * bb[1]);
  const d = det(c0, c1, c2);
  if (Math.abs(d) < 1e-12) return undefined;
  return [det(b, c1, c2) / d, det(c0, b, c2) / d, det(c0, c1, b) / d];
}

/**
 * How far (m, <= 0) the pelvis must move down for leg `side` to reach `toe` with a little slack
 * (99.5% of its length, or as straight as its pose already is); 0 when it reaches, or when
 * lowering cannot help (too far sideways).
 */
export function reachShortfall(dims: BodyDimensions, pose: JointAngles, root: Vec3, side: 0 | 1, toe: Vec3): number {
  const { hip, toe: foot, ankle } = legOf(dims, pose, root, side);
  const d: Vec3 = [
    toe[0] - foot[0] + ankle[0] - hip[0],
    toe[1] - foot[1] + ankle[1] - hip[1],
    toe[2] - foot[2] + ankle[2] - hip[2],
  ];
  // A leg its own pose already stretches past the slack reaches that far: the sink then starts
  // from zero when a foot first needs holding up, instead of jumping by the slack in one step.
  const own = Math.hypot(ankle[0] - hip[0], ankle[1] - hip[1], ankle[2] - hip[2]);
  const reach = Math.max(0.995 * (dims.thigh + dims.shank), Math.min(own, dims.thigh + dims.shank - 1e-6));
  const across = d[0] * d[0] + d[1] * d[1];
  if (Math.hypot(d[0], d[1], d[2]) <= reach || across >= reach * reach) return 0;
  return Math.min(0, d[2] + Math.sqrt(reach * reach - across));
}

/**
 * Hip flexion, hip abduction and knee flexion that put the ankle at `ankle` (world). In the
 * pelvis frame the thigh is Ry(-hipFlex) Rx(+-hipAbd) and the ankle sits at
 * [-L2 sin(knee), 0, -L1 - L2 cos(knee)] in the thigh frame: the knee follows from the hip-ankle
 * distance (law of cosines), the abduction from the sideways offset (Ry keeps y), the hip flexion
 * from the angle left in the sagittal plane.
 */
function legAnglesFor(
  dims: BodyDimensions,
  hip: Vec3,
  pelvis: Mat3,
  side: 0 | 1,
  ankle: Vec3,
): [number, number, number] {
  const [fx, ly, dz] = applyTransposed(pelvis, [ankle[0] - hip[0], ankle[1] - hip[1], ankle[2] - hip[2]]);
  const l1 = dims.thigh;
  const l2 = dims.shank;
  const r = Math.max(Math.abs(l1 - l2) + 1e-6, Math.min(l1 + l2 - 1e-6, Math.hypot(fx, ly, dz)));
  const knee = Math.PI - Math.acos(Math.max(-1, Math.min(1, (l1 * l1 + l2 * l2 - r * r) / (2 * l1 * l2))));
  const px = -l2 * Math.sin(knee);
  const pz = -l1 - l2 * Math.cos(knee);
  const sa = Math.asin(Math.max(-1, Math.min(1, -ly / pz)));
  const hipFlex = Math.atan2(dz, fx) - Math.atan2(Math.cos(sa) * pz, px);
  return [Math.atan2(Math.sin(hipFlex), Math.cos(hipFlex)), side === 0 ? sa : -sa, knee];
}
