import { z } from 'zod';
import { UserError } from '../core/errors.ts';
import { SeededRandom } from '../core/random.ts';
import type { Sample } from '../core/sample.ts';
import { affineFrames } from './affine-frames.ts';
import { flipHorizontal } from './flip-horizontal.ts';
import { jitterImu } from './jitter-imu.ts';
import { jitterJoints } from './jitter-joints.ts';
import { rotateImu } from './rotate-imu.ts';
import { rotateSkeleton } from './rotate-skeleton.ts';
import { scaleImu } from './scale-imu.ts';
import { scaleSkeleton } from './scale-skeleton.ts';
import { shearSkeleton } from './shear-skeleton.ts';
import { timeWarpImu } from './time-warp-imu.ts';

const probability = z.number().min(0).max(1);
const atLeastZero = z.number().min(0).finite();
const lowHigh = z
  .tuple([z.number().positive().finite(), z.number().positive().finite()])
  .refine(([low, high]) => low <= high, 'must be [low, high] with low <= high');

/**
 * The augmentation chain and its defaults, the one place they are written. Each step runs with
 * its probability `p` (0 turns it off), in this order: geometry first (flip, affine, then the 3-D
 * skeleton's turn, scale, shear and its tracking noise), then the IMU steps, with added noise
 * last as a sensor's own noise sits on top of the motion. The skeleton steps are off unless
 * written, so chains written before them run as they did. The
 * defaults are moderate starting points, not tuned values. A flip assumes labels that do not
 * name a side (a left-foot kick would become a right-foot one).
 */
export const AUGMENT_CONFIG_SCHEMA = z
  .strictObject({
    flip: z.strictObject({ p: probability.default(0.5) }).prefault({}),
    affine: z
      .strictObject({
        p: probability.default(0.5),
        /** Largest |rotation|, degrees. */
        rotationDeg: atLeastZero.max(180).default(10),
        /** Largest |dx|, |dy|, pixels. */
        translate: z.tuple([atLeastZero, atLeastZero]).default([8, 8]),
        scale: lowHigh.default([0.9, 1.1]),
        /** 'edge' repeats border pixels; a number fills with that grey level. */
        fill: z.union([z.literal('edge'), z.number().min(0).max(255)]).default('edge'),
      })
      .prefault({}),
    // The 3-D skeleton steps, off unless written (absent, not p 0, so that a chain written before them
    // resolves as it did and trial ids stay); 2-D keypoints, video and IMUs pass them unchanged.
    rotateSkeleton: z
      .strictObject({
        p: probability.default(0.5),
        maxDeg: atLeastZero.max(180).default(30).describe('largest |turn| about the vertical, degrees'),
      })
      .optional()
      .describe('3-D skeletons turned about the vertical through the hip centre'),
    scaleSkeleton: z
      .strictObject({
        p: probability.default(0.5),
        range: lowHigh.default([0.9, 1.1]).describe('[low, high] of the one factor'),
      })
      .optional()
      .describe('3-D skeletons scaled about the hip centre'),
    shearSkeleton: z
      .strictObject({
        p: probability.default(0.5),
        max: atLeastZero.max(0.99).default(0.1).describe('largest |off-diagonal entry| of the shear matrix'),
      })
      .optional()
      .describe('3-D skeletons sheared about the hip centre'),
    jitterJoints: z
      .strictObject({
        p: probability.default(0.5),
        sd: atLeastZero.default(0.01).describe('sd of the noise, metres'),
      })
      .optional()
      .describe('Gaussian noise on every coordinate of every 3-D joint in every frame'),
    rotateImu: z.strictObject({ p: probability.default(0.5), maxDeg: atLeastZero.max(180).default(10) }).prefault({}),
    scaleImu: z.strictObject({ p: probability.default(0.5), range: lowHigh.default([0.9, 1.1]) }).prefault({}),
    timeWarpImu: z.strictObject({ p: probability.default(0.5), strength: atLeastZero.default(0.2) }).prefault({}),
    /** sd of added noise: m/s^2 on acc, rad/s on gyro. */
    jitterImu: z
      .strictObject({
        p: probability.default(0.5),
        sdAcc: atLeastZero.default(0.05),
        sdGyro: atLeastZero.default(0.01),
      })
      .prefault({}),
  })
  .prefault({});

