import type { CrossValidationOptions } from '../train/cross-validate.ts';
import { PAPER_TRAINING } from '../train/paper-training.ts';
import type { InputSpec } from '../inputs/input-spec.ts';
import type { TrainingAugmentation } from '../inputs/build-input-sets.ts';
import { buildModel } from '../models/model-registry.ts';
import type { OfficialSplit } from '../core/dataset.ts';
import { UserError } from '../core/errors.ts';
import type { Experiment } from './experiment-schema.ts';

/** The inputs a trial's model needs, at the experiment's settings: trials that read the same share one input set. */
export function trialInputSpec(experiment: Experiment): InputSpec {
  const use = new Set(buildModel(experiment.model).modalities);
  const { imu, video, backbone, pose, depthMaps } = experiment.inputs;
  const spec: InputSpec = {};
  if (use.has('imu'))
    spec.imu = {
      placements: imu.placements,
      rate: imu.rate,
      window: imu.window,
      ...(imu.span === undefined ? {} : { span: imu.span }),
    };
  if (use.has('video') || use.has('flow') || use.has('backbone')) {
    const k = video.keyframes;
    const threshold =
      k.kind === 'adaptive'
        ? { kind: 'adaptive' as const, k: k.k }
        : k.kind === 'fixed'
          ? { kind: 'fixed' as const, value: k.value }
          : { kind: 'top' as const, count: video.count };
    spec.video = { count: video.count, size: video.size, threshold, fill: video.fill, crop: video.crop };
  }
  if (use.has('flow')) spec.flow = { source: 'video-key-frames' };
  if (use.has('backbone'))
    spec.backbone = {
      model: backbone.model,
      ...(backbone.node === undefined ? {} : { node: backbone.node }),
      ...(backbone.inputSize === undefined ? {} : { inputSize: backbone.inputSize }),
      ...(backbone.pixels === undefined ? {} : { pixels: backbone.pixels }),
    };
  // features and normalise only when not the defaults: trial ids and input-set keys hash this spec.
  const positionOnly = pose.features.length === 1 && pose.features[0] === 'position';
  if (use.has('pose'))
    spec.pose = {
      frames: pose.frames,
      joints: pose.joints,
      ...(positionOnly ? {} : { features: pose.features }),
      ...(pose.normalise === 'none' ? {} : { normalise: pose.normalise }),
    };
  if (use.has('depthMaps')) spec.depthMaps = { size: depthMaps.size };
  return spec;
}

/** Augmented training copies, or none. */
export function trialAugmentation(experiment: Experiment): TrainingAugmentation | undefined {
  const a = experiment.train.augment;
  return a.copies > 0 ? { copies: a.copies, config: a.chain, seed: experiment.seed } : undefined;
}

/** How many folds a trial has: k, or one per official split named. */
export function foldCount(split: Experiment['split']): number {
  return split.kind === 'official' ? split.names.length : split.k;
}

/** A sentence about the split, for tables and reports. */
export function splitDescription(split: Experiment['split']): string {
  if (split.kind === 'official')
    return `the data set's own split${split.names.length > 1 ? 's' : ''} (${split.names.join(', ')})`;
  return split.kind === 'group-k-fold' ? `group ${split.k}-fold by subject` : `${split.k}-fold stratified by class`;
}

/**
 * Folds and training as cross-validation takes them. With official splits, `official` holds the
 * data set's splits (from its adapter); the ones the experiment names are the folds.
 */
export function crossValidationOptions(
  experiment: Experiment,
  official: readonly OfficialSplit[] = [],
): CrossValidationOptions {
  const t = experiment.train;
  const s = experiment.split;
  const split: CrossValidationOptions['split'] =
    s.kind !== 'official'
      ? s.kind
      : {
          given: s.names.map((name) => {
            const found = official.find((o) => o.name === name);
            if (found === undefined)
              throw new UserError(
                `split.names: the data set has no split '${name}'`,
                official.length === 0
                  ? 'It publishes no splits: use kind: group-k-fold or k-fold.'
                  : `Its splits: ${official.map((o) => o.name).join(', ')}`,
              );
            return found;
          }),
        };
  return {
    folds: foldCount(s),
    split,
    validationFolds: experiment.split.validationFolds,
    seed: experiment.seed,
    trainFraction: t.fraction,
    train: {
      ...PAPER_TRAINING,
      epochs: t.epochs,
      batchSize: t.batchSize,
      learningRate: t.learningRate,
      decayEvery: t.decayEvery,
      decayFactor: t.decayFactor,
      patience: t.patience,
      classWeights: t.classWeights,
      ...(t.augment.poseBatch === undefined ? {} : { poseBatchAugment: t.augment.poseBatch }),
    },
  };
}
