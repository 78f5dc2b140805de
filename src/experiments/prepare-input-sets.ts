import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { errorMessage, isUserError, UserError } from '../core/errors.ts';
import { startProgress } from '../core/progress.ts';
import type { OfficialSplit } from '../core/dataset.ts';
import { createDataset } from '../data/dataset-registry.ts';
import { checkSyntheticOptions } from '../data/synthetic/synthetic-dataset.ts';
import type { TakeJob } from '../data/synthetic/take-jobs.ts';
import { emptyInputSet, prepareInputs, putSample, type InputSet, type InputSpec } from '../inputs/model-inputs.ts';
import { syntheticInputSets, type TrainingAugmentation } from '../inputs/synthetic-inputs.ts';
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

/** Samples that could not be read: named, left out, and reported by the run. */
export interface SkippedSample {
  id: string;
  reason: string;
}

/**
 * The input set of every trial, prepared once per distinct (data set, inputs, augmentation) and
 * kept as a file: trials that read the same inputs share it, workers read it, and a resumed run
 * finds it. Trials of one data set are prepared in one pass over its samples.
 */
export async function prepareInputSets(trials: readonly Trial[], options: PrepareOptions): Promise<{ inputs: Map<string, PreparedInputs>; skipped: SkippedSample[] }> {
  const inputs = new Map<string, PreparedInputs>();
  const skipped: SkippedSample[] = [];
  // Grouped by data (data set + augmentation): each group's samples are loaded once.
  const groups = new Map<string, { dataset: Trial['experiment']['dataset']; augment: TrainingAugmentation | undefined; specs: Map<string, InputSpec>; trialsBySpec: Map<string, string[]> }>();
  for (const trial of trials) {
    const augment = trialAugmentation(trial.experiment);
    const dataKey = stableJson({ dataset: trial.experiment.dataset, augment: augment ?? null });
    const spec = trialInputSpec(trial.experiment);
    const key = createHash('sha256').update(stableJson({ code: options.codeVersion, data: JSON.parse(dataKey) as unknown, spec })).digest('hex').slice(0, 24);
    let group = groups.get(dataKey);
    if (group === undefined) {
      group = { dataset: trial.experiment.dataset, augment, specs: new Map(), trialsBySpec: new Map() };
      groups.set(dataKey, group);
    }
    group.specs.set(key, spec);
    group.trialsBySpec.set(key, [...(group.trialsBySpec.get(key) ?? []), trial.id]);
  }
  for (const group of groups.values()) {
    // The synthetic set's classes are the actions it was asked for, in that order.
    const adapter = group.dataset.name === 'synthetic' ? undefined : createDataset(group.dataset);
    const classes = adapter === undefined ? checkSyntheticOptions(withoutName(group.dataset)).actions : adapter.classes;
    const official = (await adapter?.officialSplits?.()) ?? [];
    const missing = [...group.specs].filter(([key]) => !existsSync(pathOf(options.cacheDir, key)));
    if (missing.length > 0) {
      const result = await buildInputSets(group.dataset, missing.map(([, spec]) => spec), group.augment, options.progress ?? true);
      skipped.push(...result.skipped);
      missing.forEach(([key], i) => writeInputSet(pathOf(options.cacheDir, key), result.sets[i] as InputSet));
    }
    for (const [key, trialIds] of group.trialsBySpec) for (const id of trialIds) inputs.set(id, { path: pathOf(options.cacheDir, key), classes, official });
  }
  return { inputs, skipped };
}

function pathOf(dir: string, key: string): string {
  return resolve(join(dir, `${key}.inputs`));
}

async function buildInputSets(dataset: Trial['experiment']['dataset'], specs: InputSpec[], augment: TrainingAugmentation | undefined, progress: boolean): Promise<{ sets: InputSet[]; skipped: SkippedSample[] }> {
  if (dataset.name === 'synthetic') {
    const data = checkSyntheticOptions(withoutName(dataset));
    const jobs: TakeJob[] = [];
    for (let s = 0; s < data.subjects; s++) for (const action of data.actions) for (let t = 0; t < data.clipsPerClass; t++) jobs.push({ subjectIndex: s, action, take: t });
    const bar = startProgress({ label: 'inputs', total: jobs.length, unit: 'clips', enabled: progress });
    try {
      return { sets: await syntheticInputSets(data, jobs, specs, augment, () => bar.tick()), skipped: [] };
    } finally {
      bar.stop();
    }
  }
  if (augment !== undefined) throw new UserError(`train.augment: augmented copies are made for the synthetic data set only so far (dataset '${dataset.name}')`, 'Set train.augment.copies to 0.');
  const adapter = createDataset(dataset);
  for (const spec of specs) await prepareInputs(spec);
  const refs = await adapter.list();
  const sets = specs.map((spec) => emptyInputSet(spec, refs.length));
  const kept: number[] = [];
  const skipped: SkippedSample[] = [];
  const bar = startProgress({ label: 'inputs', total: refs.length, unit: 'clips', enabled: progress });
  try {
    for (const [i, ref] of refs.entries()) {
      try {
        const sample = await adapter.load(ref);
        specs.forEach((spec, k) => putSample(sets[k] as InputSet, i, sample, spec, adapter.classes));
        kept.push(i);
      } catch (err) {
        // A sample that cannot be read is named and left out; the run goes on without it.
        if (!isUserError(err)) throw err;
        skipped.push({ id: ref.id, reason: errorMessage(err) });
      }
      bar.tick();
    }
  } finally {
    bar.stop();
  }
  if (kept.length === 0) throw new UserError(`data set '${dataset.name}': no sample could be read`, skipped[0]?.reason);
  return { sets: kept.length === refs.length ? sets : sets.map((s) => keepRows(s, kept)), skipped };
}

function withoutName(dataset: Trial['experiment']['dataset']): Record<string, unknown> {
  const { name: _, ...options } = dataset as Record<string, unknown>;
  return options;
}

/** The set with only `rows`, in order. */
function keepRows(set: InputSet, rows: readonly number[]): InputSet {
  const out: InputSet = { count: rows.length, ids: rows.map((r) => set.ids[r] as string), subjects: rows.map((r) => set.subjects[r] as string), labels: Int32Array.from(rows, (r) => set.labels[r] as number) };
  for (const m of ['imu', 'video', 'pose', 'flow', 'backbone'] as const) {
    const arr = set[m];
    if (arr === undefined) continue;
    const per = arr.shape.reduce((a, b) => a * b, 1);
    const data = new (arr.data.constructor as Float32ArrayConstructor)(rows.length * per);
    rows.forEach((r, i) => data.set(arr.data.subarray(r * per, (r + 1) * per), i * per));
    (out as unknown as Record<string, unknown>)[m] = { data, shape: arr.shape };
  }
  return out;
}

