import { existsSync } from 'node:fs';
import type { BackendPreference } from '../../backend/backend-preference.ts';
import { UserError } from '../../core/errors.ts';
import { startFoldPool } from '../fold-pool.ts';
import { prepareInputSets } from '../prepare-input-sets.ts';
import { ResultsStore } from '../results-store.ts';
import { readSlurmUnits } from './slurm-array.ts';

export interface RunUnitOptions {
  cacheDir: string;
  codeVersion: string;
  threadsPerWorker?: number;
  backend?: BackendPreference;
  logLevel?: string;
}

/**
 * One array task of `sweep --emit slurm`: unit `index` of the run's unit list, trained in this
 * process by the local runner's fold code, its fold file written atomically in the run folder
 * (this task is its only writer). A unit whose fold file exists is left alone, so a task run
 * again does nothing twice. Returns the unit key and whether it trained.
 */
export async function runUnit(
  runDir: string,
  index: number,
  options: RunUnitOptions,
): Promise<{ unit: string; trained: boolean }> {
  const store = await ResultsStore.open(runDir);
  const list = await readSlurmUnits(store.dir);
  const unit = Number.isInteger(index) ? list.units[index] : undefined;
  if (unit === undefined)
    throw new UserError(
      `run-unit: no unit ${index} in ${store.dir} (it has ${list.units.length}, 0 to ${list.units.length - 1})`,
      'Give the array task index (SLURM_ARRAY_TASK_ID) of the script this run folder holds.',
    );
  if (list.codeVersion !== options.codeVersion)
    throw new UserError(
      `run-unit: this machine runs code ${options.codeVersion}, the run was written by ${list.codeVersion}`,
      'Run the tasks with the checkout (or version) that wrote the script.',
    );
  const trial = store.config.trials.find((t) => t.id === unit.trialId);
  if (trial === undefined) throw new Error(`runUnit(): trial ${unit.trialId} is not in ${store.dir}/experiment.json`);
  if (existsSync(store.foldFile(unit.trialId, unit.fold, unit.repeat))) return { unit: unit.key, trained: false };
  const { inputs, skipped } = await prepareInputSets([trial], {
    cacheDir: options.cacheDir,
    codeVersion: options.codeVersion,
    progress: false,
  });
  if (skipped.length > 0) await store.recordSkipped(skipped);
  const prepared = inputs.get(trial.id);
  if (prepared === undefined) throw new Error(`runUnit(): no inputs prepared for trial ${trial.id}`);
  const pool = startFoldPool({
    workers: 0,
    ...(options.threadsPerWorker === undefined ? {} : { threadsPerWorker: options.threadsPerWorker }),
    ...(options.backend === undefined ? {} : { backend: options.backend }),
    ...(options.logLevel === undefined ? {} : { logLevel: options.logLevel }),
  });
  try {
    const result = await pool.run(
      {
        trialId: trial.id,
        experiment: trial.experiment,
        fold: unit.fold,
        ...(unit.repeat > 0 ? { repeat: unit.repeat } : {}),
        inputPath: prepared.path,
        classes: prepared.classes,
        official: prepared.official,
        ...(trial.experiment.run.saveModels ? { modelDir: store.modelDir(trial.id, unit.fold, unit.repeat) } : {}),
      },
      () => {},
    );
    await store.writeFold(trial, unit.fold, result, unit.repeat);
  } finally {
    await pool.close();
  }
  return { unit: unit.key, trained: true };
}
