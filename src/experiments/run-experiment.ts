import { setMaxListeners } from 'node:events';
import { buildModel } from '../models/model-registry.ts';
import { availableParallelism } from 'node:os';
import type { BackendPreference } from '../backend/backend-preference.ts';
import { isUserError, UserError } from '../core/errors.ts';
import { startProgress } from '../core/progress.ts';
import type { EpochRecord } from '../train/fit.ts';
import { expandTrials, type Trial } from './expand-sweep.ts';
import { nativeKernelsUsed, startFoldPool, type FoldPool } from './fold-pool.ts';
import type { LoadedExperiment } from './load-experiment.ts';
import type { SkippedSample } from '../inputs/build-input-sets.ts';
import { prepareInputSets } from './prepare-input-sets.ts';
import { repeatsOf, ResultsStore } from './results-store.ts';
import { foldCount } from './trial-plan.ts';
import { writeRunReport } from './write-run-report.ts';

export interface RunExperimentOptions {
  /** Expand the `sweep:` block (motionfuse sweep); otherwise only the base configuration runs. */
  sweep: boolean;
  /** Continue a run: its folder, or true for the experiment's latest run. */
  resume?: string | true;
  /** Folder of all results (default: results). */
  resultsRoot: string;
  /** The new run's folder, instead of `<resultsRoot>/<experiment>/<date-time>`. */
  runDir?: string;
  /** Parallel fold workers; default the experiment's run.workers. 0 runs in this thread. */
  workers?: number;
  /** Threads of each worker's native kernels; default the experiment's run.threadsPerWorker ('auto': the cores shared among the workers). */
  threadsPerWorker?: number;
  backend?: BackendPreference;
  /** Versions, backend, platform, git commit: written to environment.json. */
  environment: Record<string, unknown>;
  /** Input-set files go here (content-addressed, shared by runs). */
  cacheDir: string;
  /** Part of the input-set keys: another version of the code prepares its own. */
  codeVersion: string;
  signal?: AbortSignal;
  progress?: boolean;
  logLevel?: string;
  /**
   * Where the folds run; default a local fold pool (startFoldPool). A distributed sweep passes
   * the queue's (distributed/queue-fold-pool.ts); the run folder is written here either way.
   */
  startPool?: (plan: FoldPoolPlan) => FoldPool | Promise<FoldPool>;
}

/** What a fold pool is started with: the local pool's options, the run folder, and the units already finished in it. */
export type FoldPoolPlan = Parameters<typeof startFoldPool>[0] & { runDir: string; finished: readonly string[] };

export interface RunSummary {
  runDir: string;
  trials: Trial[];
  /** `<trial id>/fold-<k>` (`-r<n>` for a fold's n-th training) of every fold run now, and of every fold found finished. */
  ran: string[];
  reused: string[];
  /** True when the run was stopped (signal) before every fold finished. */
  stopped: boolean;
  skipped: SkippedSample[];
  workers: number;
  /** report.html, written when every fold finished (`motionfuse report` writes one for a stopped run). */
  report?: string;
}

/**
 * Runs an experiment's trials x folds x repeats: the inputs are prepared once per distinct
 * configuration, folds run on parallel workers, and each finished fold is written atomically under
 * `results/<experiment>/<run-id>/trials/<trial>/fold-<k>.json` (`fold-<k>-r<n>.json` for the n-th
 * training of a fold with run.repeats). A stopped or killed run resumes from its folder and runs
 * only the folds that have no file yet; the results are those of an uninterrupted run, since each
 * fold depends only on the configuration, the seed and the repeat.
 */
