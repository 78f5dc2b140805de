import { z } from 'zod';
import { AUGMENT_CONFIG_SCHEMA } from '../augment/augment-sample.ts';
import { PLACEMENTS } from '../core/stream.ts';
import { JUMP_PLACEMENTS } from '../biomech/detect-jumps.ts';
import { datasetEntries } from '../data/dataset-registry.ts';
import { MODELS, type ModelSpec } from '../models/model-registry.ts';
import { PAPER_TRAINING } from '../train/paper-training.ts';
import { POSE_FEATURES, POSE_NORMALISATIONS, SYNTHETIC_INPUTS } from '../inputs/input-spec.ts';

/**
 * The experiment file, the one place its fields, ranges and defaults are written. Every object is
 * strict (an unknown key is an error); the type of a loaded experiment is `z.output` of this
 * schema, and each run saves that resolved form. `motionfuse schema` writes it as JSON Schema.
 */

const positiveInt = z.number().int().positive();
const defaults = SYNTHETIC_INPUTS;

/** Key frames by frame difference D_i, with the threshold per clip. */
const KEYFRAMES_SCHEMA = z.discriminatedUnion('kind', [
  z
    .strictObject({ kind: z.literal('adaptive'), k: z.number().default(0.5) })
    .describe('D_i > mean + k std of this clip'),
  z.strictObject({ kind: z.literal('fixed'), value: z.number().positive() }).describe('D_i > value (RMS grey levels)'),
  z.strictObject({ kind: z.literal('top') }).describe('the `count` frames with the largest D_i'),
]);

const INPUTS_SCHEMA = z
  .strictObject({
    imu: z
      .strictObject({
        placements: z
          .array(z.enum([...PLACEMENTS, 'any']))
          .min(1)
          .default([...(defaults.imu?.placements ?? [])])
          .describe("where the IMUs the models read are worn; 'any': the sample's one IMU wherever worn (UTD-MHAD)"),
        rate: z
          .number()
          .positive()
          .default(defaults.imu?.rate ?? 100)
          .describe('Hz the IMU streams are resampled to'),
        window: z
          .number()
          .positive()
          .default(defaults.imu?.window ?? 2)
          .describe('seconds from the first sample'),
        span: z
          .enum(['window', 'recording'])
          .optional()
          .describe(
            "'window' (default): `window` s from the first sample; 'recording': the whole recording time-normalised onto rate x window steps (data sets of trimmed actions)",
          ),
      })
      .prefault({}),
    video: z
      .strictObject({
        count: z
          .number()
          .int()
          .min(2)
          .default(defaults.video?.count ?? 8)
          .describe('key frames per clip'),
        size: z
          .number()
          .int()
          .min(8)
          .max(512)
          .default(defaults.video?.size ?? 56)
          .describe('square side in pixels'),
        keyframes: KEYFRAMES_SCHEMA.default({ kind: 'adaptive', k: 0.5 }),
        fill: z
          .enum(['sample', 'pad'])
          .default('sample')
          .describe('with too few key frames: sample evenly from the clip, or repeat the last'),
        crop: z.enum(['person', 'frame']).default('person'),
      })
      .prefault({}),
    backbone: z
      .strictObject({
        model: z
          .string()
          .min(1)
          .default('movenet-lightning')
          .describe("'movenet-lightning' or the path of a TensorFlow.js model.json"),
        node: z.string().optional(),
        inputSize: positiveInt.optional(),
        pixels: z.enum(['int32', 'unit', 'signed']).optional(),
      })
      .prefault({}),
    pose: z
      .strictObject({
        frames: positiveInt.default(30),
        joints: z
          .enum(['coco17', 'kinect20'])
          .default('coco17')
          .describe(
            'coco17: 2-D image keypoints with scores; kinect20: a 3-D skeleton in metres, centred on the hip, frames taken evenly over the recording',
          ),
        features: z
          .array(z.enum(POSE_FEATURES))
          .min(1)
          .refine((l) => new Set(l).size === l.length, { message: 'lists one twice' })
          .default(['position'])
          .describe(
            "per joint, these side by side in this order: position; velocity (change since the previous input frame, 0 in the first); bone (from the joint's parent in the skeleton tree). Input [frames, joints x channels], each joint's channels together (coco17: x, y per feature, then the score)",
          ),
        normalise: z
          .enum(POSE_NORMALISATIONS)
          .default('none')
          .describe(
            'none: positions as read; body: centred on the hips in every frame and divided by one body size per trial (kinect20: median hip-centre to shoulder-centre distance; coco17: median mid-hip to mid-shoulder distance)',
          ),
      })
      .prefault({}),
    depthMaps: z
      .strictObject({
        size: z
          .number()
          .int()
          .min(8)
          .max(256)
          .default(64)
          .describe(
            'square side in pixels of each depth motion map (front, side, top: the three channels of one [size, size, 3] input)',
          ),
      })
      .prefault({})
      .describe(
        "depth motion maps of the depth video (UTD-MHAD's Kinect depth): each view's motion summed over the take, cropped to where it moved, scaled to 0..1",
      ),
  })
  .prefault({});

