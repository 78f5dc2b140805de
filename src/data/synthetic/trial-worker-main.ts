import { Piscina } from 'piscina';
import { UserError } from '../../core/errors.ts';
import type { Sample } from '../../core/sample.ts';
import type { SyntheticOptions } from './synthetic-trial.ts';
import { TrialMaker, sampleBuffers, type TrialTask } from './trial-jobs.ts';

/** What a worker answers: the sample (its arrays moved, not copied), or an error with its hint. */
export type TrialReply = { sample?: Sample } | { error: { name: string; message: string; stack?: string; hint?: string } };

const { options, ffmpeg } = Piscina.workerData as { options: SyntheticOptions; ffmpeg?: string };
const maker = new TrialMaker(options, ffmpeg);

/**
 * One task in a worker thread of the trial pool. Errors come back as data: structured cloning
 * would turn a UserError into a plain Error and drop its hint.
 */
export async function runTrialTask(task: TrialTask): Promise<unknown> {
  try {
    const sample = await maker.run(task);
    if (sample === undefined) return {} satisfies TrialReply;
    return Piscina.move({ [Piscina.transferableSymbol]: sampleBuffers(sample), [Piscina.valueSymbol]: { sample } satisfies TrialReply } as never);
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    return { error: { name: e.name, message: e.message, ...(e.stack === undefined ? {} : { stack: e.stack }), ...(e instanceof UserError && e.hint !== undefined ? { hint: e.hint } : {}) } } satisfies TrialReply;
  }
}
