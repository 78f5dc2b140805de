import type { SeededRandom } from '../../../core/random.ts';
import type { BodyDimensions } from '../anthropometry.ts';
import { BODY_JOINTS, forwardKinematics, standingPose, type JointAngles } from '../body-model.ts';
import { sequencedBlend, type ContactPhase, type Phase } from '../motion.ts';

/** A subject's way of moving: multipliers around 1, fixed per subject. */
export interface Style {
  speed: number;
  amplitude: number;
  /** Take-off vertical velocity for jumps, m/s (about 2.0-3.0 in trained athletes). */
  takeoffVelocity: number;
  /** The throwing arm and kicking leg (0 left, 1 right). */
  dominant: 0 | 1;
}

/** What a motion program works with: the subject, and this take's draws around their style. */
export interface ProgramContext {
  dims: BodyDimensions;
  style: Style;
  rng: SeededRandom;
  /** This take's speed and amplitude (the subject's, varied a little). */
  speed: number;
  amp: number;
  /** x times a uniform draw in [1 - spread, 1 + spread]. */
  vary(x: number, spread?: number): number;
}

export function programContext(dims: BodyDimensions, style: Style, rng: SeededRandom): ProgramContext {
  const vary = (x: number, spread = 0.08) => x * rng.uniform(1 - spread, 1 + spread);
  return { dims, style, rng, speed: vary(style.speed, 0.05), amp: vary(style.amplitude, 0.05), vary };
}

/** The standing pose with `edit` applied: programs describe key poses as changes from standing. */
export function pose(edit: (p: JointAngles) => void): JointAngles {
  const p = standingPose();
  edit(p);
  return p;
}

/** Quiet standing for `duration` s (both feet). */
export function quiet(duration: number): Phase {
  return { kind: 'contact', feet: 'both', duration, to: standingPose(), ease: 'smooth', label: 'stand' };
}

export const SIDE = ['left', 'right'] as const;

/** A contact phase; `feet` as an index is single support on that foot. */
export function contact(
  feet: 'both' | 0 | 1,
  duration: number,
  to: JointAngles,
  label: string,
  extra: Partial<ContactPhase> = {},
): ContactPhase {
  return {
    kind: 'contact',
    feet: feet === 'both' ? 'both' : SIDE[feet],
    duration,
    to,
    ease: 'smooth',
    label,
    ...extra,
  };
}

/** d(pelvis position over the ball of foot `side`)/dw of the (sequenced) blend from -> to at w, along x (axis 0) or z (2). */
function pelvisRate(
  dims: BodyDimensions,
  from: JointAngles,
  to: JointAngles,
  w: number,
  side: 0 | 1,
  sequence: number,
  axis: 0 | 2 = 2,
): number {
  const toe = BODY_JOINTS.indexOf(side === 0 ? 'l_toe' : 'r_toe');
  const at = (x: number) =>
    -(
      forwardKinematics(dims, sequencedBlend(from, to, x, sequence), [0, 0, 0]).joints[toe] as [number, number, number]
    )[axis];
  const h = 1e-4;
  return w >= 1 ? (at(1) - at(1 - h)) / h : (at(w + h) - at(w)) / h;
}

/**
 * `to` with the supporting legs' hip flexion changed (by at most `reach` rad from the pose's
 * own) so that the blend from -> to moves the pelvis straight up or down at blend weight `at`
 * (1: the take-off, which then has no horizontal velocity in flight; 0: the first instant of a
 * landing, which then does not jerk the pelvis sideways). The root nearest the pose's own hip
 * angle is taken (bisection); with none in reach, the angle of least horizontal speed.
 */
export function verticalAt(
  dims: BodyDimensions,
  from: JointAngles,
  to: JointAngles,
  leg: 0 | 1 | undefined,
  at: 0 | 1,
  sequence: number,
  reach = 0.5,
): JointAngles {
  const side = leg ?? 0;
  const legs: number[] = leg === undefined ? [0, 1] : [leg];
  const withHip = (h: number): JointAngles => {
    const p: JointAngles = { ...to, hipFlex: [...to.hipFlex] as [number, number] };
    for (const i of legs) p.hipFlex[i] = h;
    return p;
  };
  const f = (h: number) => pelvisRate(dims, from, withHip(h), at, side, sequence, 0);
  const own = to.hipFlex[side] as number;
  // Scan outwards from the pose's own angle for the nearest sign change, then bisect it.
  const steps = 20;
  let best = own;
  let bestRate = Math.abs(f(own));
  for (let k = 1; k <= steps; k++) {
    for (const dir of [1, -1]) {
      const a = own + (dir * reach * (k - 1)) / steps;
      const b = own + (dir * reach * k) / steps;
      const fb = f(b);
      if (Math.abs(fb) < bestRate) [best, bestRate] = [b, Math.abs(fb)];
      if (Math.sign(f(a)) === Math.sign(fb)) continue;
      let [lo, hi] = [a, b];
      for (let i = 0; i < 40; i++) {
        const mid = (lo + hi) / 2;
        if (Math.sign(f(mid)) === Math.sign(f(lo))) lo = mid;
        else hi = mid;
      }
      return withHip((lo + hi) / 2);
    }
  }
  return withHip(best);
}
