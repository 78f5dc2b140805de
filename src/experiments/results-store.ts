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
 * Every file is written atomically, so a killed run leaves finished folds whole and no partial one.
 */
export class ResultsStore {
  private constructor(readonly dir: string, readonly config: RunConfig) {}

  static unitKey(trialId: string, fold: number): string {
    return `${trialId}/fold-${fold + 1}`;
  }

  /** A new run's folder: `runDir` where given, else `<root>/<experiment>/<date-time>`. */
  static async create(root: string, loaded: LoadedExperiment, trials: readonly Trial[], sweep: boolean, runDir?: string): Promise<ResultsStore> {
    const base = resolve(root, loaded.experiment.name);
    const stamp = new Date().toISOString().replace(/\.\d+Z$/, '').replace(/[-:]/g, '').replace('T', '-');
    let dir = runDir === undefined ? join(base, stamp) : resolve(runDir);
    if (runDir === undefined) for (let n = 2; existsSync(dir); n++) dir = join(base, `${stamp}-${n}`);
    await mkdir(dir, { recursive: true });
    const config = runConfig(loaded, trials, sweep);
    await writeJsonAtomic(join(dir, RUN_FILES.config), config);
    return new ResultsStore(dir, config);
  }

  /** The run in `where` (or the experiment's latest): its trials must be the ones the file makes now. */
  static async resume(root: string, loaded: LoadedExperiment, trials: readonly Trial[], where: string | true): Promise<ResultsStore> {
    let dir: string;
    if (where === true) {
      const base = resolve(root, loaded.experiment.name);
      const runs = existsSync(base) ? (await readdir(base, { withFileTypes: true })).filter((d) => d.isDirectory() && existsSync(join(base, d.name, RUN_FILES.config))).map((d) => d.name).sort() : [];
      const latest = runs[runs.length - 1];
      if (latest === undefined) throw new UserError(`--resume: no earlier run of '${loaded.experiment.name}' in ${base}`, 'Run it without --resume first.');
      dir = join(base, latest);
    } else {
      dir = resolve(where);
    }
    let saved: RunConfig;
    try {
      saved = JSON.parse(await readFile(join(dir, RUN_FILES.config), 'utf8')) as RunConfig;
    } catch (err) {
      throw new UserError(`--resume: ${dir} is not a motionfuse run (no readable ${RUN_FILES.config})`, 'Give the folder of a run, results/<experiment>/<run-id>.', { cause: err });
    }
    const now = trials.map((t) => t.id);
    const before = saved.trials.map((t) => t.id);
    if (now.join() !== before.join()) {
      const added = trials.filter((t) => !before.includes(t.id)).map((t) => t.label);
      throw new UserError(`--resume: the experiment's trials differ from those of the run in ${dir}${added.length > 0 ? ` (new or changed: ${added.join(', ')})` : ''}`, 'Resume with the file (and --set values) the run started with, or start a new run.');
    }
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

  modelDir(trialId: string, fold: number): string {
    return join(this.dir, RUN_FILES.trials, trialId, `model-fold-${fold + 1}`);
  }

  private foldPath(trialId: string, fold: number): string {
    return join(this.dir, RUN_FILES.trials, trialId, `fold-${fold + 1}.json`);
  }

  async writeFold(trial: Trial, fold: number, result: FoldResult): Promise<void> {
    const file: FoldFile = { trialId: trial.id, label: trial.label, dataset: String(trial.experiment.dataset.name), fold, finishedAt: new Date().toISOString(), result };
    await writeJsonAtomic(this.foldPath(trial.id, fold), file);
  }

  /** Unit keys of the folds with a file. */
  async finishedUnits(): Promise<string[]> {
    const keys: string[] = [];
    for (const trial of this.config.trials) {
      for (let fold = 0; fold < foldCount(trial.experiment.split); fold++) if (existsSync(this.foldPath(trial.id, fold))) keys.push(ResultsStore.unitKey(trial.id, fold));
    }
    return keys;
  }

  /** Every finished fold, in trial then fold order. */
  async readFolds(): Promise<FoldFile[]> {
    const files: FoldFile[] = [];
    for (const trial of this.config.trials) {
      for (let fold = 0; fold < foldCount(trial.experiment.split); fold++) {
        const path = this.foldPath(trial.id, fold);
        if (existsSync(path)) files.push(JSON.parse(await readFile(path, 'utf8')) as FoldFile);
      }
    }
    return files;
  }

  /** tables/: trials-folds.csv, variants.csv and .md, class-error.csv, dataset-variant.csv, from the folds finished so far. */
  async writeTables(): Promise<ResultTables | undefined> {
    const folds = await this.readFolds();
    if (folds.length === 0) return undefined;
    const focus = this.config.experiment.report.focusClasses;
    // The tables are built with arquero (~170 modules): loaded here, not by everything that names a run's files.
    const { resultTables, variantsMarkdown } = await import('../report/result-tables.ts');
    const tables = resultTables(folds.map(foldRecord), focus);
    const dir = join(this.dir, RUN_FILES.tables);
    await writeFileAtomic(join(dir, 'trials-folds.csv'), tables.trialsFolds.toCSV());
    await writeFileAtomic(join(dir, 'variants.csv'), tables.variants.toCSV());
    await writeFileAtomic(join(dir, 'variants.md'), `${variantsMarkdown(tables.variants, focus)}\n`);
    await writeFileAtomic(join(dir, 'class-error.csv'), tables.classError.toCSV());
    await writeFileAtomic(join(dir, 'dataset-variant.csv'), tables.datasetVariant.toCSV());
    return tables;
  }

  /** A finished run's folder, read back (for `motionfuse report`). */
  static async open(dir: string): Promise<ResultsStore> {
    try {
      return new ResultsStore(resolve(dir), JSON.parse(await readFile(join(dir, RUN_FILES.config), 'utf8')) as RunConfig);
    } catch (err) {
      throw new UserError(`${dir} is not a motionfuse run (no readable ${RUN_FILES.config})`, 'Give the folder of a run, results/<experiment>/<run-id>.', { cause: err });
    }
  }
}

export function foldRecord(f: FoldFile): FoldRecord {
  return { trialId: f.trialId, label: f.label, dataset: f.dataset, fold: f.fold, report: f.result.report, epochs: f.result.training?.history.length, seconds: f.result.seconds };
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
