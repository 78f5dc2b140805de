import * as tf from '@tensorflow/tfjs';
import type { SampleRef } from '../core/dataset.ts';
import { SeededRandom } from '../core/random.ts';
import { groupKFold, type Fold } from '../data/splits/group-k-fold.ts';
import { givenSplits, stratifiedKFold } from '../data/splits/stratified-k-fold.ts';
import type { InputPipeline } from './batches.ts';
import { predictProbabilities, trainModel, type EpochRecord, type TrainResult } from './fit.ts';
import type { TrainOptions } from './paper-training.ts';
import { classificationReport, summariseReports, type ClassificationReport, type ReportSummary } from './metrics.ts';
import type { InputSet, InputSpec } from '../inputs/input-spec.ts';
import { inputShapes } from '../inputs/model-inputs.ts';
import { augmentPoseBatch } from '../inputs/pose-batch-augment.ts';
import type { ModelRecipe } from '../models/model-recipe.ts';
import { fitStandardiser } from './standardiser.ts';
import { fitHeadWeights } from './late-fusion-weights.ts';
import { LogMeanProbabilities } from '../models/layers/log-mean-probabilities.ts';
import { UserError } from '../core/errors.ts';
import { trainingSeed } from './training-seed.ts';

/**
 * How the test folds are made: 'group-k-fold' by subject (the default: no person on both sides),
 * 'k-fold' stratified by class (data without subjects), or the data set's own splits.
 */
export type SplitStrategy =
  'group-k-fold' | 'k-fold' | { given: readonly { train: readonly string[]; test: readonly string[] }[] };

export interface CrossValidationOptions {
  /** k of the k-fold (ignored for given splits). */
  folds: number;
  split?: SplitStrategy;
  /** The validation rows (for early stopping) are 1/validationFolds of the training subjects; 0: none. */
  validationFolds: number;
  seed: number;
  train: TrainOptions;
  /** Share of each fold's training samples used (per class, seeded); default 1. */
  trainFraction?: number;
  /** Which training of each fold (0-based, default 0): changes the training seed, not the folds. */
  repeat?: number;
}

export interface FoldResult {
  fold: number;
  /** Who was where: no subject is in two of these. */
  subjects: { train: string[]; validation: string[]; test: string[] };
  trainRows: number;
  validationRows: number;
  testRows: number;
  /** Networks only: the epochs run and the best one kept. */
  training: TrainResult | undefined;
  /** Late fusion weighted on the validation group: each modality's weight, in the model's modality order. */
  headWeights?: number[];
  report: ClassificationReport;
  /** Each test row: its id, true class and predicted class (indices into the classes). */
  predictions: { ids: string[]; truth: number[]; predicted: number[] };
  seconds: number;
}

export interface CrossValidationResult {
  model: string;
  folds: FoldResult[];
  summary: ReportSummary;
}

/** One fold's rows: test subjects unseen, a validation group of other subjects for early stopping. */
export interface FoldPlan {
  index: number;
  train: number[];
  validation: number[];
  test: number[];
}

/**
 * The folds of a cross-validation, as rows of `set`: the same seed gives the same folds for every
 * model, so their results compare fold by fold. Augmented copies join training beside their
 * original and are never validated or tested on. With `trainFraction` < 1, each fold trains on
 * that share of its training samples (drawn per class, seeded; their copies follow them).
 */
