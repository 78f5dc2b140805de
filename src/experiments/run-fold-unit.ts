import type * as tf from '@tensorflow/tfjs';
import { planFolds, runFold, type FoldResult } from '../train/cross-validate.ts';
import type { InputPipeline } from '../train/batches.ts';
import type { EpochRecord } from '../train/fit.ts';
import type { InputSet } from '../inputs/input-spec.ts';
import { prepareInputs } from '../inputs/model-inputs.ts';
import { saveTrainedModel } from '../train/model-store.ts';
import type { OfficialSplit } from '../core/dataset.ts';
import type { Experiment } from './experiment-schema.ts';
import { buildModel } from '../models/model-registry.ts';
import { crossValidationOptions, trialInputSpec } from './trial-plan.ts';

/** The unit of work of a run: one fold of one trial. Plain data, so it crosses to a worker thread. */
export interface FoldTask {
  trialId: string;
  experiment: Experiment;
  fold: number;
  /** Which training of the fold (0-based; default 0): only the training seed differs. */
  repeat?: number;
  inputPath: string;
  classes: readonly string[];
  /** Where to save the trained network, when the experiment asks for models. */
  modelDir?: string;
  /** The data set's own splits (for split kind 'official'). */
  official?: readonly OfficialSplit[];
  /** Where to write the fold's explanations (report.explain), for networks: trials/<id>/explain-fold-<k>.json. */
  explainPath?: string;
  /** The trial's label, for the explanations file. */
  label?: string;
}

export type FoldReply =
  { result: FoldResult } | { error: { name: string; message: string; stack?: string; hint?: string } };

/**
 * Runs one fold: the folds are planned from the input set and the experiment's seed (the same
 * in every worker), then the fold's model is trained (with the repeat's training seed) and tested.
 */
export async function runFoldUnit(
  task: Omit<FoldTask, 'port'>,
  set: InputSet,
  onEpoch?: (record: EpochRecord) => void,
): Promise<FoldResult> {
  const options = crossValidationOptions(task.experiment, task.official);
  const plans = planFolds(set, task.classes, options);
  const plan = plans[task.fold];
  if (plan === undefined) throw new Error(`runFoldUnit(): fold ${task.fold} of ${plans.length}`);
  const spec = trialInputSpec(task.experiment);
  // The network's input shapes need the backbone's feature size: a fold worker loads it once
  // (the inputs were made, features and all, where the input set was prepared).
  if (spec.backbone !== undefined)
    await prepareInputs({ ...(spec.video === undefined ? {} : { video: spec.video }), backbone: spec.backbone });
  const modelDir = task.modelDir;
  const explainPath = task.explainPath;
  const keep =
    modelDir === undefined && explainPath === undefined
      ? undefined
      : async (model: tf.LayersModel, pipeline: InputPipeline) => {
          if (modelDir !== undefined)
            await saveTrainedModel(modelDir, { model, classes: [...task.classes], inputs: spec, pipeline });
          // Explained while the trained model exists, before the fold's file is written (explain-fold.ts).
          if (explainPath !== undefined) {
            const { explainFold } = await import('./explain-fold.ts');
            await explainFold(model, pipeline, {
              experiment: task.experiment,
              classes: task.classes,
              set,
              spec,
              plan,
              trialId: task.trialId,
              label: task.label ?? task.trialId,
              file: explainPath,
            });
          }
        };
  return runFold(
    set,
    spec,
    task.classes,
    buildModel(task.experiment.model),
    plan,
    { ...options, repeat: task.repeat ?? 0 },
    onEpoch,
    keep,
  );
}
