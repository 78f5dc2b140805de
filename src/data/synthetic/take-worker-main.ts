import { Piscina } from 'piscina';
import { UserError } from '../../core/errors.ts';
import type { Sample } from '../../core/sample.ts';
import type { SyntheticOptions } from './synthetic-take.ts';
import { TakeMaker, sampleBuffers, type TakeTask } from './take-jobs.ts';

/** What a worker answers: the sample (its arrays moved, not copied), or an error with its hint. */
export type TakeReply =
  { sample?: Sample } | { error: { name: string; message: string; stack?: string; hint?: string } };

const { options, ffmpeg } = Piscina.workerData as { options: SyntheticOptions; ffmpeg?: string };
const maker = new TakeMaker(options, ffmpeg);

/**
 * One task in a worker thread of the take pool. Errors come back as data: structured cloning
 * would turn a UserError into a plain Error and drop its hint.
 */
export async function runTakeTask(task: TakeTask): Promise<unknown> {
  try {
    const sample = await maker.run(task);
    if (sample === undefined) return {} satisfies TakeReply;
    return Piscina.move({
      [Piscina.transferableSymbol]: sampleBuffers(sample),
      [Piscina.valueSymbol]: { sample } satisfies TakeReply,
    } as never);
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    return {
      error: {
        name: e.name,
        message: e.message,
        ...(e.stack === undefined ? {} : { stack: e.stack }),
        ...(e instanceof UserError && e.hint !== undefined ? { hint: e.hint } : {}),
      },
    } satisfies TakeReply;
  }
}
