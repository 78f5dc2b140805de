import type { JointAngles } from '../body-model.ts';
import type { Phase } from '../motion.ts';
import { contact, pose, quiet, SIDE, type ProgramContext } from './program-context.ts';

/**
 * Actions that travel on the feet: `lunge` (step forward, sink, push back), `sprint_start` (a
 * crouched set position, then driving steps without flight, body low) and `run` (strides with a
 * flight phase between single supports). Each step ends with the swinging foot set down on the
 * floor where it touched ('plant'), and the next single support pivots over it.
 */
export function lungeProgram(ctx: ProgramContext): Phase[] {
  const { rng, vary, speed, amp } = ctx;
  const front = rng.bernoulli(0.5) ? 1 : 0;
  const back = (1 - front) as 0 | 1;
  const stride = vary(0.75 * amp, 0.1);
  // Split stance: the front thigh forward, the back leg behind, on the back foot's ball.
  const split = (sink: number): JointAngles =>
    pose((p) => {
      p.hipFlex[front] = (0.45 * stride) / 0.75 + 0.85 * sink;
      p.kneeFlex[front] = 0.25 + 1.2 * sink;
      p.footPitch[front] = 0;
      p.hipFlex[back] = (-0.35 * stride) / 0.75;
      p.kneeFlex[back] = 0.15 + 1.0 * sink;
      p.footPitch[back] = 0.5 + 0.5 * sink;
      p.trunkFlex = 0.1;
      p.shoulderFlex = [0.15, 0.15];
      p.elbowFlex = [0.5, 0.5];
    });
  const sink = vary(0.9 * amp, 0.1);
  return [
    quiet(rng.uniform(0.1, 0.35)),
    contact(back, vary(0.45 / speed), split(0), 'step', { plant: true }),
    contact('both', vary(0.5 / speed), split(sink), 'descent', { anchor: SIDE[front] }),
    contact('both', vary(0.12 / speed), split(sink), 'bottom', { anchor: SIDE[front], ease: 'linear' }),
    contact('both', vary(0.45 / speed), split(0), 'ascent', { anchor: SIDE[front] }),
    contact(
      back,
      vary(0.4 / speed),
      pose(() => {}),
      'return',
      { plant: true },
    ),
    quiet(2),
  ];
}

/** A stride pose for single support on `stance`, `phase` 0 (foot strike) to 1 (push-off). */
function stridePose(stance: 0 | 1, phase: number, lean: number, reach: number, knee: number): JointAngles {
  const swing = (1 - stance) as 0 | 1;
  return pose((p) => {
    p.hipFlex[stance] = reach * (1 - phase) - 0.55 * reach * phase;
    p.kneeFlex[stance] = knee * Math.sin(Math.PI * phase) + 0.15;
    p.footPitch[stance] = phase < 0.5 ? 0 : 1.6 * (phase - 0.5);
    p.hipAbd[stance] = 0;
    p.hipFlex[swing] = -0.4 * reach * (1 - phase) + 1.1 * reach * phase;
    p.kneeFlex[swing] = 0.6 + 1.0 * Math.sin(Math.PI * Math.min(1, phase + 0.2));
    p.footPitch[swing] = 0.3;
    p.hipAbd[swing] = 0;
    p.trunkFlex = lean;
    // Arms swing opposite to the legs.
    p.shoulderFlex[stance] = 0.7 * (p.hipFlex[swing] as number);
    p.shoulderFlex[swing] = 0.7 * (p.hipFlex[stance] as number);
    p.elbowFlex = [1.5, 1.5];
    p.shoulderAbd = [0.1, 0.1];
  });
}

export function sprintStartProgram(ctx: ProgramContext): Phase[] {
  const { rng, vary, speed, amp, style } = ctx;
  const first = style.dominant;
  // The set position: a deep forward lean over bent legs, one arm forward, one back.
  const set = pose((p) => {
    p.hipFlex = [1.0 * amp, 1.0 * amp];
    p.kneeFlex = [0.9 * amp, 0.9 * amp];
    p.hipAbd = [0, 0];
    p.footPitch = [0.3, 0.3];
    p.trunkFlex = 0.45;
    p.shoulderFlex[first] = -0.7;
    p.shoulderFlex[1 - first] = 0.9;
    p.elbowFlex = [1.3, 1.3];
  });
  const phases: Phase[] = [
    quiet(rng.uniform(0.1, 0.3)),
    contact('both', vary(0.4 / speed), set, 'set'),
    contact('both', vary(0.25), set, 'hold', { ease: 'linear' }),
  ];
  // Driving steps, quicker and longer each time, the body low and rising; no flight yet. Each
  // step is its own smooth movement (the pelvis slows where the feet change over), which keeps
  // accelerations within what a pelvis sensor sees in a real start.
  let stance: 0 | 1 = first;
  for (let k = 0; k < 5; k++) {
    const lean = 0.5 - 0.06 * k;
    const step = stridePose(stance, 1, lean, vary(0.5 + 0.04 * k), 0.4);
    phases.push(contact(stance, vary((0.34 - 0.02 * k) / speed), step, `drive-${k + 1}`, { plant: true }));
    stance = (1 - stance) as 0 | 1;
  }
  phases.push(quiet(2));
  return phases;
}

/**
 * Running on the spot (as on a treadmill seen from beside it, without the belt): alternating
 * one-leg bounds, each landing absorbed and launched again with a flight between, arms pumping
 * against the legs.
 */
export function runProgram(ctx: ProgramContext): Phase[] {
  const { rng, vary, speed, amp } = ctx;
  let stance: 0 | 1 = rng.bernoulli(0.5) ? 1 : 0;
  const knee = vary(1.6 * amp);
  const runPose = (support: 0 | 1, bend: number): JointAngles =>
    pose((p) => {
      const swing = 1 - support;
      p.hipAbd = [0, 0];
      p.hipFlex[support] = 0.35 * bend;
      p.kneeFlex[support] = 0.1 + 0.6 * bend;
      p.footPitch[support] = 0.5 - 0.4 * bend;
      p.hipFlex[swing] = 0.7;
      p.kneeFlex[swing] = knee;
      p.footPitch[swing] = 0.6;
      p.trunkFlex = 0.12;
      p.shoulderFlex[support] = 0.7; // the arm opposite the swinging leg forward
      p.shoulderFlex[swing] = -0.5;
      p.elbowFlex = [1.6, 1.6];
    });
  const phases: Phase[] = [
    quiet(rng.uniform(0.05, 0.25)),
    contact(stance, vary(0.3 / speed), runPose(stance, 1), 'start'),
  ];
  const launch = vary(0.25 / speed);
  for (let k = 0; k < 8; k++) {
    const next = (1 - stance) as 0 | 1;
    phases.push(
      contact(stance, launch, runPose(stance, 0), 'push-off', { pelvisProfile: 'launch', pelvisVertical: true }),
    );
    phases.push({
      kind: 'flight',
      to: runPose(next, 0),
      lands: next === 0 ? 'left' : 'right',
      legs: 'swing',
      label: 'flight',
    });
    phases.push(contact(next, 0.15, runPose(next, 1), 'stance', { pelvisProfile: 'absorb', pelvisVertical: true }));
    stance = next;
  }
  phases.push(quiet(2));
  return phases;
}
