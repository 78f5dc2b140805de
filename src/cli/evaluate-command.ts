import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Argv } from 'yargs';
import type { BackendPreference } from '../backend/backend-preference.ts';
import { resolveAugmentConfig, type AugmentConfigInput } from '../augment/augment-sample.ts';
import { getLogLevel } from '../core/logger.ts';
import { UserError } from '../core/errors.ts';
import { checkSyntheticOptions } from '../data/synthetic/synthetic-dataset.ts';
import type { PlainObject } from '../experiments/dotted-keys.ts';
import { validateExperiment, type LoadedExperiment } from '../experiments/load-experiment.ts';
import { RUN_FILES } from '../experiments/results-store.ts';
import { SYNTHETIC_INPUTS } from '../inputs/input-spec.ts';
import { MODELS } from '../models/model-registry.ts';
import { PAPER_TRAINING } from '../train/paper-training.ts';

/** The experiment fields the flags set, for messages about a value the schema refuses. */
const FLAG_OF: Record<string, string> = {
  seed: '--seed',
  dataset: '--subjects/--clips',
  'split.k': '--folds',
  'split.kind': '--split',
  'inputs.imu.placements': '--placements',
  'inputs.backbone.model': '--backbone',
  'train.epochs': '--epochs',
  'train.patience': '--patience',
  'train.classWeights': '--class-weights',
  'train.augment.copies': '--augment',
  'train.augment.chain': '--augment-config',
};

/**
 * `motionfuse evaluate`: the models compared on the synthetic set by group k-fold over athletes,
 * with the paper's training. A front to the experiment runner: the flags make an experiment
 * (a sweep over `model.type`), run into --out as `motionfuse sweep` runs a file.
 */
