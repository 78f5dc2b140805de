import { UserError } from '../../core/errors.ts';
import type { Sample } from '../../core/sample.ts';
import type { Action } from './actions.ts';
import {
  generateSubject,
  generateTake,
  subjectId,
  takeId,
  type SyntheticOptions,
  type SyntheticSubject,
} from './synthetic-take.ts';

/** One take to make: which subject, action and repetition. */
export interface TakeJob {
  subjectIndex: number;
  action: Action;
  take: number;
}

/**
 * Every take of a synthetic data set, subject by subject, then action (in the order asked for),
 * then repetition: the order of its samples everywhere (listing, input sets, export).
 */
export function syntheticTakeJobs(
  options: Pick<SyntheticOptions, 'subjects' | 'actions' | 'clipsPerClass'>,
): TakeJob[] {
  const jobs: TakeJob[] = [];
  for (let s = 0; s < options.subjects; s++)
    for (const action of options.actions)
      for (let t = 0; t < options.clipsPerClass; t++) jobs.push({ subjectIndex: s, action, take: t });
  return jobs;
}

/** The sample id of a job's take (`S01-jump-t01`). */
export function takeJobId(job: TakeJob): string {
  return takeId(subjectId(job.subjectIndex), job.action, job.take);
}

/** What to do with it: hand the Sample back, or write it to `dir` in the recording layout. */
export type TakeTask =
  | { kind: 'generate'; job: TakeJob }
  | { kind: 'record'; job: TakeJob; dir: string; provenance?: Record<string, unknown> };

/**
 * Runs take tasks for one set of options, in whichever thread it lives in; subjects are made
 * once and kept, since every take of a subject needs them.
 */
export class TakeMaker {
  private readonly subjects = new Map<number, SyntheticSubject>();

  constructor(
    readonly options: SyntheticOptions,
    private readonly ffmpeg: string | undefined,
  ) {}

  subject(index: number): SyntheticSubject {
    let s = this.subjects.get(index);
    if (s === undefined) {
      s = generateSubject(this.options, index);
      this.subjects.set(index, s);
    }
    return s;
  }

  generate(job: TakeJob): Sample {
    return generateTake(this.options, this.subject(job.subjectIndex), job.action, job.take);
  }

  async run(task: TakeTask): Promise<Sample | undefined> {
    const sample = this.generate(task.job);
    if (task.kind === 'generate') return sample;
    if (this.options.video && this.ffmpeg === undefined)
      throw new UserError('writing synthetic video needs ffmpeg', 'Run `npm install`, or set MOTIONFUSE_FFMPEG.');
    // The recording writer (XDF, video encoding) is loaded only by what writes takes.
    const { writeRecording } = await import('../recording/write-recording.ts');
    await writeRecording(task.dir, sample, {
      ...(this.ffmpeg === undefined ? {} : { ffmpeg: this.ffmpeg }),
      ...(task.provenance === undefined ? {} : { provenance: task.provenance }),
    });
    return undefined;
  }
}

/** The ArrayBuffers under a sample's streams, once each: what a worker transfers instead of copying. */
export function sampleBuffers(sample: Sample): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  const add = (a: ArrayBufferView | undefined) => {
    if (a !== undefined && a.buffer instanceof ArrayBuffer) buffers.add(a.buffer);
  };
  for (const s of sample.streams) {
    add(s.t);
    if (s.kind === 'video') add(s.decoded?.frames);
    else {
      add(s.data);
      if (s.kind === 'pose') add(s.score);
    }
  }
  return [...buffers];
}
