import { blendPoses, forwardKinematics, BODY_JOINTS, standingPose, type JointAngles } from '../body-model.ts';
import type { BodyDimensions } from '../anthropometry.ts';
import { pelvisRise, type Phase } from '../motion.ts';
import { contact, quiet, type ProgramContext } from './program-context.ts';

/**
 * The countermovement family, the jump and its two closest look-alikes: `jump` (both feet: dip,
 * drive, flight, land), `hop` (the same on one leg) and `squat` (the same dip, no flight).
 */
export function countermovementProgram(action: 'jump' | 'hop' | 'squat', ctx: ProgramContext): Phase[] {
  const { dims, rng, vary, speed, amp, style } = ctx;
  const stand = standingPose();
  const lead = rng.uniform(0.15, 0.45);
  const depth = vary(1.1 * amp);
  const dipTime = vary(0.45 / speed);
  if (action === 'squat') {
    const bottom = dip(vary(1.3 * amp), undefined);
    return [
      quiet(lead),
      contact('both', vary(0.55 / speed), bottom, 'descent'),
      contact('both', vary(0.15 / speed), bottom, 'bottom', { ease: 'linear' }),
      contact('both', vary(0.6 / speed), stand, 'ascent'),
      quiet(2),
    ];
  }
  const leg = action === 'hop' ? (rng.bernoulli(0.5) ? 0 : 1) : undefined;
  const feet = leg ?? 'both';
  const crouch = dip(depth, leg);
  const takeoff = verticalAt(dims, crouch, drive(leg), leg, 1);
  // Propulsion: the pelvis rises by `rise` and leaves the floor at the requested vertical velocity;
  // with the 'launch' profile v_end = 2 rise / T. Peak acceleration is then pi v^2 / (4 rise),
  // 1.3-1.6 g for a 2.5 m/s take-off from a 35 cm dip: about 2.5 body weights on the floor, as
  // force plates show. The landing absorbs the same speed over a shallower bend (a stiffer
  // landing, as athletes land: higher peak force).
  const velocity = vary(style.takeoffVelocity * (leg === undefined ? 1 : 0.6), 0.06);
  const side = leg ?? 0;
  const driveTime = (2 * pelvisRise(dims, crouch, takeoff, side)) / velocity;
  const landing: JointAngles = { ...takeoff, shoulderFlex: [0.6, 0.6] };
  // Arms stay forward through the landing (no fast swing back in a 0.1 s absorption).
  const absorb = verticalAt(dims, takeoff, { ...dip(depth * vary(0.6), leg), shoulderFlex: [0.4, 0.4], elbowFlex: [0.4, 0.4] }, leg, 0);
  const landTime = (2 * -pelvisRise(dims, takeoff, absorb, side)) / velocity;
  return [
    quiet(lead),
    ...(leg === undefined ? [] : [contact(leg, 0.2, dip(0.15, leg), 'lift')]),
    contact(feet, dipTime, crouch, 'countermovement'),
    contact(feet, driveTime, takeoff, 'propulsion', { pelvisProfile: 'launch' }),
    { kind: 'flight', to: landing, lands: leg === 1 ? 'right' : 'left', label: 'flight' },
    contact(feet, landTime, absorb, 'landing', { pelvisProfile: 'absorb' }),
    contact(feet, vary(0.4 / speed), leg === undefined ? stand : dip(0.15, leg), 'recovery'),
    // After a hop the free foot comes down beside the other before both stand.
    ...(leg === undefined ? [] : [contact(leg, vary(0.3 / speed), stand, 'put-down', { plant: true })]),
    quiet(2),
  ];
}

/** The bottom of the countermovement, both legs or one (the other held up, bent). */
function dip(depth: number, oneLeg: 0 | 1 | undefined): JointAngles {
  const p = standingPose();
  const legs: number[] = oneLeg === undefined ? [0, 1] : [oneLeg];
  for (const i of legs) {
    p.hipFlex[i] = 1.05 * depth;
    p.hipAbd[i] = 0; // legs in the sagittal plane: no sideways pelvis speed at take-off or landing
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
}

/** The take-off pose: on the balls of the feet, arms swung up. */
function drive(oneLeg: 0 | 1 | undefined): JointAngles {
  const p = standingPose();
  const legs: number[] = oneLeg === undefined ? [0, 1] : [oneLeg];
  for (const i of legs) {
    // Take-off a little before full extension: the legs still extend fast there, so the pelvis
    // rises fast (at full extension its vertical speed from the knee and hip would vanish).
    p.hipFlex[i] = 0.2;
    p.hipAbd[i] = 0;
    p.kneeFlex[i] = 0.3;
    p.footPitch[i] = 0.6;
  }
  if (oneLeg !== undefined) {
    const free = 1 - oneLeg;
    p.hipFlex[free] = 0.6;
    p.kneeFlex[free] = 1.2;
  }
  p.trunkFlex = 0.05;
  p.shoulderFlex = [2.4, 2.4];
  p.elbowFlex = [0.3, 0.3];
  return p;
}

/** d(pelvis position over the ball of foot `side`)/dw of the blend from -> to at w, along x (axis 0) or z (2). */
function pelvisRate(dims: BodyDimensions, from: JointAngles, to: JointAngles, w: number, side: 0 | 1, axis: 0 | 2 = 2): number {
  const toe = BODY_JOINTS.indexOf(side === 0 ? 'l_toe' : 'r_toe');
  const at = (x: number) => -((forwardKinematics(dims, blendPoses(from, to, x), [0, 0, 0]).joints[toe] as [number, number, number])[axis]);
  const h = 1e-4;
  return w >= 1 ? (at(1) - at(1 - h)) / h : (at(w + h) - at(w)) / h;
}

/**
 * `to` with the supporting legs' hip flexion chosen (bisection) so that the blend from -> to
 * moves the pelvis straight up or down at blend weight `at` (1: the take-off, which then has no
 * horizontal velocity in flight; 0: the first instant of a landing, which then does not jerk the
 * pelvis sideways in one sample).
 */
function verticalAt(dims: BodyDimensions, from: JointAngles, to: JointAngles, leg: 0 | 1 | undefined, at: 0 | 1): JointAngles {
  const side = leg ?? 0;
  const legs: number[] = leg === undefined ? [0, 1] : [leg];
  const withHip = (h: number): JointAngles => {
    const p: JointAngles = { ...to, hipFlex: [...to.hipFlex] as [number, number] };
    for (const i of legs) p.hipFlex[i] = h;
    return p;
  };
  const f = (h: number) => pelvisRate(dims, from, withHip(h), at, side, 0);
  let [lo, hi] = [-0.4, 0.9];
  if (Math.sign(f(lo)) === Math.sign(f(hi))) return to;
  for (let k = 0; k < 40; k++) {
    const mid = (lo + hi) / 2;
    if (Math.sign(f(mid)) === Math.sign(f(lo))) lo = mid;
    else hi = mid;
  }
  return withHip((lo + hi) / 2);
}