export function planFolds(
  set: InputSet,
  classes: readonly string[],
  options: Pick<CrossValidationOptions, 'folds' | 'split' | 'validationFolds' | 'seed' | 'trainFraction'>,
): FoldPlan[] {
  const rowOf = new Map(set.ids.map((id, i) => [id, i]));
  const original = (i: number) => (set.augmentedFrom?.[i] ?? -1) < 0;
  const refs: SampleRef[] = set.ids.flatMap((id, i) =>
    original(i)
      ? [{ id, label: classes[set.labels[i] as number] as string, subject: set.subjects[i] as string, meta: {} }]
      : [],
  );
  // Augmented copies by the row they were made from.
  const copiesOf = new Map<number, number[]>();
  set.augmentedFrom?.forEach((from, i) => {
    if (from >= 0) copiesOf.set(from, [...(copiesOf.get(from) ?? []), i]);
  });
  const split = options.split ?? 'group-k-fold';
  const folds: Fold[] =
    split === 'group-k-fold'
      ? groupKFold(refs, options.folds, new SeededRandom(options.seed).fork('folds'))
      : split === 'k-fold'
        ? stratifiedKFold(refs, options.folds, new SeededRandom(options.seed).fork('folds'))
        : givenSplits(refs, split.given);
  return folds.map((fold) => {
    const trainRefs = refs.filter((r) => fold.train.includes(r.id));
    // With few training subjects the validation group is one subject; with one, there is none.
    const trainSubjects = new Set(trainRefs.map((r) => r.subject)).size;
    const inner =
      trainSubjects < 2 || options.validationFolds === 0
        ? undefined
        : groupKFold(
            trainRefs,
            Math.min(options.validationFolds, trainSubjects),
            new SeededRandom(options.seed).fork(`validation/${fold.index}`),
          )[0];
    const validationIds = new Set(inner?.test ?? []);
    const rows = (ids: Iterable<string>) => [...ids].map((id) => rowOf.get(id) as number);
    const withCopies = (r: readonly number[]) => r.flatMap((i) => [i, ...(copiesOf.get(i) ?? [])]);
    let trainRows = rows(fold.train.filter((id) => !validationIds.has(id)));
    const fraction = options.trainFraction ?? 1;
    if (fraction < 1)
      trainRows = sharePerClass(
        trainRows,
        set.labels,
        fraction,
        new SeededRandom(options.seed).fork(`fraction/${fold.index}`),
      );
    return { index: fold.index, train: withCopies(trainRows), validation: rows(validationIds), test: rows(fold.test) };
  });
}

/** `fraction` of the rows of each class (at least one), drawn without replacement, in row order. */
function sharePerClass(rows: readonly number[], labels: Int32Array, fraction: number, rng: SeededRandom): number[] {
  const byClass = new Map<number, number[]>();
  for (const r of rows) byClass.set(labels[r] as number, [...(byClass.get(labels[r] as number) ?? []), r]);
  const kept = new Set<number>();
  for (const [, members] of [...byClass].sort((a, b) => a[0] - b[0])) {
    const shuffled = rng.shuffle([...members]);
    shuffled.slice(0, Math.max(1, Math.round(fraction * members.length))).forEach((r) => kept.add(r));
  }
  return rows.filter((r) => kept.has(r));
}

/**
 * One fold of one model: trained on the plan's training rows (standardisers fitted on them
 * alone), early-stopped on its validation rows, tested on its test rows. A classical model has no
 * early stopping and trains on the validation rows too.
 */
