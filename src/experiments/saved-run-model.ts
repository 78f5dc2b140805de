import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { UserError } from '../core/errors.ts';
import { MODEL_FILES } from '../train/model-store.ts';
import type { Experiment } from './experiment-schema.ts';
import { RUN_FILES, ResultsStore, repeatsOf } from './results-store.ts';
import { foldCount } from './trial-plan.ts';

/** One trained network a run saved (run.saveModels), found by `findSavedModel`. */
export interface SavedRunModel {
  /** The folder `loadTrainedModel` reads. */
  dir: string;
  runDir: string;
  trialId: string;
  label: string;
  /** 0-based fold and repeat. */
  fold: number;
  repeat: number;
  experiment: Experiment;
}

export interface FindSavedModelOptions {
  /** A trial id or its label (as the report names it); default: the run's only trial with models, else an error listing them. */
  trial?: string;
  /** 1-based fold, as the files name it; default: the first fold that has a model. */
  fold?: number;
}

/**
 * The saved model `motionfuse live` and `motionfuse deploy` take: `where` is a run folder
 * (results/<experiment>/<run-id>) or an experiment's folder (results/<experiment>, its latest run).
 * Errors say which trials and folds have models.
 */
export async function findSavedModel(where: string, options: FindSavedModelOptions = {}): Promise<SavedRunModel> {
  const runDir = await runFolder(resolve(where));
  const store = await ResultsStore.open(runDir);
  const saved = listSavedModels(store);
  if (saved.length === 0)
    throw new UserError(
      `${runDir} has no saved models`,
      'Run the experiment with run.saveModels: true (experiments/quickstart.yaml, what `npm start` runs, has it).',
    );
  const trials = [...new Set(saved.map((m) => `${m.trialId} (${m.label})`))];
  let candidates = saved;
  if (options.trial !== undefined) {
    candidates = saved.filter((m) => m.trialId === options.trial || m.label === options.trial);
    if (candidates.length === 0)
      throw new UserError(
        `${runDir} has no saved model of trial '${options.trial}'`,
        `Trials with models: ${trials.join(', ')}.`,
      );
  } else if (trials.length > 1) {
    throw new UserError(
      `${runDir} has models of ${trials.length} trials; say which`,
      `--trial one of: ${trials.join(', ')}.`,
    );
  }
  if (options.fold !== undefined) {
    const fold = options.fold - 1;
    const hit = candidates.find((m) => m.fold === fold && m.repeat === 0);
    if (hit === undefined)
      throw new UserError(
        `trial ${candidates[0]!.trialId} of ${runDir} has no saved model of fold ${options.fold}`,
        `Folds with models: ${[...new Set(candidates.map((m) => m.fold + 1))].join(', ')}.`,
      );
    return hit;
  }
  return candidates[0]!;
}

/** Every saved model of a run, in trial, fold, repeat order. */
export function listSavedModels(store: ResultsStore): SavedRunModel[] {
  const out: SavedRunModel[] = [];
  for (const trial of store.config.trials) {
    const folds = foldCount(trial.experiment.split);
    for (let fold = 0; fold < folds; fold++)
      for (let repeat = 0; repeat < repeatsOf(trial.experiment); repeat++) {
        const dir = store.modelDir(trial.id, fold, repeat);
        if (!existsSync(join(dir, MODEL_FILES.preprocessing))) continue;
        out.push({
          dir,
          runDir: store.dir,
          trialId: trial.id,
          label: trial.label,
          fold,
          repeat,
          experiment: trial.experiment,
        });
      }
  }
  return out;
}

/** `dir` itself when it is a run, else its newest run (run folders are named by start time). */
async function runFolder(dir: string): Promise<string> {
  if (existsSync(join(dir, RUN_FILES.config))) return dir;
  if (!existsSync(dir))
    throw new UserError(`no such folder: ${dir}`, 'Give a run folder, results/<experiment>/<run-id>.');
  const runs = (await readdir(dir, { withFileTypes: true }))
    .filter((d) => d.isDirectory() && existsSync(join(dir, d.name, RUN_FILES.config)))
    .map((d) => d.name)
    .sort();
  const latest = runs[runs.length - 1];
  if (latest === undefined)
    throw new UserError(
      `${dir} is not a motionfuse run and holds none`,
      'Give a run folder, results/<experiment>/<run-id>, or an experiment folder with runs.',
    );
  return join(dir, latest);
}