/** The model types, for messages. */
export const MODEL_TYPES: readonly string[] = MODELS.types();

/** 1/n of the training subjects validate (early stopping, the best epoch kept); 0: none, all train for the set epochs. */
const VALIDATION_FOLDS = z
  .union([z.literal(0), z.number().int().min(2)])
  .default(5)
  .describe(
    'a validation group of 1/n of the training subjects picks the epoch kept (early stopping); 0: no validation group, every training subject trains',
  );

const SPLIT_SCHEMA = z.discriminatedUnion('kind', [
  z
    .strictObject({
      kind: z.literal('group-k-fold'),
      k: z.number().int().min(2).default(5),
      validationFolds: VALIDATION_FOLDS,
    })
    .describe('no subject in two folds'),
  z
    .strictObject({
      kind: z.literal('k-fold'),
      k: z.number().int().min(2).default(5),
      validationFolds: VALIDATION_FOLDS,
    })
    .describe('stratified by class, for data without subjects'),
  z
    .strictObject({
      kind: z.literal('official'),
      names: z
        .array(z.string().min(1))
        .min(1)
        .describe(
          "the data set's own splits to run, each a fold (UCF-101: split1, split2, split3; UTD-MHAD: cross-subject)",
        ),
      validationFolds: VALIDATION_FOLDS,
    })
    .describe("the data set's own train/test splits"),
]);

const TRAIN_SCHEMA = z
  .strictObject({
    epochs: positiveInt.default(PAPER_TRAINING.epochs),
    batchSize: positiveInt.default(PAPER_TRAINING.batchSize),
    learningRate: z.number().positive().default(PAPER_TRAINING.learningRate),
    decayEvery: positiveInt.default(PAPER_TRAINING.decayEvery),
    decayFactor: z.number().positive().max(1).default(PAPER_TRAINING.decayFactor),
    patience: positiveInt.default(PAPER_TRAINING.patience),
    classWeights: z.enum(['none', 'balanced']).default(PAPER_TRAINING.classWeights),
    fraction: z
      .number()
      .gt(0)
      .max(1)
      .default(1)
      .describe("share of each fold's training subjects' samples used (a training-size curve sweeps it)"),
    augment: z
      .strictObject({
        copies: z.number().int().min(0).default(0).describe('augmented training copies per sample'),
        chain: AUGMENT_CONFIG_SCHEMA,
        poseBatch: z
          .strictObject({
            rotate: z
              .number()
              .min(0)
              .max(180)
              .describe('largest turn about the vertical axis, degrees (each row draws uniformly in +-rotate)'),
            scale: z
              .tuple([z.number().positive(), z.number().positive()])
              .refine(([lo, hi]) => lo <= hi, 'scale: [smallest, largest]')
              .default([1, 1])
              .describe('scale factor range, drawn uniformly per row'),
          })
          .optional()
          .describe(
            'pose inputs turned and scaled anew every time a training row is batched (no copies stored); absent: none',
          ),
      })
      .prefault({}),
  })
  .prefault({});

/** Dotted keys of the experiment (e.g. `model.fusion`) and the values a sweep gives them. */
const OVERRIDES = z.record(
  z.string().regex(/^[A-Za-z][\w-]*(\.[A-Za-z][\w-]*)*$/, 'must be a dotted key such as model.fusion'),
  z.unknown(),
);

const SWEEP_SCHEMA = z
  .strictObject({
    grid: z
      .record(z.string(), z.array(z.unknown()).min(1))
      .optional()
      .describe('dotted key -> values; every combination is a trial'),
    ablations: z
      .record(z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'must be lower-case letters, digits, - or _'), OVERRIDES)
      .optional()
      .describe('named variants: each a set of dotted keys and their values'),
  })
  .refine((s) => s.grid !== undefined || s.ablations !== undefined, 'needs grid: or ablations:');