export async function runFold(
  set: InputSet,
  spec: InputSpec,
  classes: readonly string[],
  recipe: ModelRecipe,
  plan: FoldPlan,
  options: Pick<CrossValidationOptions, 'seed' | 'train' | 'repeat'>,
  onEpoch?: (record: EpochRecord) => void,
  keep?: (model: tf.LayersModel, pipeline: InputPipeline) => Promise<void>,
): Promise<FoldResult> {
  const started = performance.now();
  const { train, validation, test } = plan;
  const copiesOf = new Map<number, number[]>();
  set.augmentedFrom?.forEach((from, i) => {
    if (from >= 0) copiesOf.set(from, [...(copiesOf.get(from) ?? []), i]);
  });
  const who = (r: readonly number[]) => [...new Set(r.map((i) => set.subjects[i] as string))].sort();
  const labelsOf = (r: readonly number[]) => r.map((i) => set.labels[i] as number);
  const predictionsOf = (predicted: readonly number[]) => ({
    ids: test.map((i) => set.ids[i] as string),
    truth: labelsOf(test),
    predicted: [...predicted],
  });
  if (recipe.kind === 'classic') {
    const withValidation = [...train, ...validation.flatMap((i) => [i, ...(copiesOf.get(i) ?? [])])];
    const predicted = await recipe.fitPredict(set, withValidation, test);
    return {
      fold: plan.index,
      subjects: { train: who(withValidation), validation: [], test: who(test) },
      trainRows: withValidation.length,
      validationRows: 0,
      testRows: test.length,
      training: undefined,
      report: classificationReport(labelsOf(test), predicted, classes),
      predictions: predictionsOf(predicted),
      seconds: (performance.now() - started) / 1000,
    };
  }
  const pipeline: InputPipeline = { modalities: recipe.modalities, standardisers: {} };
  for (const m of recipe.modalities) {
    const arr = set[m];
    // Video is scaled to 0..1 as it is batched; depth maps already are, each by its own maximum,
    // with 0 meaning no motion (which a z-score would move off zero, and the encoder's BatchNorm rescales anyway).
    if (m !== 'video' && m !== 'depthMaps' && arr !== undefined && arr.data instanceof Float32Array)
      pipeline.standardisers[m] = fitStandardiser({ data: arr.data, shape: arr.shape }, train);
  }
  const poseAugment = options.train.poseBatchAugment;
  if (poseAugment !== undefined && spec.pose !== undefined && recipe.modalities.includes('pose')) {
    const poseSpec = spec.pose;
    pipeline.augment = { pose: (values, rows, rng) => augmentPoseBatch(values, rows, poseSpec, poseAugment, rng) };
  }
  const seed = trainingSeed(options.seed, plan.index, options.repeat ?? 0);
  const model = await recipe.build(inputShapes(spec), classes.length, seed, spec);
  try {
    const training = await trainModel(
      model,
      set,
      { train, validation },
      pipeline,
      classes.length,
      { ...options.train, seed, ...(recipe.lossWeights === undefined ? {} : { lossWeights: recipe.lossWeights }) },
      onEpoch,
    );
    const headWeights = recipe.fitHeadWeights
      ? await fitLateFusion(model, set, validation, pipeline, classes.length, recipe.modalities.length)
      : undefined;
    const probs = await predictProbabilities(model, set, test, pipeline);
    const predicted = test.map((_, i) => argmax(probs, i * classes.length, classes.length));
    await keep?.(model, pipeline);
    return {
      fold: plan.index,
      subjects: { train: who(train), validation: who(validation), test: who(test) },
      trainRows: train.length,
      validationRows: validation.length,
      testRows: test.length,
      training,
      ...(headWeights === undefined ? {} : { headWeights }),
      report: classificationReport(labelsOf(test), predicted, classes),
      predictions: predictionsOf(predicted),
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    model.dispose();
  }
}

/** Fits the late-fusion heads' weights on the validation rows and sets them in the model's 'logits' layer. */
async function fitLateFusion(
  model: tf.LayersModel,
  set: InputSet,
  validation: readonly number[],
  pipeline: InputPipeline,
  classes: number,
  heads: number,
): Promise<number[]> {
  if (validation.length === 0)
    throw new UserError(
      'late fusion weighted on the validation group (combine: validation) has no validation rows',
      'Set split.validationFolds above 0, or combine: mean.',
    );
  const probabilities = [];
  for (let h = 1; h <= heads; h++)
    probabilities.push(await predictProbabilities(model, set, validation, pipeline, 64, h));
  const weights = fitHeadWeights(
    probabilities,
    validation.map((r) => set.labels[r] as number),
    classes,
  );
  const layer = model.getLayer('logits');
  if (!(layer instanceof LogMeanProbabilities))
    throw new Error("fitLateFusion(): the model's 'logits' layer does not combine heads");
  layer.setHeadWeights(weights);
  return weights;
}

/** k-fold cross-validation: every fold of planFolds run by runFold, with fold means and sample std. */
export async function crossValidate(
  set: InputSet,
  spec: InputSpec,
  classes: readonly string[],
  recipe: ModelRecipe,
  options: CrossValidationOptions,
  onEpoch?: (fold: number, record: EpochRecord) => void,
  onFold?: (result: FoldResult) => void,
): Promise<CrossValidationResult> {
  const results: FoldResult[] = [];
  for (const plan of planFolds(set, classes, options)) {
    const result = await runFold(set, spec, classes, recipe, plan, options, (r) => onEpoch?.(plan.index, r));
    results.push(result);
    onFold?.(result);
  }
  return { model: recipe.name, folds: results, summary: summariseReports(results.map((r) => r.report)) };
}

function argmax(values: Float32Array, offset: number, length: number): number {
  let best = 0;
  for (let c = 1; c < length; c++) if ((values[offset + c] as number) > (values[offset + best] as number)) best = c;
  return best;
}