export async function runExperiment(loaded: LoadedExperiment, options: RunExperimentOptions): Promise<RunSummary> {
  const trials = expandTrials(loaded, { sweep: options.sweep });
  const reference = loaded.experiment.report.reference;
  // One trial (`motionfuse run` of a file whose sweep names the reference) compares nothing.
  if (reference !== undefined && trials.length > 1 && !trials.some((t) => t.label === reference))
    throw new UserError(
      `report.reference: no variant is named '${reference}'`,
      `The variants: ${trials.map((t) => t.label).join(', ')}`,
    );
  for (const t of trials) {
    const recipe = buildModel(t.experiment.model);
    if (recipe.kind === 'network' && recipe.fitHeadWeights === true && t.experiment.split.validationFolds === 0)
      throw new UserError(
        `trial '${t.label}': model.combine: validation fits late fusion's weights on the validation group, and split.validationFolds is 0`,
        'Set split.validationFolds above 0 (e.g. 3), or model.combine: mean.',
      );
  }
  const store =
    options.resume === undefined
      ? await ResultsStore.create(options.resultsRoot, loaded, trials, options.sweep, options.runDir)
      : await ResultsStore.resume(options.resultsRoot, loaded, trials, options.resume);
  const units = trials.flatMap((trial) =>
    Array.from({ length: foldCount(trial.experiment.split) }, (_, fold) =>
      Array.from({ length: repeatsOf(trial.experiment) }, (_, repeat) => ({ trial, fold, repeat })),
    ).flat(),
  );
  const finished = new Set(await store.finishedUnits());
  const keyOf = (u: { trial: Trial; fold: number; repeat: number }) =>
    ResultsStore.unitKey(u.trial.id, u.fold, u.repeat);
  const todo = units.filter((u) => !finished.has(keyOf(u)));
  const reused = units.filter((u) => finished.has(keyOf(u))).map(keyOf);
  const wanted =
    options.workers ??
    (loaded.experiment.run.workers === 'auto' ? availableParallelism() : loaded.experiment.run.workers);
  const workers = Math.max(0, Math.min(wanted, todo.length));
  const threads =
    options.threadsPerWorker ??
    (loaded.experiment.run.threadsPerWorker === 'auto' ? undefined : loaded.experiment.run.threadsPerWorker);
  await store.recordStart({ ...options.environment, workers, nativeKernels: nativeKernelsUsed(workers, threads) });
  const { inputs, skipped } = await prepareInputSets(todo.length > 0 ? [...new Set(todo.map((u) => u.trial))] : [], {
    cacheDir: options.cacheDir,
    codeVersion: options.codeVersion,
    progress: options.progress ?? true,
  });
  if (skipped.length > 0) await store.recordSkipped(skipped);
  const ran: string[] = [];
  let stopped = false;
  if (todo.length > 0) {
    const pool = await (options.startPool ?? startFoldPool)({
      workers,
      ...(threads === undefined ? {} : { threadsPerWorker: threads }),
      ...(options.backend === undefined ? {} : { backend: options.backend }),
      ...(options.logLevel === undefined ? {} : { logLevel: options.logLevel }),
      runDir: store.dir,
      finished: [...finished],
    });
    const bar = startProgress({ label: 'run', total: units.length, unit: 'folds', enabled: options.progress ?? true });
    bar.update(reused.length, reused.length > 0 ? `resumed: ${reused.length} folds already done` : undefined);
    const trialNumber = new Map(trials.map((t, i) => [t.id, i + 1]));
    const status = (trial: Trial, fold: number, repeat: number, r?: EpochRecord) =>
      `trial ${trialNumber.get(trial.id)}/${trials.length} ${trial.label} · fold ${fold + 1}/${foldCount(trial.experiment.split)}${repeatsOf(trial.experiment) > 1 ? ` · repeat ${repeat + 1}/${repeatsOf(trial.experiment)}` : ''}${r === undefined ? '' : ` · epoch ${r.epoch}/${trial.experiment.train.epochs}${r.valAccuracy === undefined ? '' : ` val acc ${r.valAccuracy.toFixed(2)}`}`}`;
    const aborted = () => options.signal?.aborted === true;
    // Every queued fold listens to the one signal.
    if (options.signal !== undefined) setMaxListeners(todo.length + 10, options.signal);
    try {
      await Promise.all(
        todo.map(async ({ trial, fold, repeat }) => {
          if (aborted()) return;
          const prepared = inputs.get(trial.id);
          if (prepared === undefined) throw new Error(`runExperiment(): no inputs prepared for trial ${trial.id}`);
          try {
            const result = await pool.run(
              {
                trialId: trial.id,
                experiment: trial.experiment,
                fold,
                ...(repeat > 0 ? { repeat } : {}),
                inputPath: prepared.path,
                classes: prepared.classes,
                official: prepared.official,
                ...(trial.experiment.run.saveModels ? { modelDir: store.modelDir(trial.id, fold, repeat) } : {}),
                // The first training of a fold is explained (repeats differ only in their seed).
                ...(trial.experiment.report.explain !== undefined && repeat === 0
                  ? { explainPath: store.explainPath(trial.id, fold), label: trial.label }
                  : {}),
              },
              (r) => bar.update(bar.value, status(trial, fold, repeat, r)),
              options.signal,
            );
            await store.writeFold(trial, fold, result, repeat);
            ran.push(ResultsStore.unitKey(trial.id, fold, repeat));
            bar.tick(1, status(trial, fold, repeat));
          } catch (err) {
            if (aborted()) return;
            throw isUserError(err)
              ? new UserError(
                  `trial '${trial.label}' fold ${fold + 1}${repeat > 0 ? ` repeat ${repeat + 1}` : ''}: ${err.message}`,
                  err.hint,
                  { cause: err },
                )
              : err;
          }
        }),
      );
    } finally {
      bar.stop();
      await pool.close();
    }
    stopped = aborted() && ran.length < todo.length;
  }
  await store.writeTables();
  const report = stopped ? undefined : await writeRunReport(store.dir);
  return {
    runDir: store.dir,
    trials,
    ran,
    reused,
    stopped,
    skipped,
    workers,
    ...(report === undefined ? {} : { report }),
  };
}
