import type { CrossValidationOptions, ModelRecipe } from '../train/cross-validate.ts';
import { PAPER_TRAINING } from '../train/fit.ts';
import type { InputSpec, Modality } from '../train/model-inputs.ts';
import type { TrainingAugmentation } from '../train/synthetic-inputs.ts';
import { baselineRecipe, FUSION_PRESETS, fusionRecipe } from '../train/model-recipes.ts';
import type { Experiment, ModelSpec } from './experiment-schema.ts';

/** The model as cross-validation runs it. */
export function modelRecipe(model: ModelSpec): ModelRecipe {
  switch (model.type) {
    case 'svm': return baselineRecipe('svm', { svmCost: model.cost });
    case 'single-frame-cnn':
    case 'two-stream-cnn':
    case 'lstm': return baselineRecipe(model.type);
    default: {
      const preset = model.type === 'fusion' ? { use: model.use, fusion: model.fusion } : FUSION_PRESETS[model.type];
      const { type: _t, ...options } = model as Extract<ModelSpec, { lstmUnits: number }>;
      const { use: _u, fusion: _f, ...size } = options as typeof options & { use?: unknown; fusion?: unknown };
      return fusionRecipe(model.type, { ...size, modalities: [...preset.use], fusion: preset.fusion });
    }
  }
}

/** The modalities a model reads. */
export function modelModalities(model: ModelSpec): Modality[] {
  return [...modelRecipe(model).modalities];
}

/** The inputs a trial's model needs, at the experiment's settings: trials that read the same share one input set. */
export function trialInputSpec(experiment: Experiment): InputSpec {
  const use = new Set(modelModalities(experiment.model));
  const { imu, video, backbone, pose } = experiment.inputs;
  const spec: InputSpec = {};
  if (use.has('imu')) spec.imu = { placements: imu.placements, rate: imu.rate, window: imu.window };
  if (use.has('video') || use.has('flow') || use.has('backbone')) {
    const k = video.keyframes;
    const threshold = k.kind === 'adaptive' ? { kind: 'adaptive' as const, k: k.k } : k.kind === 'fixed' ? { kind: 'fixed' as const, value: k.value } : { kind: 'top' as const, count: video.count };
    spec.video = { count: video.count, size: video.size, threshold, fill: video.fill, crop: video.crop };
  }
  if (use.has('flow')) spec.flow = { source: 'video-key-frames' };
  if (use.has('backbone')) spec.backbone = { model: backbone.model, ...(backbone.node === undefined ? {} : { node: backbone.node }), ...(backbone.inputSize === undefined ? {} : { inputSize: backbone.inputSize }), ...(backbone.pixels === undefined ? {} : { pixels: backbone.pixels }) };
  if (use.has('pose')) spec.pose = { frames: pose.frames };
  return spec;
}

/** Augmented training copies, or none. */
export function trialAugmentation(experiment: Experiment): TrainingAugmentation | undefined {
  const a = experiment.train.augment;
  return a.copies > 0 ? { copies: a.copies, config: a.chain, seed: experiment.seed } : undefined;
}

/** Folds and training as cross-validation takes them. */
export function crossValidationOptions(experiment: Experiment): CrossValidationOptions {
  const t = experiment.train;
  return {
    folds: experiment.split.k,
    split: experiment.split.kind,
    validationFolds: experiment.split.validationFolds,
    seed: experiment.seed,
    trainFraction: t.fraction,
    train: { ...PAPER_TRAINING, epochs: t.epochs, batchSize: t.batchSize, learningRate: t.learningRate, decayEvery: t.decayEvery, decayFactor: t.decayFactor, patience: t.patience, classWeights: t.classWeights },
  };
}
