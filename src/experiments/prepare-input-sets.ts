import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startProgress } from '../core/progress.ts';
import type { OfficialSplit } from '../core/dataset.ts';
import { createDataset } from '../data/dataset-registry.ts';
import type { InputSet, InputSpec } from '../inputs/input-spec.ts';
import { buildInputSets, type SkippedSample, type TrainingAugmentation } from '../inputs/build-input-sets.ts';
import { stableJson, type Trial } from './expand-sweep.ts';
import { writeInputSet } from './input-set-file.ts';
import { trialAugmentation, trialInputSpec } from './trial-plan.ts';

/** Where a trial's inputs lie on disk, and the class names their labels index. */
export interface PreparedInputs {
  path: string;
  classes: readonly string[];
  /** The data set's own splits, where it publishes any. */
  official: OfficialSplit[];
}

export interface PrepareOptions {
  /** Folder of the input-set files (content-addressed: the same data and inputs are prepared once). */
  cacheDir: string;
  /** Part of every key, so that another version of the code never reads an older file. */
  codeVersion: string;
  progress?: boolean;
}

/**
 * The input set of every trial, prepared once per distinct (data set, inputs, augmentation) and
 * kept as a file: trials that read the same inputs share it, workers read it, and a resumed run
 * finds it. Trials of one data set are prepared in one pass over its samples.
 */
export async function prepareInputSets(
  trials: readonly Trial[],
  options: PrepareOptions,
): Promise<{ inputs: Map<string, PreparedInputs>; skipped: SkippedSample[] }> {
  const inputs = new Map<string, PreparedInputs>();
  const skipped: SkippedSample[] = [];
  // Grouped by data (data set + augmentation): each group's samples are loaded once.
  const groups = new Map<
    string,
    {
      dataset: Trial['experiment']['dataset'];
      augment: TrainingAugmentation | undefined;
      specs: Map<string, InputSpec>;
      trialsBySpec: Map<string, string[]>;
    }
  >();
  for (const trial of trials) {
    const augment = trialAugmentation(trial.experiment);
    const dataKey = stableJson({ dataset: trial.experiment.dataset, augment: augment ?? null });
    const spec = trialInputSpec(trial.experiment);
    const key = createHash('sha256')
      .update(stableJson({ code: options.codeVersion, data: JSON.parse(dataKey) as unknown, spec }))
      .digest('hex')
      .slice(0, 24);
    let group = groups.get(dataKey);
    if (group === undefined) {
      group = { dataset: trial.experiment.dataset, augment, specs: new Map(), trialsBySpec: new Map() };
      groups.set(dataKey, group);
    }
    group.specs.set(key, spec);
    group.trialsBySpec.set(key, [...(group.trialsBySpec.get(key) ?? []), trial.id]);
  }
  for (const group of groups.values()) {
    const adapter = await createDataset(group.dataset);
    const classes = adapter.classes;
    const official = (await adapter.officialSplits?.()) ?? [];
    const missing = [...group.specs].filter(([key]) => !existsSync(pathOf(options.cacheDir, key)));
    if (missing.length > 0) {
      const refs = await adapter.list();
      const bar = startProgress({
        label: 'inputs',
        total: refs.length,
        unit: 'clips',
        enabled: options.progress ?? true,
      });
      let result;
      try {
        result = await buildInputSets(
          adapter,
          refs,
          missing.map(([, spec]) => spec),
          { ...(group.augment === undefined ? {} : { augment: group.augment }), onSample: () => bar.tick() },
        );
      } finally {
        bar.stop();
      }
      skipped.push(...result.skipped);
      missing.forEach(([key], i) => writeInputSet(pathOf(options.cacheDir, key), result.sets[i] as InputSet));
    }
    for (const [key, trialIds] of group.trialsBySpec)
      for (const id of trialIds) inputs.set(id, { path: pathOf(options.cacheDir, key), classes, official });
  }
  return { inputs, skipped };
}

function pathOf(dir: string, key: string): string {
  return resolve(join(dir, `${key}.inputs`));
}
