import type { SeededRandom } from '../../core/random.ts';
import type { BodyDimensions } from './anthropometry.ts';
import type { Phase } from './motion.ts';
import { countermovementProgram } from './actions/countermovement.ts';
import { catchProgram, kickProgram, passProgram, throwProgram } from './actions/ball-skills.ts';
import { programContext, type ProgramContext, type Style } from './actions/program-context.ts';
import { lungeProgram, runProgram, sprintStartProgram } from './actions/stepping.ts';

export type { Style } from './actions/program-context.ts';

/**
 * The synthetic athlete's repertoire: the jump and its look-alikes (a one-leg hop, a squat with
 * the same dip, a lunge), travelling actions and ball skills. Each is a motion program: phases
 * between key poses, shaped by the subject's style and varied per take; durations in seconds.
 */
export const ACTIONS = [
  'jump',
  'hop',
  'squat',
  'lunge',
  'sprint_start',
  'run',
  'throw',
  'catch',
  'pass',
  'kick',
] as const;
export type Action = (typeof ACTIONS)[number];

export function drawStyle(rng: SeededRandom): Style {
  return {
    speed: rng.uniform(0.85, 1.15),
    amplitude: rng.uniform(0.85, 1.15),
    takeoffVelocity: rng.uniform(2.0, 2.8),
    dominant: rng.bernoulli(0.85) ? 1 : 0, // about one athlete in seven is left-sided
  };
}

const PROGRAMS: Record<Action, (ctx: ProgramContext) => Phase[]> = {
  jump: (ctx) => countermovementProgram('jump', ctx),
  hop: (ctx) => countermovementProgram('hop', ctx),
  squat: (ctx) => countermovementProgram('squat', ctx),
  lunge: lungeProgram,
  sprint_start: sprintStartProgram,
  run: runProgram,
  throw: throwProgram,
  catch: catchProgram,
  pass: passProgram,
  kick: kickProgram,
};

/** The phases of one take of `action`, starting from `standingPose()`. */
export function actionProgram(action: Action, style: Style, dims: BodyDimensions, rng: SeededRandom): Phase[] {
  const program = PROGRAMS[action];
  if (program === undefined)
    throw new Error(`actionProgram(): unknown action '${String(action)}'; known: ${ACTIONS.join(', ')}`);
  return program(programContext(dims, style, rng));
}
