import type { DatasetAdapter, SampleRef } from '../../core/dataset.ts';
import { UserError } from '../../core/errors.ts';
import type { Sample } from '../../core/sample.ts';
import { ACTIONS, type Action } from './actions.ts';
import { SYNTHETIC_DEFAULTS, generateSubject, generateTrial, subjectId, trialId, type SyntheticOptions, type SyntheticSubject } from './synthetic-trial.ts';

/**
 * The synthetic athletes as a data set adapter (`dataset: { name: synthetic, ... }`): listing is
 * free (ids only), a trial is generated when loaded, and the same (seed, id) always gives the
 * same trial, whichever order or process loads it. Subjects group the trials for splits.
 */
export function syntheticDataset(request: Partial<SyntheticOptions> = {}): DatasetAdapter {
  const options = checkOptions({ ...SYNTHETIC_DEFAULTS, ...request });
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

function checkOptions(o: SyntheticOptions): SyntheticOptions {
  const positiveInt = (name: keyof SyntheticOptions) => {
    const v = o[name];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new UserError(`synthetic data set: ${name} must be a whole number >= 1, got ${String(v)}`);
  };
  positiveInt('subjects');
  positiveInt('clipsPerClass');
  if (o.subjects > 99) throw new UserError(`synthetic data set: subjects must be at most 99 (ids S01-S99), got ${o.subjects}`);
  const unknown = o.actions.filter((a) => !(ACTIONS as readonly string[]).includes(a));
  if (unknown.length > 0) throw new UserError(`synthetic data set: unknown action${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}`, `known actions: ${ACTIONS.join(', ')}`);
  if (o.actions.length === 0) throw new UserError('synthetic data set: actions is empty', `choose from ${ACTIONS.join(', ')}`);
  if (!(o.duration >= 0.5 && o.duration <= 30)) throw new UserError(`synthetic data set: duration must be 0.5-30 s, got ${o.duration}`);
  if (!(o.size >= 16 && o.size <= 1024) || !Number.isInteger(o.size)) throw new UserError(`synthetic data set: size must be a whole number of pixels, 16-1024, got ${o.size}`);
  return o;
}
