import type { SeededRandom } from '../../../core/random.ts';
import type { BodyDimensions } from '../anthropometry.ts';
import { standingPose, type JointAngles } from '../body-model.ts';
import type { ContactPhase, Phase } from '../motion.ts';

/** A subject's way of moving: multipliers around 1, fixed per subject. */
export interface Style {
  speed: number;
  amplitude: number;
  /** Take-off vertical velocity for jumps, m/s (about 2.0-3.0 in trained athletes). */
  takeoffVelocity: number;
  /** The throwing arm and kicking leg (0 left, 1 right). */
  dominant: 0 | 1;
}

/** What a motion program works with: the subject, and this trial's draws around their style. */
export interface ProgramContext {
  dims: BodyDimensions;
  style: Style;
  rng: SeededRandom;
  /** This trial's speed and amplitude (the subject's, varied a little). */
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
export function contact(feet: 'both' | 0 | 1, duration: number, to: JointAngles, label: string, extra: Partial<ContactPhase> = {}): ContactPhase {
  return { kind: 'contact', feet: feet === 'both' ? 'both' : SIDE[feet], duration, to, ease: 'smooth', label, ...extra };
}
