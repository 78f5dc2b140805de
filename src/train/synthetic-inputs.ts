import { ACTIONS } from '../data/synthetic/actions.ts';
import type { SyntheticOptions } from '../data/synthetic/synthetic-trial.ts';
import type { TrialJob } from '../data/synthetic/trial-jobs.ts';
import { startTrialPool } from '../data/synthetic/trial-pool.ts';
import { emptyInputSet, prepareInputs, putSample, type InputSet, type InputSpec } from './model-inputs.ts';

/**
 * The model inputs of synthetic trials, generated on worker threads and turned into inputs as
 * each arrives, so no more than a few decoded videos are held at once. Rows follow `jobs`.
 */
export async function syntheticInputSet(options: SyntheticOptions, jobs: readonly TrialJob[], spec: InputSpec): Promise<InputSet> {
  await prepareInputs(spec);
  const set = emptyInputSet(spec, jobs.length);
  const pool = startTrialPool(options);
  try {
    await Promise.all(jobs.map(async (job, i) => putSample(set, i, await pool.generate(job), spec, ACTIONS)));
  } finally {
    await pool.close();
  }
  return set;
}
