import type { SeededRandom } from '../../core/random.ts';
import type { BodyDimensions } from './anthropometry.ts';
import { BODY_JOINTS, blendPoses, forwardKinematics, standingPose, type JointAngles } from './body-model.ts';
import type { Phase } from './motion.ts';

/**
 * Motion programs: each action as phases between key poses, shaped by the subject's style and
 * varied per trial. So far the countermovement family, the jump and its two closest confusers:
 * `jump` (both feet: dip, drive, flight, land), `hop` (the same on one leg) and `squat` (the same
 * dip, no flight). Durations in seconds.
 */
export const ACTIONS = ['jump', 'hop', 'squat'] as const;
export type Action = (typeof ACTIONS)[number];

/** A subject's way of moving: multipliers around 1, fixed per subject. */
export interface Style {
  speed: number;
  amplitude: number;
  /** Take-off vertical velocity for jumps, m/s (about 2.0-3.0 in trained athletes). */
  takeoffVelocity: number;
}

export function drawStyle(rng: SeededRandom): Style {
  return { speed: rng.uniform(0.85, 1.15), amplitude: rng.uniform(0.85, 1.15), takeoffVelocity: rng.uniform(2.0, 2.8) };
}

/** The phases of one trial of `action`, starting from `standingPose()`. */
export function actionProgram(action: Action, style: Style, dims: BodyDimensions, rng: SeededRandom): Phase[] {
  const vary = (x: number, spread = 0.08) => x * rng.uniform(1 - spread, 1 + spread);
  const speed = vary(style.speed, 0.05);
  const amp = vary(style.amplitude, 0.05);
  const stand = standingPose();
  const quiet = (d: number): Phase => ({ kind: 'contact', feet: 'both', duration: d, to: stand, ease: 'smooth', label: 'stand' });
  const dip = (depth: number, oneLeg: 0 | 1 | undefined): JointAngles => {
    const p = standingPose();
    const legs: number[] = oneLeg === undefined ? [0, 1] : [oneLeg];
    for (const i of legs) {
      p.hipFlex[i] = 1.05 * depth;
      p.kneeFlex[i] = 1.35 * depth;
      p.footPitch[i] = 0;
    }
    if (oneLeg !== undefined) {
      const free = 1 - oneLeg;
      p.hipFlex[free] = 0.5;
      p.kneeFlex[free] = 1.2;
    }
    p.trunkFlex = 0.55 * depth;
    p.shoulderFlex = [-0.7 * depth, -0.7 * depth]; // arms swing back during the dip
    p.elbowFlex = [0.2, 0.2];
    return p;
  };
  const drive = (oneLeg: 0 | 1 | undefined): JointAngles => {
    const p = standingPose();
    const legs: number[] = oneLeg === undefined ? [0, 1] : [oneLeg];
    for (const i of legs) {
      // Take-off a little before full extension: the legs still extend fast there, so the pelvis
      // rises fast (at full extension its vertical speed from the knee and hip would vanish).
      p.hipFlex[i] = 0.2;
      p.kneeFlex[i] = 0.3;
      p.footPitch[i] = 0.6; // on the balls of the feet
    }
    if (oneLeg !== undefined) {
      const free = 1 - oneLeg;
      p.hipFlex[free] = 0.6;
      p.kneeFlex[free] = 1.2;
    }
    p.trunkFlex = 0.05;
    p.shoulderFlex = [2.4, 2.4]; // arms swing up
    p.elbowFlex = [0.3, 0.3];
    return p;
  };

  const lead = rng.uniform(0.15, 0.45);
  const depth = vary(0.75 * amp);
  const dipTime = vary(0.45 / speed);
  if (action === 'squat') {
    const bottom = dip(vary(1.0 * amp), undefined);
    return [
      quiet(lead),
      { kind: 'contact', feet: 'both', duration: vary(0.55 / speed), to: bottom, ease: 'smooth', label: 'descent' },
      { kind: 'contact', feet: 'both', duration: vary(0.15 / speed), to: bottom, ease: 'linear', label: 'bottom' },
      { kind: 'contact', feet: 'both', duration: vary(0.6 / speed), to: stand, ease: 'smooth', label: 'ascent' },
      quiet(2),
    ];
  }
  const leg = action === 'hop' ? (rng.bernoulli(0.5) ? 0 : 1) : undefined;
  const feet = leg === undefined ? 'both' : leg === 0 ? 'left' : 'right';
  const crouch = dip(depth, leg);
  const takeoff = uprightTakeoff(dims, crouch, drive(leg), leg);
  // The drive ends at its fastest (ease 'accelerate': dw/dt = 2 / T at the end), so its duration
  // sets the take-off velocity: v = (dz/dw at w = 1) x 2 / T, z the pelvis height over the ball
  // of the foot. The landing ('decelerate', dw/dt = 2 / T at the start) is timed the same way to
  // meet the landing velocity, so the feet touch down without an impact step in the pelvis.
  const velocity = vary(style.takeoffVelocity * (leg === undefined ? 1 : 0.6), 0.06);
  // With ease 'accelerate' the pelvis's vertical speed at blend weight w is (dz/dw) x 2w / T; the
  // feet leave the floor near its peak (see simulateMotion), so T = 2 max_w (w dz/dw) / v.
  let peak = 0;
  for (let w = 0.05; w <= 1; w += 0.05) peak = Math.max(peak, w * pelvisRate(dims, crouch, takeoff, w, leg ?? 0));
  const driveTime = Math.max(0.08, (2 * peak) / velocity);
  // Landing mirrors the drive (same leg poses, same duration), so the pelvis meets the floor
  // with the velocity it left with, reversed, which is what the ballistic flight delivers.
  const landing: JointAngles = { ...takeoff, shoulderFlex: [0.6, 0.6] };
  const absorb = crouch;
  const landTime = driveTime;
  return [
    quiet(lead),
    ...(leg === undefined ? [] : [{ kind: 'contact', feet, duration: 0.2, to: dip(0.15, leg), ease: 'smooth', label: 'lift' } as Phase]),
    { kind: 'contact', feet, duration: dipTime, to: crouch, ease: 'smooth', label: 'countermovement' },
    { kind: 'contact', feet, duration: driveTime, to: takeoff, ease: 'accelerate', label: 'propulsion' },
    { kind: 'flight', to: landing, lands: leg === 1 ? 'right' : 'left', label: 'flight' },
    { kind: 'contact', feet, duration: landTime, to: absorb, ease: 'decelerate', label: 'landing' },
    { kind: 'contact', feet, duration: vary(0.4 / speed), to: leg === undefined ? stand : dip(0.15, leg), ease: 'smooth', label: 'recovery' },
    quiet(2),
  ];
}

