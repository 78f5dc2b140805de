import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { UserError } from '../../core/errors.ts';
import type { Sample } from '../../core/sample.ts';
import type { SyntheticOptions } from './synthetic-trial.ts';
import { TrialMaker, type TrialJob, type TrialTask } from './trial-jobs.ts';

export interface TrialPoolOptions {
  /** Worker threads; 0 runs every task in this thread. Default: one per core, at most 8. */
  workers?: number;
  /** ffmpeg binary, for tasks that write video. */
  ffmpeg?: string;
}

/**
 * Generates synthetic trials on worker threads. Each trial depends only on (options, job), so
 * the pool gives the same trials in any order on any number of workers; a Sample's arrays are
 * transferred back, not copied.
 */
export interface TrialPool {
  readonly workers: number;
  generate(job: TrialJob): Promise<Sample>;
  /** Writes the trial to `dir` in the recording layout (in the worker: video encoding included). */
  record(job: TrialJob, dir: string, provenance?: Record<string, unknown>): Promise<void>;
  close(): Promise<void>;
}

export function defaultWorkerCount(): number {
  return Math.max(1, Math.min(8, availableParallelism()));
}

export function startTrialPool(options: SyntheticOptions, poolOptions: TrialPoolOptions = {}): TrialPool {
  const count = poolOptions.workers ?? defaultWorkerCount();
  if (!Number.isInteger(count) || count < 0) throw new UserError(`workers must be a whole number >= 0, got ${count}`);
  if (count === 0) {
    const maker = new TrialMaker(options, poolOptions.ffmpeg);
    return {
      workers: 0,
      generate: async (job) => maker.generate(job),
      record: async (job, dir, provenance) => {
        await maker.run({ kind: 'record', job, dir, ...(provenance === undefined ? {} : { provenance }) });
      },
      close: async () => {},
    };
  }
  return new WorkerTrialPool(options, count, poolOptions.ffmpeg);
}

interface Pending {
  resolve: (sample: Sample | undefined) => void;
  reject: (err: Error) => void;
}
interface WorkerError {
  name: string;
  message: string;
  stack?: string;
  hint?: string;
}

class WorkerTrialPool implements TrialPool {
  private readonly idle: Worker[] = [];
  private readonly all: Worker[] = [];
  private readonly queue: { id: number; task: TrialTask }[] = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private failure: Error | undefined;

  constructor(options: SyntheticOptions, readonly workers: number, ffmpeg: string | undefined) {
    for (let i = 0; i < workers; i++) {
      // execArgv []: the entry registers tsx itself, and a parent's `--import tsx` would register it twice.
      const worker = new Worker(new URL('./trial-worker.js', import.meta.url), { workerData: { options, ffmpeg }, execArgv: [], resourceLimits: { maxYoungGenerationSizeMb: 64 } });
      worker.on('message', (m: { id: number; sample?: Sample; error?: WorkerError }) => this.answer(worker, m));
      worker.on('error', (err) => this.fail(err));
      worker.on('exit', (code) => {
        if (code !== 0) this.fail(new Error(`a trial worker stopped with exit code ${code}`));
      });
      this.all.push(worker);
      this.idle.push(worker);
    }
  }

  generate(job: TrialJob): Promise<Sample> {
    return this.submit({ kind: 'generate', job }) as Promise<Sample>;
  }

  async record(job: TrialJob, dir: string, provenance?: Record<string, unknown>): Promise<void> {
    await this.submit({ kind: 'record', job, dir, ...(provenance === undefined ? {} : { provenance }) });
  }

  async close(): Promise<void> {
    await Promise.all(this.all.map((w) => w.terminate()));
  }

  private submit(task: TrialTask): Promise<Sample | undefined> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.queue.push({ id, task });
      this.dispatch();
    });
  }

  private dispatch(): void {
    while (this.idle.length > 0 && this.queue.length > 0) {
      const worker = this.idle.pop() as Worker;
      const next = this.queue.shift() as { id: number; task: TrialTask };
      worker.postMessage(next);
    }
  }

  private answer(worker: Worker, m: { id: number; sample?: Sample; error?: WorkerError }): void {
    this.idle.push(worker);
    const p = this.pending.get(m.id);
    this.pending.delete(m.id);
    if (p !== undefined) {
      if (m.error !== undefined) p.reject(rebuildError(m.error));
      else p.resolve(m.sample);
    }
    this.dispatch();
  }

  /** A worker died: everything waiting fails with its error, and so does anything submitted later. */
  private fail(err: Error): void {
    this.failure ??= err;
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
    this.queue.length = 0;
  }
}

/** An error from a worker as an Error of this thread; a UserError stays one (message and hint). */
function rebuildError(e: WorkerError): Error {
  const err = e.name === 'UserError' ? new UserError(e.message, e.hint) : new Error(e.message);
  if (e.stack !== undefined) err.stack = e.stack;
  return err;
}
