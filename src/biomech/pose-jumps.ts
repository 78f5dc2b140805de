import type { PoseStream } from '../core/stream.ts';
import type { Jump } from './detect-jumps.ts';
import { anglesAt, jointAngles, type JointAngleName } from './joint-angles.ts';

/** Angles reported at take-off and landing (deg; null where a keypoint they need is unseen). */
export const POSE_JUMP_ANGLES = ['left_knee', 'right_knee', 'left_hip', 'right_hip', 'trunk_lean'] as const;
export type PoseJumpAngles = Record<(typeof POSE_JUMP_ANGLES)[number], number | null>;

/**
 * A jump seen in keypoints: the fields of an IMU `Jump` that video can give (no take-off
 * velocity, RSImod or landing force), the hip's rise and the joint angles at take-off and landing.
 */
export interface PoseJump extends Omit<Jump, 'peakLandingAcc' | 'heightByVelocity' | 'takeoffVelocity'> {
  /** No force from video. */
  peakLandingAcc?: never;
  heightByVelocity?: never;
  takeoffVelocity?: never;
  /** Peak rise of the mid-hip above its standing level during the flight, in torso lengths. */
  hipRise?: number;
  angles: { takeoff: PoseJumpAngles; landing: PoseJumpAngles };
}

export interface PoseJumpOptions {
  /** m/s^2. */
  gravity?: number;
  /** Keypoints with a lower score are unseen. */
  minScore?: number;
  /** A flight: every seen ankle above its standing level by more than this many torso lengths. */
  threshold?: number;
  /** Take-off and landing are placed where the ankles cross this lift (torso lengths), interpolated. */
  edge?: number;
  /** Shortest flight reported, s. */
  minFlight?: number;
  /** Longest, s. */
  maxFlight?: number;
  /** Contact time and RSI when the previous landing is at most this long before take-off, s. */
  maxContact?: number;
  /** An ankle moving slower than this (torso lengths/s) is still: its standing level is the median over such frames. */
  stillSpeed?: number;
}

const DEFAULTS: Required<PoseJumpOptions> = {
  gravity: 9.81,
  minScore: 0.3,
  // An ankle rises about 0.2 torso lengths (~10 cm) with the heel before toe-off: the edge sits there.
  threshold: 0.3,
  edge: 0.2,
  minFlight: 0.1,
  maxFlight: 1.2,
  maxContact: 1,
  stillSpeed: 1,
};

const [KEYPOINTS, L_SHOULDER, R_SHOULDER, L_HIP, R_HIP, L_ANKLE, R_ANKLE] = [17, 5, 6, 11, 12, 15, 16];

/**
 * The jumps in a 2-D COCO-17 pose stream (image y grows down, as MoveNet's pixels): a flight is a
 * run of frames where every seen ankle (15, 16; score >= minScore, at least one seen) is above its
 * standing level (the median ankle height over still frames) by more than `threshold` torso
 * lengths (mid-shoulder to mid-hip, the median over frames that see all four points), and which
 * comes back down. Take-off and landing are where the lower ankle crosses `edge` torso lengths,
 * interpolated between frames; height by the flight-time method h = g t^2 / 8, which needs no
 * pixel-to-metre scale.
 *
 * Limits: the frame rate bounds the timing (at 30 fps take-off and landing each lie within
 * +-17 ms of a frame before interpolation, so a 0.40 s flight reads 0.367-0.433 s at worst: 16.5-23.0
 * cm for 19.6); the ankle rises with the heel before toe-off and the toes touch down before the
 * ankle returns, so the edges see the ankle, not the toe; a camera that is not level, an athlete
 * moving towards or away from it (the standing level moves in the image) or a long jump forward
 * bias the levels; a running stride with both feet off the ground is a flight too (no gait check);
 * MoveNet's keypoint jitter and motion blur at take-off add to all of it.
 */
