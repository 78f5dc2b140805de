import type { DatasetAdapter, SampleLoader, SampleRef } from '../../core/dataset.ts';
import { z } from 'zod';
import { UserError } from '../../core/errors.ts';
import type { Sample } from '../../core/sample.ts';
import type { StreamKind } from '../../core/stream.ts';
import { ACTIONS, type Action } from './actions.ts';
import { VIRTUAL_IMU_PLACEMENTS } from './virtual-imu.ts';
import {
  SYNTHETIC_DEFAULTS,
  generateSubject,
  generateTake,
  subjectId,
  type SyntheticOptions,
  type SyntheticSubject,
} from './synthetic-take.ts';
import { syntheticTakeJobs, takeJobId, type TakeJob } from './take-jobs.ts';

/**
 * The synthetic athletes as a data set adapter (`dataset: { name: synthetic, ... }`): listing is
 * free (ids only), a take is generated when loaded, and the same (seed, id) always gives the
 * same take, whichever order or process loads it. Subjects group the takes for splits.
 */
export function syntheticDataset(request: Partial<SyntheticOptions> = {}): DatasetAdapter {
  const options = checkSyntheticOptions(request);
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
      return syntheticTakeJobs(options).map((job) => ({
        id: takeJobId(job),
        label: job.action,
        subject: subjectId(job.subjectIndex),
        meta: { subjectIndex: job.subjectIndex, take: job.take },
      }));
    },
    async load(ref: SampleRef): Promise<Sample> {
      const job = jobOf(ref, options, 'load');
      return generateTake(options, subject(job.subjectIndex), job.action, job.take);
    },
    // Takes generated on worker threads, each handed back as it is done. The pool (piscina) is
    // imported when a loader opens, not with the data-set registry. Rendering is most of a take's
    // cost, so no frames are rendered for a caller that reads none (the other streams come from
    // their own random forks: they are the same either way).
    openLoader(streams?: ReadonlySet<StreamKind>): SampleLoader {
      const video = options.video && (streams === undefined || streams.has('video'));
      const pool = import('./take-pool.ts').then(({ startTakePool }) => startTakePool({ ...options, video }));
      return {
        load: async (ref) => {
          const job = jobOf(ref, options, 'openLoader().load');
          return (await pool).generate(job);
        },
        close: async () => (await pool).close(),
      };
    },
  };
}

/** The take a reference from list() names. */
function jobOf(ref: SampleRef, options: SyntheticOptions, fn: string): TakeJob {
  const index = ref.meta.subjectIndex;
  const take = ref.meta.take;
  if (
    typeof index !== 'number' ||
    typeof take !== 'number' ||
    !(options.actions as readonly string[]).includes(ref.label)
  ) {
    throw new Error(`syntheticDataset.${fn}(): '${ref.id}' is not a reference from this data set's list()`);
  }
  return { subjectIndex: index, action: ref.label as Action, take };
}

const whole = (min: number, max: number) =>
  z.number().refine((v) => Number.isInteger(v) && v >= min && v <= max, {
    error: (issue) => `must be a whole number ${min}-${max}, got ${String(issue.input)}`,
  });
const within = (min: number, max: number, unit = '') =>
  z.number().refine((v) => v >= min && v <= max, {
    error: (issue) => `must be ${min}-${max}${unit}, got ${String(issue.input)}`,
  });
/** A list of known names, each at most once. */
const namesFrom = (known: readonly string[], what: string) =>
  z.array(z.string()).superRefine((list, ctx) => {
    const unknown = list.filter((a) => !known.includes(a));
    if (unknown.length > 0)
      ctx.addIssue({
        code: 'custom',
        message: `unknown ${what}${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} (known: ${known.join(', ')})`,
      });
    else if (list.length === 0) ctx.addIssue({ code: 'custom', message: `is empty (choose from ${known.join(', ')})` });
    else if (new Set(list).size !== list.length)
      ctx.addIssue({ code: 'custom', message: `lists one twice: ${list.join(', ')}` });
  });

/**
 * The synthetic data set's options, as an experiment file's `dataset: { name: synthetic, ... }`
 * gives them (every key optional, SYNTHETIC_DEFAULTS fill the rest; unknown keys are errors).
 * The one place their ranges are stated: the CLI and the adapter check through it too.
 */
export const SYNTHETIC_OPTIONS_SCHEMA = z
  .strictObject({
    seed: whole(-(2 ** 31), 2 ** 31 - 1),
    subjects: whole(1, 99), // ids S01-S99
    clipsPerClass: whole(1, 99),
    actions: namesFrom(ACTIONS, 'action'),
    duration: within(0.5, 30, ' s'),
    fps: within(1, 240, ' frames/s'),
    size: whole(16, 1024),
    imuRate: within(10, 1000, ' Hz'),
    placements: namesFrom(VIRTUAL_IMU_PLACEMENTS, 'sensor placement'),
    video: z.boolean(),
    pose: z.boolean(),
    blur: within(0, 1),
    occlusion: within(0, 1),
    packetLoss: within(0, 1),
    sensorOutage: within(0, 1),
  })
  .partial();

/** Options over the defaults, checked; each problem is a UserError naming the option. */
export function checkSyntheticOptions(request: unknown): SyntheticOptions {
  const parsed = SYNTHETIC_OPTIONS_SCHEMA.safeParse(request);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const field = issue.path.map(String).join('.');
      if (issue.code === 'unrecognized_keys')
        return `unknown option${issue.keys.length > 1 ? 's' : ''} ${issue.keys.join(', ')}`;
      return /^(must|is|lists)\b/.test(issue.message) && field !== ''
        ? `${field} ${issue.message}`
        : `${field}: ${issue.message}`;
    });
    throw new UserError(
      `synthetic data set: ${problems.join('; ')}`,
      `Its options (${Object.keys(SYNTHETIC_DEFAULTS).join(', ')}) are described in README.md, "The synthetic athletes"; \`motionfuse simulate --help\` lists the command's flags.`,
    );
  }
  return { ...SYNTHETIC_DEFAULTS, ...parsed.data } as SyntheticOptions;
}
