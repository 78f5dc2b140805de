import type { JointAngles } from '../body-model.ts';
import type { Phase } from '../motion.ts';
import { contact, pose, quiet, SIDE, type ProgramContext } from './program-context.ts';

/**
 * Ball skills: `throw` (overhand, with a stride onto the front foot), `catch` (two hands reach,
 * then give with the ball), `pass` (two-handed chest pass with a step) and `kick` (plant the
 * support foot, swing the dominant leg through). The fast segments (throwing forearm, kicking
 * shank) reach 1000-2000 deg/s, where a 2000 deg/s gyroscope starts to saturate, as in real use.
 */
export function throwProgram(ctx: ProgramContext): Phase[] {
  const { rng, vary, speed, amp, style } = ctx;
  const arm = style.dominant;
  const front = (1 - arm) as 0 | 1; // step with the opposite foot
  const stance = (p: JointAngles, stride: number) => {
    p.hipFlex[front] = 0.45 * stride;
    p.kneeFlex[front] = 0.35;
    p.footPitch[front] = 0;
    p.hipFlex[arm] = -0.3 * stride;
    p.kneeFlex[arm] = 0.2;
    p.footPitch[arm] = 0.4;
    p.hipAbd = [0, 0];
  };
  const twist = arm === 1 ? 1 : -1; // positive twist turns the chest left: a right arm winds up with negative twist
  const cocked = pose((p) => {
    stance(p, 1);
    p.trunkTwist = -0.6 * twist * amp;
    p.trunkFlex = -0.1;
    p.shoulderFlex[arm] = 2.6;
    p.shoulderAbd[arm] = 0.5;
    p.elbowFlex[arm] = 1.9;
    p.shoulderFlex[front] = 1.2; // the glove arm points at the target
    p.elbowFlex[front] = 0.4;
  });
  const release = pose((p) => {
    stance(p, 1);
    p.trunkTwist = 0.4 * twist * amp;
    p.trunkFlex = 0.35;
    p.shoulderFlex[arm] = 1.5;
    p.shoulderAbd[arm] = 0.3;
    p.elbowFlex[arm] = 0.15;
    p.shoulderFlex[front] = 0.2;
    p.elbowFlex[front] = 1.4;
  });
  const follow = pose((p) => {
    stance(p, 1);
    p.trunkTwist = 0.6 * twist;
    p.trunkFlex = 0.55;
    p.shoulderFlex[arm] = 0.4;
    p.shoulderAbd[arm] = 0.1;
    p.elbowFlex[arm] = 0.5;
    p.shoulderFlex[front] = -0.2;
    p.elbowFlex[front] = 1.2;
  });
  return [
    quiet(rng.uniform(0.1, 0.4)),
    contact(arm, vary(0.55 / speed), cocked, 'stride', { plant: true }),
    contact('both', vary(0.16 / speed), release, 'acceleration', { anchor: SIDE[front], ease: 'accelerate' }),
    contact('both', vary(0.35 / speed), follow, 'follow-through', { anchor: SIDE[front], ease: 'decelerate' }),
    contact(
      'both',
      vary(0.5 / speed),
      pose((p) => stance(p, 1)),
      'recovery',
      { anchor: SIDE[front] },
    ),
    contact(
      front,
      vary(0.4 / speed),
      pose(() => {}),
      'return',
      { plant: true },
    ),
    quiet(2),
  ];
}

export function catchProgram(ctx: ProgramContext): Phase[] {
  const { rng, vary, speed, amp } = ctx;
  const high = rng.bernoulli(0.4); // an overhead catch or one at chest height
  const ready = pose((p) => {
    p.hipFlex = [0.3, 0.3];
    p.kneeFlex = [0.35, 0.35];
    p.trunkFlex = 0.2;
    p.shoulderFlex = [0.8, 0.8];
    p.elbowFlex = [1.2, 1.2];
  });
  const reach = pose((p) => {
    p.hipFlex = [0.15, 0.15];
    p.kneeFlex = [0.15, 0.15];
    p.footPitch = high ? [0.4, 0.4] : [0, 0];
    p.trunkFlex = high ? -0.05 : 0.15;
    p.shoulderFlex = high ? [2.7, 2.7] : [1.45 * amp, 1.45 * amp];
    p.shoulderAbd = [0.15, 0.15];
    p.elbowFlex = [0.25, 0.25];
  });
  const give = pose((p) => {
    p.hipFlex = [0.45, 0.45];
    p.kneeFlex = [0.55, 0.55];
    p.trunkFlex = 0.1;
    p.shoulderFlex = [0.5, 0.5];
    p.shoulderAbd = [0.2, 0.2];
    p.elbowFlex = [2.1, 2.1];
  });
  return [
    quiet(rng.uniform(0.1, 0.3)),
    contact('both', vary(0.35 / speed), ready, 'ready'),
    contact('both', vary(0.3 / speed), ready, 'track', { ease: 'linear' }),
    contact('both', vary(0.3 / speed), reach, 'reach'),
    contact('both', vary(0.2 / speed), give, 'catch'),
    contact('both', vary(0.35 / speed), give, 'secure', { ease: 'linear' }),
    contact(
      'both',
      vary(0.5 / speed),
      pose((p) => {
        p.shoulderFlex = [0.4, 0.4];
        p.elbowFlex = [1.6, 1.6];
      }),
      'recovery',
    ),
    quiet(2),
  ];
}