/** A chain as written by the user: any step or field left out takes its default. */
export type AugmentConfigInput = z.input<typeof AUGMENT_CONFIG_SCHEMA>;
/** A chain with every default filled in. */
export type AugmentConfig = z.output<typeof AUGMENT_CONFIG_SCHEMA>;
export type AugmentStep = keyof AugmentConfig;

type StepRunner = (sample: Sample, config: AugmentConfig, rng: SeededRandom) => Sample;

/** The steps in the order they run (the schema's key order). */
const STEPS: readonly [AugmentStep, StepRunner][] = [
  ['flip', (s) => flipHorizontal(s)],
  ['affine', (s, { affine }, rng) => affineFrames(s, affine, rng)],
  ['rotateSkeleton', (s, { rotateSkeleton: c }, rng) => (c === undefined ? s : rotateSkeleton(s, c.maxDeg, rng))],
  ['scaleSkeleton', (s, { scaleSkeleton: c }, rng) => (c === undefined ? s : scaleSkeleton(s, c.range, rng))],
  ['shearSkeleton', (s, { shearSkeleton: c }, rng) => (c === undefined ? s : shearSkeleton(s, c.max, rng))],
  ['jitterJoints', (s, { jitterJoints: c }, rng) => (c === undefined ? s : jitterJoints(s, c.sd, rng))],
  ['rotateImu', (s, { rotateImu: c }, rng) => rotateImu(s, c.maxDeg, rng)],
  ['scaleImu', (s, { scaleImu: c }, rng) => scaleImu(s, c.range, rng)],
  ['timeWarpImu', (s, { timeWarpImu: c }, rng) => timeWarpImu(s, c.strength, rng)],
  ['jitterImu', (s, { jitterImu: c }, rng) => jitterImu(s, c.sdAcc, c.sdGyro, rng)],
];

/** The config with defaults filled in; a bad field is a UserError naming its path. */
export function resolveAugmentConfig(config: AugmentConfigInput = {}): AugmentConfig {
  const parsed = AUGMENT_CONFIG_SCHEMA.safeParse(config);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) =>
      issue.path.length === 0 ? issue.message : `${issue.path.join('.')}: ${issue.message}`,
    );
    throw new UserError(
      `augmentation config: ${problems.join('; ')}`,
      `The steps are ${STEPS.map(([step]) => step).join(', ')}; their fields and defaults are in AUGMENT_CONFIG_SCHEMA (src/augment/augment-sample.ts).`,
    );
  }
  return parsed.data;
}

/**
 * A new Sample with the configured chain applied; `meta.augmentations` lists the steps that ran.
 * One number is drawn from `rng` per call (so each call, e.g. each epoch, augments afresh), and
 * each step draws from its own fork of it: a change to one step's draws leaves the others'.
 */
export function augmentSample(sample: Sample, config: AugmentConfigInput, rng: SeededRandom): Sample {
  const resolved = resolveAugmentConfig(config);
  const draws = new SeededRandom(Math.floor(rng.next() * 2 ** 53));
  let out = sample;
  const applied: AugmentStep[] = [];
  for (const [step, run] of STEPS) {
    const stepRng = draws.fork(step);
    if (!stepRng.bernoulli(resolved[step]?.p ?? 0)) continue;
    out = run(out, resolved, stepRng);
    applied.push(step);
  }
  const earlier = Array.isArray(sample.meta.augmentations) ? (sample.meta.augmentations as string[]) : [];
  return { ...out, meta: { ...out.meta, augmentations: [...earlier, ...applied] } };
}
