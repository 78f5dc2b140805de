import { standingPose, type JointAngles } from '../body-model.ts';
import { pelvisRise, type Phase } from '../motion.ts';
import { contact, quiet, verticalAt, type ProgramContext } from './program-context.ts';

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
  // Push-off with the hips leading, landing with the knees and ankles leading (motion.ts,
  // sequencedBlend): with the take-off pose's hips chosen for a vertical take-off, the pelvis
  // then leaves from above the balls of the feet, as a balanced athlete does.
  const takeoff = verticalAt(dims, crouch, drive(leg), leg, 1, PUSH_OFF);
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
  const absorb = verticalAt(
    dims,
    takeoff,
    { ...dip(depth * vary(0.6), leg), shoulderFlex: [0.4, 0.4], elbowFlex: [0.4, 0.4] },
    leg,
    0,
    -PUSH_OFF,
  );
  const landTime = (2 * -pelvisRise(dims, takeoff, absorb, side)) / velocity;
  return [
    quiet(lead),
    ...(leg === undefined ? [] : [contact(leg, 0.2, dip(0.15, leg), 'lift')]),
    contact(feet, dipTime, crouch, 'countermovement'),
    contact(feet, driveTime, takeoff, 'propulsion', { pelvisProfile: 'launch', legSequence: PUSH_OFF }),
    { kind: 'flight', to: landing, lands: leg === 1 ? 'right' : 'left', label: 'flight' },
    contact(feet, landTime, absorb, 'landing', { pelvisProfile: 'absorb', legSequence: -PUSH_OFF }),
    contact(feet, vary(0.4 / speed), leg === undefined ? stand : dip(0.15, leg), 'recovery'),
    // After a hop the free foot comes down beside the other before both stand.
    ...(leg === undefined ? [] : [contact(leg, vary(0.3 / speed), stand, 'put-down', { plant: true })]),
    quiet(2),
  ];
}

/** How far the hips lead the knees and ankles in a push-off (sequencedBlend's c). */
const PUSH_OFF = 0.5;

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
  p.shoulderFlex = [-0.45 * depth, -0.45 * depth]; // arms swing back during the dip
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
    p.hipFlex[i] = 0.05;
    p.hipAbd[i] = 0;
    p.kneeFlex[i] = 0.4;
    p.footPitch[i] = 0.7;
  }
  if (oneLeg !== undefined) {
    const free = 1 - oneLeg;
    p.hipFlex[free] = 0.6;
    p.kneeFlex[free] = 1.2;
  }
  p.trunkFlex = 0.05;
  // Arms forward and up, not yet overhead: a swing of about 2 rad in the push-off peaks near
  // 12 rad/s at the shoulder, as in jumps with an arm swing (a full swing overhead in 0.25 s
  // would take 20 rad/s and saturate a wrist sensor at 16 g).
  p.shoulderFlex = [1.7, 1.7];
  p.elbowFlex = [0.3, 0.3];
  return p;
}
