import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { writeFileAtomic, writeJsonAtomic } from '../core/atomic-file.ts';
import { UserError } from '../core/errors.ts';
import type { FoldRecord, ResultTables } from '../report/result-tables.ts';
import type { FoldResult } from '../train/cross-validate.ts';
import type { Trial } from './expand-sweep.ts';
import type { Experiment } from './experiment-schema.ts';
import type { LoadedExperiment } from './load-experiment.ts';
import type { SkippedSample } from '../inputs/build-input-sets.ts';
import { foldCount } from './trial-plan.ts';

/** What `experiment.json` holds: the resolved configuration of the run and of each trial. */
export interface RunConfig {
  format: 'motionfuse-run/1';
  experiment: Experiment;
  sources: string[];
  sets: string[];
  /** Whether the sweep block was expanded (motionfuse sweep) or the base configuration run. */
  sweep: boolean;
  trials: { id: string; label: string; overrides: Record<string, unknown>; experiment: Experiment }[];
}

/** One fold's file: the fold's full result (metrics, confusion matrix, predictions, learning curve). */
export interface FoldFile {
  trialId: string;
  label: string;
  dataset: string;
  fold: number;
  /** Which training of the fold (0-based), written where the trial has run.repeats > 1; absent: 0. */
  repeat?: number;
  finishedAt: string;
  result: FoldResult;
}

export const RUN_FILES = {
  config: 'experiment.json',
  environment: 'environment.json',
  skipped: 'skipped.json',
  trials: 'trials',
  tables: 'tables',
} as const;

/**
 * A run's folder, `<results>/<experiment>/<run-id>/`: experiment.json (resolved configuration),
 * environment.json (one entry per start and resume), trials/<id>/fold-<k>.json, and tables/.
 * With run.repeats > 1, repeat r (0-based) of fold k is fold-<k>-r<r+1>.json from the second on;
 * the first keeps fold-<k>.json, as a run without repeats names it. Every file is written
 * atomically, so a killed run leaves finished folds whole and no partial one.
 */
export class ResultsStore {
  private constructor(
    readonly dir: string,
    readonly config: RunConfig,
  ) {}

  /** `<trial>/fold-<k>`, `-r<n>` added for the n-th training (n >= 2) of a repeated fold, as its file is named. */
  static unitKey(trialId: string, fold: number, repeat = 0): string {
    return `${trialId}/${unitName(fold, repeat)}`;
  }

  /** A new run's folder: `runDir` where given, else `<root>/<experiment>/<date-time>`. */
  static async create(
    root: string,
    loaded: LoadedExperiment,
    trials: readonly Trial[],
    sweep: boolean,
    runDir?: string,
  ): Promise<ResultsStore> {
    const base = resolve(root, loaded.experiment.name);
    const stamp = new Date()
      .toISOString()
      .replace(/\.\d+Z$/, '')
      .replace(/[-:]/g, '')
      .replace('T', '-');
    let dir = runDir === undefined ? join(base, stamp) : resolve(runDir);
    if (runDir === undefined) for (let n = 2; existsSync(dir); n++) dir = join(base, `${stamp}-${n}`);
    await mkdir(dir, { recursive: true });
    const config = runConfig(loaded, trials, sweep);
    await writeJsonAtomic(join(dir, RUN_FILES.config), config);
    return new ResultsStore(dir, config);
  }

