import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import { UserError } from '../../core/errors.ts';
import type { Sample } from '../../core/sample.ts';
import type { SyntheticOptions } from './synthetic-take.ts';
import { TakeMaker, type TakeJob, type TakeTask } from './take-jobs.ts';
import type { TakeReply } from './take-worker-main.ts';

export interface TakePoolOptions {
  /** Worker threads; 0 runs every task in this thread. Default: one per core, at most 8. */
  workers?: number;
  /** ffmpeg binary, for tasks that write video. */
  ffmpeg?: string;
}

/**
 * Generates synthetic takes on worker threads. Each take depends only on (options, job), so
 * the pool gives the same takes in any order on any number of workers; a Sample's arrays are
 * transferred back, not copied.
 */
export interface TakePool {
  readonly workers: number;
  generate(job: TakeJob): Promise<Sample>;
  /** Writes the take to `dir` in the recording layout (in the worker: video encoding included). */
  record(job: TakeJob, dir: string, provenance?: Record<string, unknown>): Promise<void>;
  close(): Promise<void>;
}

export function defaultWorkerCount(): number {
  return Math.max(1, Math.min(8, availableParallelism()));
}

export function startTakePool(options: SyntheticOptions, poolOptions: TakePoolOptions = {}): TakePool {
  const count = poolOptions.workers ?? defaultWorkerCount();
  if (!Number.isInteger(count) || count < 0) throw new UserError(`workers must be a whole number >= 0, got ${count}`);
  if (count === 0) {
    const maker = new TakeMaker(options, poolOptions.ffmpeg);
    return {
      workers: 0,
      generate: async (job) => maker.generate(job),
      record: async (job, dir, provenance) => {
        await maker.run({ kind: 'record', job, dir, ...(provenance === undefined ? {} : { provenance }) });
      },
      close: async () => {},
    };
  }
  return new WorkerTakePool(options, count, poolOptions.ffmpeg);
}

/** The pool proper: piscina, with one worker per thread asked for, all started at once. */
class WorkerTakePool implements TakePool {
  private readonly piscina: Piscina;

  constructor(
    options: SyntheticOptions,
    readonly workers: number,
    ffmpeg: string | undefined,
  ) {
    this.piscina = new Piscina({
      filename: new URL('./take-worker.js', import.meta.url).href,
      minThreads: workers,
      maxThreads: workers,
      workerData: { options, ffmpeg },
      // The entry registers tsx itself; a parent's `--import tsx` would register it twice.
      execArgv: [],
      // A take allocates ~100 MB of short-lived arrays: a larger young generation halves GC time.
      resourceLimits: { maxYoungGenerationSizeMb: 64 },
      // Workers wait for tasks asleep, not spinning: the main thread and ffmpeg need the cores.
      atomics: 'disabled',
    });
  }

  async generate(job: TakeJob): Promise<Sample> {
    return (await this.run({ kind: 'generate', job })) as Sample;
  }

  async record(job: TakeJob, dir: string, provenance?: Record<string, unknown>): Promise<void> {
    await this.run({ kind: 'record', job, dir, ...(provenance === undefined ? {} : { provenance }) });
  }

  async close(): Promise<void> {
    await this.piscina.destroy();
  }

  private async run(task: TakeTask): Promise<Sample | undefined> {
    const reply = (await this.piscina.run(task)) as TakeReply;
    if ('error' in reply) {
      const e = reply.error;
      const err = e.name === 'UserError' ? new UserError(e.message, e.hint) : new Error(e.message);
      if (e.stack !== undefined) err.stack = e.stack;
      throw err;
    }
    return reply.sample;
  }
}
