import type { DatasetAdapter, SampleRef } from '../../core/dataset.ts';
import { UserError } from '../../core/errors.ts';
import type { Sample } from '../../core/sample.ts';
import { ACTIONS, type Action } from './actions.ts';
import { VIRTUAL_IMU_PLACEMENTS } from './virtual-imu.ts';
import { SYNTHETIC_DEFAULTS, generateSubject, generateTrial, subjectId, trialId, type SyntheticOptions, type SyntheticSubject } from './synthetic-trial.ts';

/**
 * The synthetic athletes as a data set adapter (`dataset: { name: synthetic, ... }`): listing is
 * free (ids only), a trial is generated when loaded, and the same (seed, id) always gives the
 * same trial, whichever order or process loads it. Subjects group the trials for splits.
 */
export function syntheticDataset(request: Partial<SyntheticOptions> = {}): DatasetAdapter {
  const options = checkSyntheticOptions({ ...SYNTHETIC_DEFAULTS, ...request });
  const subjects = new Map<string, SyntheticSubject>();
  const subject = (index: number) => {
    const id = subjectId(index);
    let s = subjects.get(id);
    if (s === undefined) {
      s = generateSubject(options, index);
      subjects.set(id, s);
    }
    return s;
  };
  return {
    name: 'synthetic',
    classes: options.actions,
    async list(): Promise<SampleRef[]> {
      const refs: SampleRef[] = [];
      for (let s = 0; s < options.subjects; s++) {
        for (const action of options.actions) {
          for (let t = 0; t < options.clipsPerClass; t++) refs.push({ id: trialId(subjectId(s), action, t), label: action, subject: subjectId(s), meta: { subjectIndex: s, trial: t } });
        }
      }
      return refs;
    },
    async load(ref: SampleRef): Promise<Sample> {
      const index = ref.meta.subjectIndex;
      const trial = ref.meta.trial;
      if (typeof index !== 'number' || typeof trial !== 'number' || !(options.actions as readonly string[]).includes(ref.label)) {
        throw new Error(`syntheticDataset.load(): '${ref.id}' is not a reference from this data set's list()`);
      }
      return generateTrial(options, subject(index), ref.label as Action, trial);
    },
  };
}

/** Checks a full option set; each problem is a UserError naming the option and its allowed range. */
export function checkSyntheticOptions(o: SyntheticOptions): SyntheticOptions {
  const fail = (message: string, hint?: string): never => {
    throw new UserError(`synthetic data set: ${message}`, hint);
  };
  const wholeNumber = (name: keyof SyntheticOptions, min: number, max: number) => {
    const v = o[name];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) fail(`${name} must be a whole number ${min}-${max}, got ${String(v)}`);
  };
  const range = (name: keyof SyntheticOptions, min: number, max: number, unit = '') => {
    const v = o[name];
    if (typeof v !== 'number' || !(v >= min && v <= max)) fail(`${name} must be ${min}-${max}${unit}, got ${String(v)}`);
  };
  wholeNumber('seed', -(2 ** 31), 2 ** 31 - 1);
  wholeNumber('subjects', 1, 99); // ids S01-S99
  wholeNumber('clipsPerClass', 1, 99);
  wholeNumber('size', 16, 1024);
  range('duration', 0.5, 30, ' s');
  range('fps', 1, 240, ' frames/s');
  range('imuRate', 10, 1000, ' Hz');
  for (const p of ['blur', 'occlusion', 'packetLoss'] as const) range(p, 0, 1);
  if (o.actions.length === 0) fail('actions is empty', `choose from ${ACTIONS.join(', ')}`);
  const unknown = o.actions.filter((a) => !(ACTIONS as readonly string[]).includes(a));
  if (unknown.length > 0) fail(`unknown action${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}`, `known actions: ${ACTIONS.join(', ')}`);
  if (new Set(o.actions).size !== o.actions.length) fail(`actions lists one twice: ${o.actions.join(', ')}`);
  const badPlacement = o.placements.filter((p) => !(VIRTUAL_IMU_PLACEMENTS as readonly string[]).includes(p));
  if (badPlacement.length > 0) fail(`unknown sensor placement ${badPlacement.join(', ')}`, `known placements: ${VIRTUAL_IMU_PLACEMENTS.join(', ')}`);
  if (new Set(o.placements).size !== o.placements.length) fail(`placements lists one twice: ${o.placements.join(', ')}`);
  return o;
}