  /** The run in `where` (or the experiment's latest): its trials must be the ones the file makes now. */
  static async resume(
    root: string,
    loaded: LoadedExperiment,
    trials: readonly Trial[],
    where: string | true,
  ): Promise<ResultsStore> {
    let dir: string;
    if (where === true) {
      const base = resolve(root, loaded.experiment.name);
      const runs = existsSync(base)
        ? (await readdir(base, { withFileTypes: true }))
            .filter((d) => d.isDirectory() && existsSync(join(base, d.name, RUN_FILES.config)))
            .map((d) => d.name)
            .sort()
        : [];
      const latest = runs[runs.length - 1];
      if (latest === undefined)
        throw new UserError(
          `--resume: no earlier run of '${loaded.experiment.name}' in ${base}`,
          'Run it without --resume first.',
        );
      dir = join(base, latest);
    } else {
      dir = resolve(where);
    }
    let saved: RunConfig;
    try {
      saved = JSON.parse(await readFile(join(dir, RUN_FILES.config), 'utf8')) as RunConfig;
    } catch (err) {
      throw new UserError(
        `--resume: ${dir} is not a motionfuse run (no readable ${RUN_FILES.config})`,
        'Give the folder of a run, results/<experiment>/<run-id>.',
        { cause: err },
      );
    }
    const now = trials.map((t) => t.id);
    const before = saved.trials.map((t) => t.id);
    if (now.join() !== before.join()) {
      const added = trials.filter((t) => !before.includes(t.id)).map((t) => t.label);
      throw new UserError(
        `--resume: the experiment's trials differ from those of the run in ${dir}${added.length > 0 ? ` (new or changed: ${added.join(', ')})` : ''}`,
        'Resume with the file (and --set values) the run started with, or start a new run.',
      );
    }
    // Repeats are not part of a trial's id: the saved ones decide which files the run reads.
    const repeatsNow = trials.map((t) => repeatsOf(t.experiment));
    const repeatsBefore = saved.trials.map((t) => repeatsOf(t.experiment));
    if (repeatsNow.join() !== repeatsBefore.join())
      throw new UserError(
        `--resume: run.repeats is ${repeatsNow[0]} here but ${repeatsBefore[0]} in the run in ${dir}`,
        `Resume with run.repeats: ${repeatsBefore[0]} (--set run.repeats=${repeatsBefore[0]}), or start a new run.`,
      );
    return new ResultsStore(dir, saved);
  }

  async recordStart(environment: Record<string, unknown>): Promise<void> {
    const path = join(this.dir, RUN_FILES.environment);
    const earlier = existsSync(path) ? (JSON.parse(await readFile(path, 'utf8')) as { starts: unknown[] }).starts : [];
    await writeJsonAtomic(path, { starts: [...earlier, { at: new Date().toISOString(), ...environment }] });
  }

  async recordSkipped(skipped: readonly SkippedSample[]): Promise<void> {
    await writeJsonAtomic(join(this.dir, RUN_FILES.skipped), { skipped });
  }

  modelDir(trialId: string, fold: number, repeat = 0): string {
    return join(this.dir, RUN_FILES.trials, trialId, `model-${unitName(fold, repeat)}`);
  }

  /** A unit's fold file, whether or not it is written yet. */
  foldFile(trialId: string, fold: number, repeat = 0): string {
    return this.foldPath(trialId, fold, repeat);
  }

  /** A fold's explanations (report.explain): trials/<id>/explain-fold-<k>.json, its PNGs in explain-fold-<k>/. */
  explainPath(trialId: string, fold: number): string {
    return join(this.dir, RUN_FILES.trials, trialId, `explain-${unitName(fold, 0)}.json`);
  }

  private foldPath(trialId: string, fold: number, repeat = 0): string {
    return join(this.dir, RUN_FILES.trials, trialId, `${unitName(fold, repeat)}.json`);
  }

  async writeFold(trial: Trial, fold: number, result: FoldResult, repeat = 0): Promise<void> {
    const file: FoldFile = {
      trialId: trial.id,
      label: trial.label,
      dataset: String(trial.experiment.dataset.name),
      fold,
      ...(repeatsOf(trial.experiment) > 1 ? { repeat } : {}),
      finishedAt: new Date().toISOString(),
      result,
    };
    await writeJsonAtomic(this.foldPath(trial.id, fold, repeat), file);
  }

  /** Every (fold, repeat) of the run's trials, in trial, fold, repeat order. */
  private *units(): Generator<{ trialId: string; fold: number; repeat: number }> {
    for (const trial of this.config.trials)
      for (let fold = 0; fold < foldCount(trial.experiment.split); fold++)
        for (let repeat = 0; repeat < repeatsOf(trial.experiment); repeat++) yield { trialId: trial.id, fold, repeat };
  }