export function evaluateCommand<T>(cli: Argv<T>): Argv<T> {
  // The models a name alone makes (`fusion` needs `use`: an experiment file gives it).
  const names = MODELS.typesWithoutOptions();
  return cli.command(
    'evaluate',
    'Compare models (baselines, single modalities, fusion) on the synthetic set by group k-fold over athletes',
    (y) =>
      y
        .option('models', {
          type: 'array',
          string: true,
          default: names,
          describe: `Models to compare (${names.join(', ')})`,
        })
        .option('folds', { type: 'number', default: 5, describe: 'k of the k-fold' })
        .option('split', {
          choices: ['group-k-fold', 'k-fold'] as const,
          default: 'group-k-fold' as const,
          describe:
            'group-k-fold: no athlete in two folds; k-fold: stratified by class, athletes shared (shows what leakage does to the scores)',
        })
        .option('subjects', { type: 'number', default: 12, describe: 'Synthetic athletes' })
        .option('clips', { type: 'number', default: 10, describe: 'Takes per action and athlete' })
        .option('seed', { type: 'number', default: 7, describe: 'Seed of the data, the folds and the training' })
        .option('epochs', {
          type: 'number',
          default: PAPER_TRAINING.epochs,
          describe: 'Most epochs (early stopping after --patience without a better validation loss)',
        })
        .option('patience', {
          type: 'number',
          default: PAPER_TRAINING.patience,
          describe: 'Epochs without a better validation loss before stopping (best weights restored)',
        })
        .option('class-weights', {
          choices: ['none', 'balanced'] as const,
          default: PAPER_TRAINING.classWeights,
          describe: "Weight each class's loss by n / (classes x its training count)",
        })
        .option('augment-config', {
          type: 'string',
          describe:
            'The augmentation chain as JSON, any step or field left out takes its default, e.g. \'{"rotateImu":{"p":0.8,"maxDeg":60}}\' (fields: src/augment/augment-sample.ts)',
        })
        .option('placements', {
          type: 'array',
          string: true,
          default: [...(SYNTHETIC_INPUTS.imu?.placements ?? [])],
          describe:
            'IMU placements the models read (the synthetic athletes wear wrist, ankle and pelvis sensors); e.g. --placements wrist for one watch-like wearable',
        })
        .option('augment', {
          type: 'number',
          default: 0,
          describe:
            'Augmented training copies per take (flip, affine, IMU rotation, jitter, scaling, time warp, synchronised; src/augment defaults)',
        })
        .option('backbone', {
          type: 'string',
          default: 'movenet-lightning',
          describe:
            'Frozen pretrained backbone of the pretrained-* models: movenet-lightning (shipped in @vladmandic/human) or the path of a TensorFlow.js model.json',
        })
        .option('out', {
          type: 'string',
          describe:
            'Folder of the run: experiment.json, trials/, tables/, report.html (default results/evaluate/<date-time>)',
        })
        .option('workers', {
          type: 'number',
          describe: 'Parallel fold workers (default one per core; 0 runs the folds in this thread)',
        }),
    async (args) => {
      const unknown = args.models.find((name) => !names.includes(name));
      if (unknown !== undefined || args.models.length === 0)
        throw new UserError(
          unknown === undefined ? '--models: name at least one model' : `unknown model '${unknown}'`,
          `known models: ${names.join(', ')}`,
        );
      const data = checkSyntheticOptions({ seed: args.seed, subjects: args.subjects, clipsPerClass: args.clips });
      if (!Number.isInteger(args.folds) || args.folds < 2 || args.folds > data.subjects)
        throw new UserError(
          `--folds must be a whole number from 2 to the number of athletes (${data.subjects}), got ${args.folds}`,
        );
      if (args.workers !== undefined && (!Number.isInteger(args.workers) || args.workers < 0))
        throw new UserError(`--workers must be a whole number >= 0, got ${args.workers}`);
      const out = resolve(args.out ?? `results/evaluate/${new Date().toISOString().replace(/[:.]/g, '-')}`);
      if (existsSync(join(out, RUN_FILES.config)))
        throw new UserError(`--out: ${out} holds a run already`, 'Give a new folder, or delete that one.');
      const worn = data.placements as readonly string[];
      const unknownPlacement = args.placements.find((p) => !worn.includes(p));
      if (unknownPlacement !== undefined || args.placements.length === 0)
        throw new UserError(
          `--placements: '${unknownPlacement ?? ''}' is not worn by the synthetic athletes`,
          `They wear: ${worn.join(', ')}`,
        );
      if (!Number.isInteger(args.augment) || args.augment < 0)
        throw new UserError(`--augment must be a whole number of copies >= 0, got ${args.augment}`);
      const chain =
        args.augment > 0
          ? resolveAugmentConfig(parseJsonOption('--augment-config', args['augment-config']) as AugmentConfigInput)
          : undefined;
      const written: PlainObject = {
        name: 'evaluate',
        seed: args.seed,
        dataset: { name: 'synthetic', seed: args.seed, subjects: args.subjects, clipsPerClass: args.clips },
        split: { kind: args.split, k: args.folds, validationFolds: 5 },
        inputs: { imu: { placements: args.placements }, backbone: { model: args.backbone } },
        model: { type: args.models[0] },
        train: {
          epochs: args.epochs,
          patience: args.patience,
          classWeights: args['class-weights'],
          augment: { copies: args.augment, ...(chain === undefined ? {} : { chain }) },
        },
        sweep: { grid: { 'model.type': args.models } },
        report: { focusClasses: ['jump'] },
      };
      const flag = (path: readonly PropertyKey[]) =>
        Object.entries(FLAG_OF).find(([field]) => `${path.join('.')}.`.startsWith(`${field}.`))?.[1];
      const experiment = validateExperiment(written, [], (path) => ({
        file: flag(path) ?? 'motionfuse evaluate',
        field: path.join('.'),
      }));
      const loaded: LoadedExperiment = { experiment, written, sources: [], sets: [] };
      // Options are all checked before the backend and the runner load, so a mistyped flag fails at once.
      const { selectBackend } = await import('../backend/select-backend.ts');
      const { runExperiment } = await import('../experiments/run-experiment.ts');
      const { REPORT_FILE } = await import('../experiments/write-run-report.ts');
      const { inputSetCache, runEnvironment } = await import('./run-environment.ts');
      const backendPreference = args['backend'] as BackendPreference | undefined;
      const backend = await selectBackend(backendPreference);
      const summary = await runExperiment(loaded, {
        sweep: true,
        resultsRoot: resolve(out, '..'),
        runDir: out,
        ...(args.workers === undefined ? {} : { workers: args.workers }),
        ...(backendPreference === undefined ? {} : { backend: backendPreference }),
        environment: { ...(await runEnvironment(backend)), command: `motionfuse ${process.argv.slice(2).join(' ')}` },
        ...(await inputSetCache()),
        // Workers say only what matters; the main thread has said which backend runs.
        logLevel: getLogLevel() === 'debug' ? 'debug' : 'warn',
      });
      const table = await readFile(join(summary.runDir, RUN_FILES.tables, 'variants.md'), 'utf8');
      process.stdout.write(
        `\n${table}\nmean ± sample standard deviation over ${args.folds} folds (${args.split === 'group-k-fold' ? 'group k-fold by athlete' : 'k-fold stratified by class'}); macro and weighted F1 as named\nresults: ${out}\n`,
      );
      if (summary.report !== undefined) process.stdout.write(`report: ${join(out, REPORT_FILE)}\n`);
    },
  );
}

function parseJsonOption(flag: string, text: string | undefined): unknown {
  if (text === undefined) return {};
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new UserError(
      `${flag} is not JSON: ${err instanceof Error ? err.message : String(err)}`,
      `e.g. ${flag} '{"rotateImu":{"maxDeg":60}}'`,
    );
  }
}
