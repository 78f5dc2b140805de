import { augmentSample, type AugmentConfigInput } from '../augment/augment-sample.ts';
import { SeededRandom } from '../core/random.ts';
import type { SyntheticOptions } from '../data/synthetic/synthetic-take.ts';
import type { TakeJob } from '../data/synthetic/take-jobs.ts';
import { startTakePool } from '../data/synthetic/take-pool.ts';
import { emptyInputSet, prepareInputs, putSample, type InputSet, type InputSpec } from './model-inputs.ts';

/** Augmented training copies: `copies` per sample, each through the augmentation chain `config`. */
export interface TrainingAugmentation {
  copies: number;
  config: AugmentConfigInput;
  seed: number;
}

/**
 * The model inputs of synthetic takes, generated on worker threads and turned into inputs as
 * each arrives, so no more than a few decoded videos are held at once. Rows follow `jobs`; with
 * `augment`, each take's copies follow (rows n + i x copies + c), augmented on the whole
 * sample (frames, pose and IMUs together, before key frames are chosen) and marked in
 * `augmentedFrom` so that cross-validation trains on them only when their original is trained on.
 */
export async function syntheticInputSet(options: SyntheticOptions, jobs: readonly TakeJob[], spec: InputSpec, augment?: TrainingAugmentation): Promise<InputSet> {
  return (await syntheticInputSets(options, jobs, [spec], augment))[0] as InputSet;
}

/**
 * The inputs of the same takes for several input specs (labels index `options.actions`) (an ablation over key-frame methods or
 * modalities), each take generated once. `onSample` is told as each take is done.
 */
export async function syntheticInputSets(options: SyntheticOptions, jobs: readonly TakeJob[], specs: readonly InputSpec[], augment?: TrainingAugmentation, onSample?: () => void): Promise<InputSet[]> {
  for (const spec of specs) await prepareInputs(spec);
  const copies = augment?.copies ?? 0;
  const n = jobs.length;
  const sets = specs.map((spec) => emptyInputSet(spec, n * (1 + copies)));
  if (copies > 0) for (const set of sets) set.augmentedFrom = Int32Array.from({ length: n * (1 + copies) }, (_, r) => (r < n ? -1 : Math.floor((r - n) / copies)));
  const pool = startTakePool(options);
  try {
    await Promise.all(jobs.map(async (job, i) => {
      const sample = await pool.generate(job);
      specs.forEach((spec, k) => putSample(sets[k] as InputSet, i, sample, spec, options.actions));
      for (let c = 0; c < copies; c++) {
        const copy = augmentSample(sample, augment?.config ?? {}, new SeededRandom(augment?.seed ?? 0).fork(`augment/${sample.id}/${c}`));
        specs.forEach((spec, k) => putSample(sets[k] as InputSet, n + i * copies + c, { ...copy, id: `${sample.id}~aug${c + 1}` }, spec, options.actions));
      }
      onSample?.();
    }));
  } finally {
    await pool.close();
  }
  return sets;
}