export function passProgram(ctx: ProgramContext): Phase[] {
  const { rng, vary, speed, amp } = ctx;
  const front = rng.bernoulli(0.5) ? 1 : 0;
  const back = (1 - front) as 0 | 1;
  const chest = pose((p) => {
    p.hipFlex = [0.2, 0.2];
    p.kneeFlex = [0.25, 0.25];
    p.trunkFlex = 0.1;
    p.shoulderFlex = [0.35, 0.35];
    p.shoulderAbd = [0.45, 0.45];
    p.elbowFlex = [2.2, 2.2];
  });
  const stepped = (arms: (p: JointAngles) => void) =>
    pose((p) => {
      p.hipFlex[front] = 0.45;
      p.kneeFlex[front] = 0.4;
      p.hipFlex[back] = -0.25;
      p.kneeFlex[back] = 0.2;
      p.footPitch[back] = 0.4;
      p.hipAbd = [0, 0];
      p.trunkFlex = 0.2;
      arms(p);
    });
  const loaded = stepped((p) => {
    p.shoulderFlex = [0.3, 0.3];
    p.shoulderAbd = [0.5, 0.5];
    p.elbowFlex = [2.3, 2.3];
  });
  const extended = stepped((p) => {
    p.shoulderFlex = [1.45 * amp, 1.45 * amp];
    p.shoulderAbd = [0.1, 0.1];
    p.elbowFlex = [0.05, 0.05];
    p.trunkFlex = 0.3;
  });
  return [
    quiet(rng.uniform(0.1, 0.3)),
    contact('both', vary(0.4 / speed), chest, 'hold'),
    contact(back, vary(0.4 / speed), loaded, 'step', { plant: true }),
    contact('both', vary(0.15 / speed), extended, 'push', { anchor: SIDE[front], ease: 'accelerate' }),
    contact('both', vary(0.3 / speed), extended, 'follow-through', { anchor: SIDE[front], ease: 'linear' }),
    contact(
      'both',
      vary(0.5 / speed),
      stepped(() => {}),
      'recovery',
      { anchor: SIDE[front] },
    ),
    quiet(2),
  ];
}

export function kickProgram(ctx: ProgramContext): Phase[] {
  const { rng, vary, speed, amp, style } = ctx;
  const kicker = style.dominant;
  const support = (1 - kicker) as 0 | 1;
  // Approach: step onto the support foot, the kicking leg left behind.
  const planted = pose((p) => {
    p.hipFlex[support] = 0.35;
    p.kneeFlex[support] = 0.35;
    p.hipFlex[kicker] = -0.35;
    p.kneeFlex[kicker] = 0.3;
    p.footPitch[kicker] = 0.6;
    p.hipAbd = [0, 0];
    p.trunkFlex = 0.1;
  });
  const backswing = pose((p) => {
    p.hipFlex[support] = 0.2;
    p.kneeFlex[support] = 0.35;
    p.hipFlex[kicker] = -0.5 * amp;
    p.kneeFlex[kicker] = 1.7;
    p.footPitch[kicker] = 1.2;
    p.hipAbd = [0, 0.05];
    p.trunkFlex = -0.05;
    p.shoulderAbd[support] = 0.9; // the opposite arm out for balance
    p.shoulderFlex[kicker] = -0.3;
  });
  const contactPose = pose((p) => {
    p.hipFlex[support] = 0.15;
    p.kneeFlex[support] = 0.3;
    p.hipFlex[kicker] = 0.9 * amp;
    p.kneeFlex[kicker] = 0.25;
    p.footPitch[kicker] = 0.9;
    p.trunkFlex = -0.15;
    p.shoulderAbd[support] = 0.7;
    p.shoulderFlex[kicker] = 0.6;
  });
  const follow = pose((p) => {
    p.hipFlex[support] = 0.15;
    p.kneeFlex[support] = 0.25;
    p.footPitch[support] = 0.3;
    p.hipFlex[kicker] = 1.4 * amp;
    p.kneeFlex[kicker] = 0.35;
    p.footPitch[kicker] = 1.1;
    p.trunkFlex = -0.25;
    p.shoulderAbd[support] = 0.5;
    p.shoulderFlex[kicker] = 0.8;
  });
  return [
    quiet(rng.uniform(0.1, 0.3)),
    contact(kicker, vary(0.4 / speed), planted, 'approach', { plant: true }),
    contact(support, vary(0.25 / speed), backswing, 'backswing'),
    contact(support, vary(0.14 / speed), contactPose, 'strike', { ease: 'accelerate' }),
    contact(support, vary(0.25 / speed), follow, 'follow-through', { ease: 'decelerate' }),
    contact(
      support,
      vary(0.45 / speed),
      pose(() => {}),
      'return',
      { plant: true },
    ),
    quiet(2),
  ];
}
