import * as tf from '@tensorflow/tfjs';
import type { SampleRef } from '../core/dataset.ts';
import { SeededRandom } from '../core/random.ts';
import { groupKFold, type Fold } from '../data/splits/group-k-fold.ts';
import { givenSplits, stratifiedKFold } from '../data/splits/stratified-k-fold.ts';
import type { InputPipeline } from './batches.ts';
import { predictProbabilities, trainModel, type EpochRecord, type TrainOptions, type TrainResult } from './fit.ts';
import { classificationReport, summariseReports, type ClassificationReport, type ReportSummary } from './metrics.ts';
import { inputShapes, type InputSet, type InputSpec, type Modality } from './model-inputs.ts';
import { fitStandardiser } from './standardiser.ts';

/** A network: which inputs it reads and how to build it for given input shapes. */
export interface NetworkRecipe {
  kind: 'network';
  name: string;
  modalities: readonly Modality[];
  build(shapes: Partial<Record<Modality, number[]>>, classes: number, seed: number): tf.LayersModel;
}

/** A classical model (the SVM): trained on the training rows, it predicts a class per test row. */
export interface ClassicRecipe {
  kind: 'classic';
  name: string;
  modalities: readonly Modality[];
  fitPredict(set: InputSet, train: readonly number[], test: readonly number[]): number[];
}

export type ModelRecipe = NetworkRecipe | ClassicRecipe;

/**
 * How the test folds are made: 'group-k-fold' by subject (the default: no person on both sides),
 * 'k-fold' stratified by class (data without subjects), or the data set's own splits.
 */
export type SplitStrategy = 'group-k-fold' | 'k-fold' | { given: readonly { train: readonly string[]; test: readonly string[] }[] };

export interface CrossValidationOptions {
  /** k of the k-fold (ignored for given splits). */
  folds: number;
  split?: SplitStrategy;
  /** The validation rows (for early stopping) are 1/validationFolds of the training subjects. */
  validationFolds: number;
  seed: number;
  train: TrainOptions;
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
  report: ClassificationReport;
  seconds: number;
}

export interface CrossValidationResult {
  model: string;
  folds: FoldResult[];
  summary: ReportSummary;
}

/**
 * k-fold cross-validation grouped by subject: in each fold the test subjects are unseen, a
 * validation group of other subjects is held out of training for early stopping, and the
 * standardisers are fitted on the training rows alone. The same seed gives the same folds for
 * every model, so their results compare fold by fold.
 */
export async function crossValidate(
  set: InputSet,
  spec: InputSpec,
  classes: readonly string[],
  recipe: ModelRecipe,
  options: CrossValidationOptions,
  onEpoch?: (fold: number, record: EpochRecord) => void,
  onFold?: (result: FoldResult) => void,
): Promise<CrossValidationResult> {
  const rowOf = new Map(set.ids.map((id, i) => [id, i]));
  const original = (i: number) => (set.augmentedFrom?.[i] ?? -1) < 0;
  const refs: SampleRef[] = set.ids.flatMap((id, i) => (original(i) ? [{ id, label: classes[set.labels[i] as number] as string, subject: set.subjects[i] as string, meta: {} }] : []));
  // Augmented copies by the row they were made from.
  const copiesOf = new Map<number, number[]>();
  set.augmentedFrom?.forEach((from, i) => {
    if (from >= 0) copiesOf.set(from, [...(copiesOf.get(from) ?? []), i]);
  });
  const split = options.split ?? 'group-k-fold';
  const folds: Fold[] = split === 'group-k-fold' ? groupKFold(refs, options.folds, new SeededRandom(options.seed).fork('folds'))
    : split === 'k-fold' ? stratifiedKFold(refs, options.folds, new SeededRandom(options.seed).fork('folds'))
    : givenSplits(refs, split.given);
  const results: FoldResult[] = [];
  for (const fold of folds) {
    const started = performance.now();
    const trainRefs = refs.filter((r) => fold.train.includes(r.id));
    // With few training subjects the validation group is one subject; with one, there is none.
    const trainSubjects = new Set(trainRefs.map((r) => r.subject)).size;
    const inner = trainSubjects < 2 ? undefined : groupKFold(trainRefs, Math.min(options.validationFolds, trainSubjects), new SeededRandom(options.seed).fork(`validation/${fold.index}`))[0];
    const validationIds = new Set(inner?.test ?? []);
    const rows = (ids: Iterable<string>) => [...ids].map((id) => rowOf.get(id) as number);
    const withCopies = (r: readonly number[]) => r.flatMap((i) => [i, ...(copiesOf.get(i) ?? [])]);
    const train = withCopies(rows(fold.train.filter((id) => !validationIds.has(id))));
    const validation = rows(validationIds);
    const test = rows(fold.test);
    const who = (r: readonly number[]) => [...new Set(r.map((i) => set.subjects[i] as string))].sort();
    const labelsOf = (r: readonly number[]) => r.map((i) => set.labels[i] as number);
    if (recipe.kind === 'classic') {
      // A classical model has no early stopping: it trains on the validation subjects too.
      const report = classificationReport(labelsOf(test), recipe.fitPredict(set, [...train, ...withCopies(validation)], test), classes);
      results.push({ fold: fold.index, subjects: { train: who([...train, ...validation]), validation: [], test: who(test) }, trainRows: train.length + withCopies(validation).length, validationRows: 0, testRows: test.length, training: undefined, report, seconds: (performance.now() - started) / 1000 });
      onFold?.(results[results.length - 1] as FoldResult);
      continue;
    }
    const pipeline: InputPipeline = { modalities: recipe.modalities, standardisers: {} };
    for (const m of recipe.modalities) {
      const arr = set[m];
      if (m !== 'video' && arr !== undefined && arr.data instanceof Float32Array) pipeline.standardisers[m] = fitStandardiser({ data: arr.data, shape: arr.shape }, train);
    }
    const model = recipe.build(inputShapes(spec), classes.length, options.seed + fold.index);
    try {
      const training = await trainModel(model, set, { train, validation }, pipeline, classes.length, { ...options.train, seed: options.seed + fold.index }, (r) => onEpoch?.(fold.index, r));
      const probs = await predictProbabilities(model, set, test, pipeline);
      const predicted = test.map((_, i) => argmax(probs, i * classes.length, classes.length));
      const report = classificationReport(labelsOf(test), predicted, classes);
      results.push({ fold: fold.index, subjects: { train: who(train), validation: who(validation), test: who(test) }, trainRows: train.length, validationRows: validation.length, testRows: test.length, training, report, seconds: (performance.now() - started) / 1000 });
      onFold?.(results[results.length - 1] as FoldResult);
    } finally {
      model.dispose();
    }
  }
  return { model: recipe.name, folds: results, summary: summariseReports(results.map((r) => r.report)) };
}

function argmax(values: Float32Array, offset: number, length: number): number {
  let best = 0;
  for (let c = 1; c < length; c++) if ((values[offset + c] as number) > (values[offset + best] as number)) best = c;
  return best;
}