export function detectPoseJumps(pose: PoseStream, options: PoseJumpOptions = {}): PoseJump[] {
  const o = { ...DEFAULTS, ...options };
  if (pose.joints !== 'coco17' || pose.dims !== 2)
    throw new Error(`detectPoseJumps(): needs a 2-D coco17 pose stream, got ${pose.dims}-D ${pose.joints}`);
  const { t, data, score } = pose;
  const n = t.length;
  if (n < 4) return [];
  const seen = (f: number, j: number) => (score?.[f * KEYPOINTS + j] ?? 1) >= o.minScore;
  const y = (f: number, j: number) => data[(f * KEYPOINTS + j) * 2 + 1] as number;
  const x = (f: number, j: number) => data[(f * KEYPOINTS + j) * 2] as number;

  const torso = torsoLength(n, seen, x, y);
  if (!(torso > 0)) return [];
  // Standing level per ankle: the median height over the frames where it is seen and still.
  const level = (j: number) => {
    const still: number[] = [];
    const all: number[] = [];
    for (let f = 0; f < n; f++) {
      if (!seen(f, j)) continue;
      all.push(y(f, j));
      const a = Math.max(0, f - 1);
      const b = Math.min(n - 1, f + 1);
      if (!seen(a, j) || !seen(b, j) || b === a) continue;
      const speed = Math.abs(y(b, j) - y(a, j)) / ((t[b] as number) - (t[a] as number)) / torso;
      if (speed < o.stillSpeed) still.push(y(f, j));
    }
    return median(still.length > 0 ? still : all);
  };
  const levels = [level(L_ANKLE), level(R_ANKLE)];
  // The lower seen ankle's lift in torso lengths (image y grows down); NaN where neither is seen.
  const lift = Float64Array.from({ length: n }, (_, f) => {
    let low = Infinity;
    [L_ANKLE, R_ANKLE].forEach((j, i) => {
      if (seen(f, j)) low = Math.min(low, ((levels[i] as number) - y(f, j)) / torso);
    });
    return Number.isFinite(low) ? low : NaN;
  });
  const frames = [...lift.keys()].filter((f) => Number.isFinite(lift[f] as number));

  const hipLevel = median(frames.filter((f) => (lift[f] as number) < o.edge && hipSeen(f)).map((f) => hipY(f)));
  function hipSeen(f: number) {
    return seen(f, L_HIP) && seen(f, R_HIP);
  }
  function hipY(f: number) {
    return (y(f, L_HIP) + y(f, R_HIP)) / 2;
  }
  // Where the lift crosses `level` between frames a and b (linear).
  const cross = (a: number, b: number, at: number) => {
    const la = lift[a] as number;
    const lb = lift[b] as number;
    const w = lb === la ? 0 : (at - la) / (lb - la);
    return (t[a] as number) + w * ((t[b] as number) - (t[a] as number));
  };

  const series = jointAngles(pose, { minScore: o.minScore });
  const anglesAtTime = (time: number): PoseJumpAngles => {
    const all = anglesAt(series, time);
    return Object.fromEntries(
      POSE_JUMP_ANGLES.map((name: JointAngleName) => [name, Number.isFinite(all[name]) ? all[name] : null]),
    ) as PoseJumpAngles;
  };

  const jumps: PoseJump[] = [];
  let previousLanding: number | undefined;
  let k = 0;
  while (k < frames.length) {
    if ((lift[frames[k] as number] as number) <= o.threshold) {
      k++;
      continue;
    }
    // A run above the threshold: frames[first..last].
    const first = k;
    while (k < frames.length && (lift[frames[k] as number] as number) > o.threshold) k++;
    const last = k - 1;
    // Out to the frames at or below the edge level on either side; a run at a stream end never came back (or never left).
    let before = first - 1;
    while (before >= 0 && (lift[frames[before] as number] as number) > o.edge) before--;
    let after = last + 1;
    while (after < frames.length && (lift[frames[after] as number] as number) > o.edge) after++;
    if (before < 0 || after >= frames.length) continue;
    const takeoff = cross(frames[before] as number, frames[before + 1] as number, o.edge);
    const landing = cross(frames[after - 1] as number, frames[after] as number, o.edge);
    const flightTime = landing - takeoff;
    if (flightTime < o.minFlight || flightTime > o.maxFlight) continue;
    const height = (o.gravity * flightTime * flightTime) / 8;
    const jump: PoseJump = {
      kind: 'jump',
      takeoff,
      landing,
      flightTime,
      height,
      angles: { takeoff: anglesAtTime(takeoff), landing: anglesAtTime(landing) },
    };
    let rise = -Infinity;
    for (let i = before + 1; i < after; i++) {
      const f = frames[i] as number;
      if (hipSeen(f)) rise = Math.max(rise, (hipLevel - hipY(f)) / torso);
    }
    if (Number.isFinite(rise)) jump.hipRise = rise;
    if (previousLanding !== undefined && takeoff - previousLanding <= o.maxContact) {
      jump.contactTime = takeoff - previousLanding;
      jump.rsi = height / jump.contactTime;
    }
    previousLanding = landing;
    jumps.push(jump);
    // The next run starts after this flight's landing.
    k = Math.max(k, after);
  }
  return jumps;
}

/** Mid-shoulder to mid-hip in pixels: the median over frames that see all four points (all frames if none does). */
function torsoLength(
  n: number,
  seen: (f: number, j: number) => boolean,
  x: (f: number, j: number) => number,
  y: (f: number, j: number) => number,
): number {
  const mid = (f: number, a: number, b: number, c: (f: number, j: number) => number) => (c(f, a) + c(f, b)) / 2;
  const length = (f: number) =>
    Math.hypot(
      mid(f, L_SHOULDER, R_SHOULDER, x) - mid(f, L_HIP, R_HIP, x),
      mid(f, L_SHOULDER, R_SHOULDER, y) - mid(f, L_HIP, R_HIP, y),
    );
  const all = Array.from({ length: n }, (_, f) => f);
  const full = all.filter((f) => [L_SHOULDER, R_SHOULDER, L_HIP, R_HIP].every((j) => seen(f, j)));
  return median((full.length > 0 ? full : all).map(length));
}

/** The middle value (mean of the two middle ones for an even count); NaN for none. */
function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const half = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[half] as number)
    : ((sorted[half - 1] as number) + (sorted[half] as number)) / 2;
}
