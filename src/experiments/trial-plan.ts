import { buildLstmBaseline, buildSingleFrameCnn, buildTwoStreamCnn } from '../models/baselines/baseline-networks.ts';
import { svmFitPredict } from '../models/baselines/svm-classifier.ts';
import { buildFusionNetwork, type Fusion } from '../models/fusion-network.ts';
import type { CrossValidationOptions, ModelRecipe } from '../train/cross-validate.ts';
import { PAPER_TRAINING } from '../train/fit.ts';
import type { InputSpec, Modality } from '../train/model-inputs.ts';
import type { TrainingAugmentation } from '../train/synthetic-inputs.ts';
import { FUSION_PRESETS, type Experiment, type ModelSpec } from './experiment-schema.ts';

/** The modalities a model reads. */
export function modelModalities(model: ModelSpec): Modality[] {
  switch (model.type) {
    case 'fusion': return [...model.use];
    case 'svm': return ['imu', 'video'];
    case 'single-frame-cnn': return ['video'];
    case 'two-stream-cnn': return ['video', 'flow'];
    case 'lstm': return ['imu'];
    default: return [...FUSION_PRESETS[model.type].use];
  }
}

/** The model as cross-validation runs it. */
export function modelRecipe(model: ModelSpec): ModelRecipe {
  const modalities = modelModalities(model);
  const name = model.type;
  switch (model.type) {
    case 'svm': {
      const cost = model.cost;
      return { kind: 'classic', name, modalities, fitPredict: (set, train, test) => svmFitPredict(set, train, test, { cost }) };
    }
    case 'single-frame-cnn': return { kind: 'network', name, modalities, build: (shapes, classes, seed) => buildSingleFrameCnn(shapes.video as number[], classes, seed) };
    case 'two-stream-cnn': return { kind: 'network', name, modalities, build: (shapes, classes, seed) => buildTwoStreamCnn(shapes.video as number[], shapes.flow as number[], classes, seed) };
    case 'lstm': return { kind: 'network', name, modalities, build: (shapes, classes, seed) => buildLstmBaseline(shapes.imu as number[], classes, seed) };
    default: {
      const m = model;
      const fusion: Fusion = m.type === 'fusion' ? m.fusion : FUSION_PRESETS[m.type].fusion;
      const spec = { modalities, fusion, lstmUnits: m.lstmUnits, dropout: m.dropout, modalityDropout: m.modalityDropout, videoFilters: m.videoFilters, flowFilters: m.flowFilters, flowPool: m.flowPool, frameFeatures: m.frameFeatures, imuFilters: m.imuFilters };
      return { kind: 'network', name, modalities, build: (shapes, classes, seed) => buildFusionNetwork(spec, shapes, classes, seed) };
    }
  }
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
