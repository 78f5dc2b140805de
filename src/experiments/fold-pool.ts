import { availableParallelism } from 'node:os';
import { MessageChannel } from 'node:worker_threads';
import { loadNativeAddon } from '../backend/native/native-addon.ts';
import { Piscina } from 'piscina';
import type { BackendPreference } from '../backend/backend-preference.ts';
import { UserError } from '../core/errors.ts';
import type { FoldResult } from '../train/cross-validate.ts';
import type { EpochRecord } from '../train/fit.ts';
import { readInputSet } from './input-set-file.ts';
import { runFoldUnit, type FoldReply, type FoldTask } from './run-fold-unit.ts';

/**
 * Runs folds of trials on worker threads, one fold per worker at a time. Each worker picks its
 * TensorFlow.js backend once; the native kernels' thread pool is shared by the process, and a
 * worker that finds it busy computes alone (same partition, same arithmetic: a fold's result
 * does not depend on how many workers run beside it). `workers: 0` runs folds in this thread.
 */
export interface FoldPool {
  readonly workers: number;
  run(task: FoldTask, onEpoch: (record: EpochRecord) => void, signal?: AbortSignal): Promise<FoldResult>;
  close(): Promise<void>;
}

export function startFoldPool(options: {
  workers: number;
  threadsPerWorker?: number;
  backend?: BackendPreference;
  logLevel?: string;
}): FoldPool {
  shareCores(options.workers, options.threadsPerWorker);
  if (options.workers === 0) return inThreadPool();
  const piscina = new Piscina({
    filename: new URL('./fold-worker.js', import.meta.url).href,
    minThreads: options.workers,
    maxThreads: options.workers,
    // One fold per worker: queued folds wait for a free worker, none shares one.
    concurrentTasksPerWorker: 1,
    workerData: { backend: options.backend, logLevel: options.logLevel },
    execArgv: [],
    atomics: 'disabled',
  });
  return {
    workers: options.workers,
    async run(task, onEpoch, signal) {
      const { port1, port2 } = new MessageChannel();
      port1.on('message', (record: EpochRecord) => onEpoch(record));
      try {
        const reply = (await piscina.run(
          { ...task, port: port2 },
          { transferList: [port2], ...(signal === undefined ? {} : { signal }) },
        )) as FoldReply;
        return unwrap(reply);
      } finally {
        port1.close();
      }
    },
    close: () => piscina.destroy(),
  };
}

/**
 * The native kernels' thread pool is one per process: with several fold workers each kernel runs
 * on one thread (a worker per core is the parallelism; a shared pool would be contended and its
 * idle threads spin), with one worker on every core. Measured on 2 cores, a 4 x 3 sweep: two
 * workers 68.8 s with the pool at 2 threads, 61.7 s at 1. An explicit `threadsPerWorker` wins,
 * then MOTIONFUSE_THREADS.
 */
function shareCores(workers: number, threadsPerWorker: number | undefined): void {
  const threads = kernelThreads(workers, threadsPerWorker);
  if (threads !== undefined) loadNativeAddon().addon?.setThreads(threads);
}

/** The kernels' thread count shareCores sets; undefined where MOTIONFUSE_THREADS has set it. */
function kernelThreads(workers: number, threadsPerWorker: number | undefined): number | undefined {
  if (threadsPerWorker !== undefined) return threadsPerWorker;
  if (process.env['MOTIONFUSE_THREADS'] !== undefined && process.env['MOTIONFUSE_THREADS'] !== '') return undefined;
  return Math.max(1, Math.floor(availableParallelism() / Math.max(1, workers)));
}

/** What a run's folds will compute with, for its environment record: the native kernels' ISA and threads, or why there are none. */
export function nativeKernelsUsed(workers: number, threadsPerWorker: number | undefined): string {
  const { addon, reason } = loadNativeAddon();
  if (addon === undefined) return `not used: ${reason}`;
  const threads = kernelThreads(workers, threadsPerWorker) ?? addon.info().threads;
  return `${addon.info().isa}, ${threads} thread${threads === 1 ? '' : 's'} per worker (on the wasm backend)`;
}

function inThreadPool(): FoldPool {
  let cached: { path: string; set: ReturnType<typeof readInputSet> } | undefined;
  return {
    workers: 0,
    async run(task, onEpoch, signal) {
      signal?.throwIfAborted();
      if (cached?.path !== task.inputPath) cached = { path: task.inputPath, set: readInputSet(task.inputPath) };
      return runFoldUnit(task, cached.set, onEpoch);
    },
    close: async () => {},
  };
}

function unwrap(reply: FoldReply): FoldResult {
  if ('result' in reply) return reply.result;
  const e = reply.error;
  const err =
    e.name === 'UserError' || e.name === 'ConfigError' ? new UserError(e.message, e.hint) : new Error(e.message);
  if (e.stack !== undefined) err.stack = e.stack;
  throw err;
}