/** d(pelvis position over the ball of foot `side`)/dw of the blend from -> to at w, along x (axis 0) or z (2). */
function pelvisRate(dims: BodyDimensions, from: JointAngles, to: JointAngles, w: number, side: 0 | 1, axis: 0 | 2 = 2): number {
  const toe = BODY_JOINTS.indexOf(side === 0 ? 'l_toe' : 'r_toe');
  const at = (x: number) => -((forwardKinematics(dims, blendPoses(from, to, x), [0, 0, 0]).joints[toe] as [number, number, number])[axis]);
  const h = 1e-4;
  return w >= 1 ? (at(1) - at(1 - h)) / h : (at(w + h) - at(w)) / h;
}

/**
 * The take-off pose with its hip flexion chosen (bisection) so that the pelvis leaves the floor
 * moving straight up: no horizontal velocity in flight to be stopped at landing in one sample.
 */
function uprightTakeoff(dims: BodyDimensions, crouch: JointAngles, takeoff: JointAngles, leg: 0 | 1 | undefined): JointAngles {
  const side = leg ?? 0;
  const legs: number[] = leg === undefined ? [0, 1] : [leg];
  const withHip = (h: number): JointAngles => {
    const p: JointAngles = { ...takeoff, hipFlex: [...takeoff.hipFlex] as [number, number] };
    for (const i of legs) p.hipFlex[i] = h;
    return p;
  };
  const f = (h: number) => pelvisRate(dims, crouch, withHip(h), 1, side, 0);
  let [lo, hi] = [-0.4, 0.9];
  if (Math.sign(f(lo)) === Math.sign(f(hi))) return takeoff;
  for (let k = 0; k < 40; k++) {
    const mid = (lo + hi) / 2;
    if (Math.sign(f(mid)) === Math.sign(f(lo))) lo = mid;
    else hi = mid;
  }
  return withHip((lo + hi) / 2);
}