/** `report.explain`: what each fold explains of the focus classes, and how much (explain-fold.ts). */
const EXPLAIN_SCHEMA = z.strictObject({
  maxMisses: z
    .number()
    .int()
    .min(0)
    .default(4)
    .describe(
      'misses of each focus class per fold drilled down: key frames with Grad-CAM for the predicted and the true class, attention over time, the IMU trace with detected jumps',
    ),
  attribution: z
    .boolean()
    .default(true)
    .describe(
      "modality attribution: each class's test error with each modality's features zeroed (as modality dropout does), joint-fusion networks of 2+ modalities",
    ),
  jumpSensor: z
    .enum(JUMP_PLACEMENTS)
    .default('pelvis')
    .describe(
      "the sample's IMU whose trace the jump detector reads (jump metrics, take-off and landing in the drill-down); the first IMU where the sample has none there",
    ),
});

/** `model:`: one member per registered model, `type` first and then its options. */
function modelSchema(): z.ZodType<ModelSpec> {
  const members = MODELS.entries().map((e) =>
    z.strictObject({ type: z.literal(e.type), ...e.options.shape }).describe(e.describe),
  );
  return z.discriminatedUnion(
    'type',
    members as unknown as [z.ZodObject, ...z.ZodObject[]],
  ) as unknown as z.ZodType<ModelSpec>;
}

function datasetSchema() {
  const options = datasetEntries().map((e) =>
    (e.options as z.ZodObject).extend({ name: z.literal(e.name) }).describe(e.describe),
  );
  return z.discriminatedUnion('name', options as unknown as [z.ZodObject, ...z.ZodObject[]]);
}

export function experimentSchema() {
  return z.strictObject({
    name: z
      .string()
      .regex(/^[a-z0-9][a-z0-9_-]*$/, 'must be lower-case letters, digits, - or _ (it names the results folder)'),
    description: z.string().optional(),
    extends: z
      .string()
      .optional()
      .describe('a base experiment file, relative to this one: its fields are the defaults here'),
    seed: z
      .number()
      .int()
      .default(7)
      .describe('seed of the folds, the training and (unless the dataset has its own) the data'),
    dataset: datasetSchema(),
    split: SPLIT_SCHEMA.default({ kind: 'group-k-fold', k: 5, validationFolds: 5 }),
    inputs: INPUTS_SCHEMA,
    model: modelSchema(),
    train: TRAIN_SCHEMA,
    sweep: SWEEP_SCHEMA.optional(),
    report: z
      .strictObject({
        focusClasses: z.array(z.string()).default(['jump']).describe('classes shown first and highlighted'),
        reference: z
          .string()
          .min(1)
          .optional()
          .describe(
            "the variant (a trial's label, as the tables name it) every other is tested against; default the best by mean accuracy. One paired run (one fold, one repeat): McNemar's exact test on the test samples; several: a paired t-test over the runs paired by fold and repeat",
          ),
        note: z
          .string()
          .min(1)
          .optional()
          .describe(
            'a paragraph printed under the variants table (and in the report): what a reader needs to read the numbers, such as why the model the experiment is about is not the best row',
          ),
        explain: EXPLAIN_SCHEMA.optional().describe(
          "the jumping-error investigation: each network's fold, after training, explains its test samples of the focus classes (trials/<id>/explain-fold-<k>.json, written before the fold's file) and report.html gains a section per focus class. Absent: nothing is explained (it does not change a trial's id or results)",
        ),
      })
      .prefault({}),
    run: z
      .strictObject({
        workers: z
          .union([z.literal('auto'), positiveInt])
          .default('auto')
          .describe("parallel fold workers (each runs one fold of one trial at a time); 'auto': one per core"),
        threadsPerWorker: z
          .union([z.literal('auto'), positiveInt])
          .default('auto')
          .describe(
            "threads of the native kernels for each worker; 'auto': the cores divided among the workers (MOTIONFUSE_THREADS, when set, instead). The kernels' pool is one per process: with several workers, one above 1 is taken by whichever worker finds it free",
          ),
        saveModels: z
          .boolean()
          .default(false)
          .describe("save each fold's trained network (TensorFlow.js format) with its preprocessing"),
        repeats: positiveInt
          .default(1)
          .describe(
            'trainings of every trial x fold, each with its own training seed (weight initialisation, dropout, batch order): repeat r (0-based) of fold k trains with seed + k + 1000000 r, so the first is the run without repeats. The folds (who is tested) and the prepared inputs, augmented copies included, stay those of the seed, so repeats pair up sample by sample. Tables give mean ± std over folds x repeats; repeat r >= 1 of fold k is trials/<id>/fold-<k>-r<r+1>.json. A classical model (svm) has no training seed: its repeats are equal',
          ),
      })
      .prefault({}),
  });
}

export type Experiment = z.output<ReturnType<typeof experimentSchema>>;
export type SweepSpec = NonNullable<Experiment['sweep']>;

/** The JSON Schema of experiment files, for editors (`# yaml-language-server: $schema=...`). */
export function experimentJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(experimentSchema(), { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
}
