import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '../core/errors.ts';
import type { InputSet } from '../inputs/input-spec.ts';
import { planFolds, type FoldPlan } from '../train/cross-validate.ts';
import { prepareInputSets } from '../experiments/prepare-input-sets.ts';
import { readInputSet } from '../experiments/input-set-file.ts';
import type { FoldFile } from '../experiments/results-store.ts';
import type { SavedRunModel } from '../experiments/saved-run-model.ts';
import { crossValidationOptions } from '../experiments/trial-plan.ts';

/** A trial's input set and its folds, as the run that trained its models made them. */
export interface TrialFolds {
  set: InputSet;
  classes: readonly string[];
  plans: FoldPlan[];
}

/**
 * Rebuilds a trial's inputs through the experiment's own code (prepareInputSets: the
 * content-addressed cache when it holds them) and plans its folds with the experiment's seed, so
 * each saved model meets exactly its fold's training and held-out rows. The held-out ids are
 * checked against the fold's results file.
 */
export async function trialFolds(
  saved: SavedRunModel,
  cache: { cacheDir: string; codeVersion: string; progress?: boolean },
): Promise<TrialFolds> {
  const trial = { id: saved.trialId, label: saved.label, overrides: {}, experiment: saved.experiment };
  const { inputs } = await prepareInputSets([trial], cache);
  const prepared = inputs.get(saved.trialId);
  if (prepared === undefined) throw new Error(`trialFolds(): no inputs prepared for trial ${saved.trialId}`);
  const set = readInputSet(prepared.path);
  const plans = planFolds(set, prepared.classes, crossValidationOptions(saved.experiment, prepared.official));
  return { set, classes: prepared.classes, plans };
}

/** Throws when the rebuilt held-out rows of a fold are not the ones the run tested the model on. */
export async function checkHeldOut(saved: SavedRunModel, folds: TrialFolds): Promise<void> {
  const plan = folds.plans[saved.fold];
  const file = join(saved.runDir, 'trials', saved.trialId, `fold-${saved.fold + 1}.json`);
  let fold: FoldFile;
  try {
    fold = JSON.parse(await readFile(file, 'utf8')) as FoldFile;
  } catch (err) {
    throw new UserError(`cannot read ${file}`, 'Is the run complete? Each saved model has its fold file.', {
      cause: err,
    });
  }
  const rebuilt = (plan?.test ?? []).map((r) => folds.set.ids[r]).sort();
  const tested = [...fold.result.predictions.ids].sort();
  if (rebuilt.length !== tested.length || rebuilt.some((id, i) => id !== tested[i]))
    throw new UserError(
      `fold ${saved.fold + 1} of trial ${saved.trialId}: the rebuilt held-out samples (${rebuilt.length}) differ from those in ${file} (${tested.length})`,
      'The data set or the code changed since the run; run the experiment again.',
    );
}