  /** Unit keys of the folds (and repeats) with a file. */
  async finishedUnits(): Promise<string[]> {
    return [...this.units()]
      .filter((u) => existsSync(this.foldPath(u.trialId, u.fold, u.repeat)))
      .map((u) => ResultsStore.unitKey(u.trialId, u.fold, u.repeat));
  }

  /** Every finished fold, in trial, fold, then repeat order. */
  async readFolds(): Promise<FoldFile[]> {
    const files: FoldFile[] = [];
    for (const u of this.units()) {
      const path = this.foldPath(u.trialId, u.fold, u.repeat);
      if (existsSync(path)) files.push(JSON.parse(await readFile(path, 'utf8')) as FoldFile);
    }
    return files;
  }

  /** tables/: trials-folds.csv, variants.csv and .md, class-error.csv, dataset-variant.csv, from the folds finished so far. */
  async writeTables(): Promise<ResultTables | undefined> {
    const folds = await this.readFolds();
    if (folds.length === 0) return undefined;
    const focus = this.config.experiment.report.focusClasses;
    const reference = this.config.experiment.report.reference;
    const options = reference === undefined ? {} : { reference };
    // The tables are built with arquero (~170 modules): loaded here, not by everything that names a run's files.
    const { resultTables, variantsMarkdown } = await import('../report/result-tables.ts');
    const tables = resultTables(folds.map(foldRecord), focus, options);
    const dir = join(this.dir, RUN_FILES.tables);
    await writeFileAtomic(join(dir, 'trials-folds.csv'), tables.trialsFolds.toCSV());
    await writeFileAtomic(join(dir, 'variants.csv'), tables.variants.toCSV());
    const note = this.config.experiment.report.note;
    await writeFileAtomic(
      join(dir, 'variants.md'),
      `${variantsMarkdown(tables.variants, focus, note === undefined ? options : { ...options, note })}\n`,
    );
    await writeFileAtomic(join(dir, 'class-error.csv'), tables.classError.toCSV());
    await writeFileAtomic(join(dir, 'dataset-variant.csv'), tables.datasetVariant.toCSV());
    return tables;
  }

  /** A finished run's folder, read back (for `motionfuse report`). */
  static async open(dir: string): Promise<ResultsStore> {
    try {
      return new ResultsStore(
        resolve(dir),
        JSON.parse(await readFile(join(dir, RUN_FILES.config), 'utf8')) as RunConfig,
      );
    } catch (err) {
      throw new UserError(
        `${dir} is not a motionfuse run (no readable ${RUN_FILES.config})`,
        'Give the folder of a run, results/<experiment>/<run-id>.',
        { cause: err },
      );
    }
  }
}

export function foldRecord(f: FoldFile): FoldRecord {
  return {
    trialId: f.trialId,
    label: f.label,
    dataset: f.dataset,
    fold: f.fold,
    repeat: f.repeat ?? 0,
    report: f.result.report,
    epochs: f.result.training?.history.length,
    seconds: f.result.seconds,
    predictions: f.result.predictions,
  };
}

/** `fold-<k>` (1-based), `-r<n>` added for the n-th training (n >= 2) of a repeated fold. */
function unitName(fold: number, repeat: number): string {
  return `fold-${fold + 1}${repeat > 0 ? `-r${repeat + 1}` : ''}`;
}

/** A trial's trainings per fold; runs saved before run.repeats existed have 1. */
export function repeatsOf(experiment: Experiment): number {
  return (experiment.run as Partial<Experiment['run']>).repeats ?? 1;
}

function runConfig(loaded: LoadedExperiment, trials: readonly Trial[], sweep: boolean): RunConfig {
  return {
    format: 'motionfuse-run/1',
    experiment: loaded.experiment,
    sources: loaded.sources.map((s) => s.file),
    sets: loaded.sets,
    sweep,
    trials: trials.map((t) => ({ id: t.id, label: t.label, overrides: t.overrides, experiment: t.experiment })),
  };
}
