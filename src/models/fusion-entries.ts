import { z } from 'zod';
import { MODALITIES, type Modality } from '../inputs/input-spec.ts';
import { encoderEntry, encodersSchema, withDefaultEncoders } from './encoders/encoder-entries.ts';
import { DEFAULT_FUSION_SPEC, lossWeights, type Fusion, type FusionNetworkSpec } from './fusion-network-spec.ts';
import { modelEntry, type ModelEntry } from './model-entry.ts';
import type { ModelRecipe } from './model-recipe.ts';

/**
 * The fusion network as models an experiment can name: `fusion` (the modalities and the pooling
 * given in the file) and the named presets (one sensor or both; see FUSION_PRESETS).
 */

const positiveInt = z.number().int().positive();
const filters = z.array(positiveInt).min(1);

/** The fusion network's size and regularisation; every fusion model takes these. */
const FUSION_OPTIONS = {
  lstmUnits: positiveInt.default(DEFAULT_FUSION_SPEC.lstmUnits),
  dropout: z.number().min(0).lt(1).default(DEFAULT_FUSION_SPEC.dropout),
  modalityDropout: z
    .number()
    .min(0)
    .max(1)
    .default(DEFAULT_FUSION_SPEC.modalityDropout)
    .describe('training only: probability that a sample loses one sensor'),
  videoFilters: filters.default([...DEFAULT_FUSION_SPEC.videoFilters]),
  flowFilters: filters.default([...DEFAULT_FUSION_SPEC.flowFilters]),
  flowPool: positiveInt.default(DEFAULT_FUSION_SPEC.flowPool),
  frameFeatures: positiveInt.default(DEFAULT_FUSION_SPEC.frameFeatures),
  imuFilters: filters.default([...DEFAULT_FUSION_SPEC.imuFilters]),
  encoders: encodersSchema(),
};

const FUSIONS = ['attention-lstm', 'concat'] as const satisfies readonly Fusion[];

/** The named fusion models: which modalities each reads and how it pools them. */
export const FUSION_PRESETS = {
  'video-only': {
    use: ['video', 'flow'],
    fusion: 'attention-lstm',
    describe: 'the camera alone: key frames and the optical flow between them, attention-LSTM pooling',
  },
  'imu-only': { use: ['imu'], fusion: 'attention-lstm', describe: 'the IMUs alone, attention-LSTM pooling' },
  'fused-concat': {
    use: ['video', 'flow', 'imu'],
    fusion: 'concat',
    describe: 'camera and IMUs, late fusion by concatenation',
  },
  'fused-attention-lstm': {
    use: ['video', 'flow', 'imu'],
    fusion: 'attention-lstm',
    describe: "camera and IMUs, attention-LSTM pooling (the source paper's model)",
  },
  // The camera seen through a frozen pretrained network (features cached per clip) instead of
  // a CNN trained from scratch; alone and fused with the IMUs.
  'pretrained-video': {
    use: ['backbone'],
    fusion: 'attention-lstm',
    describe: "the camera through a frozen pretrained network's features, attention-LSTM pooling",
  },
  'fused-pretrained': {
    use: ['backbone', 'imu'],
    fusion: 'attention-lstm',
    describe: 'pretrained-network features of the camera and the IMUs, attention-LSTM pooling',
  },
} as const satisfies Record<string, { use: readonly Modality[]; fusion: Fusion; describe: string }>;

/** A fusion network as a recipe: `spec.modalities` are the inputs it reads. */
function fusionRecipe(name: string, given: FusionNetworkSpec, fitHeadWeights = false): ModelRecipe {
  const spec: FusionNetworkSpec = { ...given, encoders: withDefaultEncoders(given.modalities, given.encoders) };
  const weights = lossWeights(spec);
  return {
    kind: 'network',
    name,
    modalities: spec.modalities,
    ...(weights === undefined ? {} : { lossWeights: weights }),
    ...(fitHeadWeights ? { fitHeadWeights } : {}),
    // The builders import TensorFlow.js: loaded when a network is built, not with the schema.
    build: async (shapes, classes, seed, inputs) => {
      const builders = Object.fromEntries(
        await Promise.all(
          Object.entries(spec.encoders).map(async ([m, choice]) => [m, await encoderEntry(choice.type).load()]),
        ),
      );
      return (await import('./fusion-network.ts')).buildFusionNetwork(
        spec,
        shapes,
        classes,
        seed,
        builders,
        inputs?.pose?.joints,
      );
    },
  };
}

/** `fusion`: the network on the modalities `use` lists, pooled as `fusion` says. */
export const FUSION_ENTRY: ModelEntry = modelEntry({
  type: 'fusion',
  describe: 'the fusion network on the modalities listed in `use`',
  options: z.strictObject({
    use: z.array(z.enum(MODALITIES)).min(1).describe('the modalities the network reads'),
    fusion: z.enum(FUSIONS).default('attention-lstm'),
    auxiliaryLoss: z
      .number()
      .min(0)
      .optional()
      .describe("weight of a classifier per modality whose losses join the fused one's (absent or 0: none)"),
    ...FUSION_OPTIONS,
  }),
  build: ({ use, fusion, auxiliaryLoss, encoders, ...size }) =>
    fusionRecipe('fusion', {
      ...size,
      encoders: encoders ?? {},
      modalities: [...use],
      fusion,
      heads: 'joint',
      auxiliaryLoss: auxiliaryLoss ?? 0,
    }),
});

/**
 * `late-fusion`: a classifier per modality on its own encoder, their probabilities averaged, or
 * (combine: validation) weighted by weights fitted on the validation group after training.
 */
export const LATE_FUSION_ENTRY: ModelEntry = modelEntry({
  type: 'late-fusion',
  describe: 'a classifier per modality, each trained on its own loss, their class probabilities averaged',
  options: z.strictObject({
    use: z.array(z.enum(MODALITIES)).min(2).describe('the modalities, each with its own classifier'),
    fusion: z.enum(FUSIONS).default('attention-lstm').describe('how a sequence encoder is pooled'),
    // Optional without a default, so that the trial ids of late fusion from before it stay.
    combine: z
      .enum(['mean', 'validation'])
      .optional()
      .describe(
        "mean (absent): the heads' probabilities averaged; validation: weighted, the weights fitted on the validation group (needs split.validationFolds > 0)",
      ),
    ...FUSION_OPTIONS,
  }),
  build: ({ use, fusion, combine, encoders, ...size }) =>
    fusionRecipe(
      'late-fusion',
      {
        ...size,
        encoders: encoders ?? {},
        modalities: [...use],
        fusion,
        heads: 'late',
        auxiliaryLoss: 0,
      },
      combine === 'validation',
    ),
});

/** Each preset: the fusion network's size options, its modalities and pooling fixed. */
export const FUSION_PRESET_ENTRIES: readonly ModelEntry[] = Object.entries(FUSION_PRESETS).map(([type, preset]) =>
  modelEntry({
    type,
    describe: preset.describe,
    options: z.strictObject(FUSION_OPTIONS),
    build: ({ encoders, ...size }) =>
      fusionRecipe(type, {
        ...size,
        encoders: encoders ?? {},
        modalities: [...preset.use],
        fusion: preset.fusion,
        heads: 'joint',
        auxiliaryLoss: 0,
      }),
  }),
);
