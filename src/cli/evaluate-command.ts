import { resolve } from 'node:path';
import type { Argv } from 'yargs';
import * as tf from '@tensorflow/tfjs';
import { selectBackend, type BackendPreference } from '../backend/select-backend.ts';
import { resolveAugmentConfig, type AugmentConfigInput } from '../augment/augment-sample.ts';
import { UserError } from '../core/errors.ts';
import { ACTIONS } from '../data/synthetic/actions.ts';
import { checkSyntheticOptions } from '../data/synthetic/synthetic-dataset.ts';
import type { TakeJob } from '../data/synthetic/take-jobs.ts';
import { PAPER_TRAINING } from '../train/fit.ts';
import { evaluateModels } from '../train/evaluate-models.ts';
import { SYNTHETIC_INPUTS, type InputSpec } from '../inputs/model-inputs.ts';
import type { Placement } from '../core/stream.ts';
import { syntheticInputSet } from '../inputs/synthetic-inputs.ts';
import { MODEL_RECIPES, modelRecipe } from '../train/model-recipes.ts';
import { PACKAGE } from './package-info.ts';

/**
 * `motionfuse evaluate`: the models compared on the synthetic set by group k-fold over athletes,
 * with the paper's training; results.json, table.md and table.csv in --out.
 */
export function evaluateCommand<T>(cli: Argv<T>): Argv<T> {
  const names = MODEL_RECIPES.map((r) => r.name);
  return cli.command(
    'evaluate',
    'Compare models (baselines, single modalities, fusion) on the synthetic set by group k-fold over athletes',
    (y) => y
      .option('models', { type: 'array', string: true, default: names, describe: `Models to compare (${names.join(', ')})` })
      .option('folds', { type: 'number', default: 5, describe: 'k of the k-fold' })
      .option('split', { choices: ['group-k-fold', 'k-fold'] as const, default: 'group-k-fold' as const, describe: 'group-k-fold: no athlete in two folds; k-fold: stratified by class, athletes shared (shows what leakage does to the scores)' })
      .option('subjects', { type: 'number', default: 12, describe: 'Synthetic athletes' })
      .option('clips', { type: 'number', default: 10, describe: 'Trials per action and athlete' })
      .option('seed', { type: 'number', default: 7, describe: 'Seed of the data, the folds and the training' })
      .option('epochs', { type: 'number', default: PAPER_TRAINING.epochs, describe: 'Most epochs (early stopping after --patience without a better validation loss)' })
      .option('patience', { type: 'number', default: PAPER_TRAINING.patience, describe: 'Epochs without a better validation loss before stopping (best weights restored)' })
      .option('class-weights', { choices: ['none', 'balanced'] as const, default: PAPER_TRAINING.classWeights, describe: "Weight each class's loss by n / (classes x its training count)" })
      .option('augment-config', { type: 'string', describe: 'The augmentation chain as JSON, any step or field left out takes its default, e.g. \'{"rotateImu":{"p":0.8,"maxDeg":60}}\' (fields: src/augment/augment-sample.ts)' })
      .option('placements', { type: 'array', string: true, default: [...(SYNTHETIC_INPUTS.imu?.placements ?? [])], describe: 'IMU placements the models read (the synthetic athletes wear wrist, ankle and pelvis sensors); e.g. --placements wrist for one watch-like wearable' })
      .option('augment', { type: 'number', default: 0, describe: 'Augmented training copies per trial (flip, affine, IMU rotation, jitter, scaling, time warp, synchronised; src/augment defaults)' })
      .option('backbone', { type: 'string', default: 'movenet-lightning', describe: 'Frozen pretrained backbone of the pretrained-* models: movenet-lightning (shipped in @vladmandic/human) or the path of a TensorFlow.js model.json' })
      .option('out', { type: 'string', describe: 'Folder for results.json, table.md, table.csv (default results/evaluate/<date-time>)' }),
    async (args) => {
      const recipes = args.models.map((name) => {
        const r = modelRecipe(name);
        if (r === undefined) throw new UserError(`unknown model '${name}'`, `known models: ${names.join(', ')}`);
        return r;
      });
      const data = checkSyntheticOptions({ seed: args.seed, subjects: args.subjects, clipsPerClass: args.clips });
      if (!Number.isInteger(args.folds) || args.folds < 2 || args.folds > data.subjects) throw new UserError(`--folds must be a whole number from 2 to the number of athletes (${data.subjects}), got ${args.folds}`);
      const out = resolve(args.out ?? `results/evaluate/${new Date().toISOString().replace(/[:.]/g, '-')}`);
      const jobs: TakeJob[] = [];
      for (let s = 0; s < data.subjects; s++) for (const action of data.actions) for (let t = 0; t < data.clipsPerClass; t++) jobs.push({ subjectIndex: s, action, take: t });
      const worn = data.placements as readonly string[];
      const unknownPlacement = args.placements.find((p) => !worn.includes(p));
      if (unknownPlacement !== undefined || args.placements.length === 0) throw new UserError(`--placements: '${unknownPlacement ?? ''}' is not worn by the synthetic athletes`, `They wear: ${worn.join(', ')}`);
      const imu = { ...(SYNTHETIC_INPUTS.imu as NonNullable<InputSpec['imu']>), placements: args.placements as Placement[] };
      const inputs: InputSpec = { ...SYNTHETIC_INPUTS, imu, ...(recipes.some((r) => r.modalities.includes('backbone')) ? { backbone: { model: args.backbone } } : {}) };
      if (!Number.isInteger(args.augment) || args.augment < 0) throw new UserError(`--augment must be a whole number of copies >= 0, got ${args.augment}`);
      const augment = args.augment > 0 ? { copies: args.augment, config: resolveAugmentConfig(parseJsonOption('--augment-config', args['augment-config']) as AugmentConfigInput), seed: args.seed } : undefined;
      // Options are all checked before the backend loads, so a mistyped flag fails at once.
      const backend = await selectBackend(args['backend'] as BackendPreference | undefined);
      const set = await syntheticInputSet(data, jobs, inputs, augment);
      const train = { ...PAPER_TRAINING, epochs: args.epochs, patience: args.patience, classWeights: args['class-weights'] };
      const config = { dataset: { name: 'synthetic', ...data }, inputs, models: args.models, augment: augment ?? null, folds: args.folds, split: args.split, validationFolds: 5, seed: args.seed, train };
      const environment = { motionfuse: PACKAGE.version, node: process.version, tfjs: tf.version.tfjs, backend: backend.candidate, platform: `${process.platform}-${process.arch}` };
      const { table } = await evaluateModels(set, inputs, ACTIONS, recipes, { folds: args.folds, split: args.split, validationFolds: 5, seed: args.seed, train, focusClass: 'jump', outDir: out, config, environment });
      process.stdout.write(`${table}\n\nmean ± sample standard deviation over ${args.folds} folds (${args.split === 'group-k-fold' ? 'group k-fold by athlete' : 'k-fold stratified by class'}); macro and weighted F1 as named\nresults: ${out}\n`);
    },
  );
}

function parseJsonOption(flag: string, text: string | undefined): unknown {
  if (text === undefined) return {};
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new UserError(`${flag} is not JSON: ${err instanceof Error ? err.message : String(err)}`, `e.g. ${flag} '{"rotateImu":{"maxDeg":60}}'`);
  }
}
