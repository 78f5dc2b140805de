import { Redis } from 'ioredis';
import { Queue, QueueEvents, type Job } from 'bullmq';
import { UserError } from '../../core/errors.ts';
import { createLogger } from '../../core/logger.ts';
import type { FoldResult } from '../../train/cross-validate.ts';
import type { EpochRecord } from '../../train/fit.ts';
import type { FoldPool } from '../fold-pool.ts';
import { ResultsStore } from '../results-store.ts';
import { redactSecret, type QueueUrl } from './queue-url.ts';
import { configHash, runKey, unitJobId, type SweepUnit } from './sweep-unit.ts';
import { startUnitWorker, type UnitWorker, type UnitWorkerOptions } from './unit-worker.ts';

const log = createLogger('queue');

export interface QueueFoldPoolOptions {
  queue: QueueUrl;
  queueName: string;
  runDir: string;
  codeVersion: string;
  files: SweepUnit['files'];
  /** Unit keys whose fold files exist: their jobs, left from an earlier start, are removed. */
  finished: readonly string[];
  /** A worker in this process too (the coordinator works), or none (it only coordinates). */
  local?: Omit<UnitWorkerOptions, 'queue' | 'queueName' | 'codeVersion' | 'log'>;
  /** How often the state of the units in flight is read (ms): completions are also announced as events, this catches the missed ones. */
  pollMs?: number;
}

interface Waiter {
  resolve: (result: FoldResult) => void;
  reject: (err: Error) => void;
  onEpoch: (record: EpochRecord) => void;
  data: SweepUnit;
}

/**
 * The coordinator's side of a distributed sweep, as a FoldPool: `run` puts the unit on the queue
 * (job id = run key + unit key, so it is queued once) and resolves with the fold result a worker
 * returns, which the runner writes to the run folder as it writes a local fold's. A unit a worker
 * finished while no coordinator ran is collected, not trained again; a unit that failed in an
 * earlier start is retried. Epoch progress arrives as job progress.
 */
export async function startQueueFoldPool(options: QueueFoldPoolOptions): Promise<FoldPool> {
  const run = runKey(options.runDir);
  const connection = new Redis(options.queue.url, { maxRetriesPerRequest: null });
  const queue = new Queue<SweepUnit, FoldResult>(options.queueName, { connection });
  const eventsConnection = new Redis(options.queue.url, { maxRetriesPerRequest: null });
  const events = new QueueEvents(options.queueName, { connection: eventsConnection });
  let lastError = '';
  const onError = (err: Error) => {
    const text = redactSecret(err.message, options.queue);
    if (text !== lastError) log.warn(`redis: ${text}`);
    lastError = text;
  };
  connection.on('error', onError);
  eventsConnection.on('error', onError);
  queue.on('error', onError);
  events.on('error', onError);
  await Promise.all([queue.waitUntilReady(), events.waitUntilReady()]);
  // Jobs of folds already in the run folder were collected by an earlier start that stopped before tidying up.
  for (const unit of options.finished) await queue.remove(unitJobId(run, unit)).catch(() => 0);
  const waiters = new Map<string, Waiter>();
  const collected: string[] = [];
  const settle = async (id: string): Promise<void> => {
    const waiter = waiters.get(id);
    if (waiter === undefined) return;
    const state = await queue.getJobState(id);
    if (state === 'unknown') {
      // Lost (removed by hand, or Redis lost its data): queue it again.
      await queue.add('unit', waiter.data, { jobId: id });
      return;
    }
    if (state !== 'completed' && state !== 'failed') return;
    const job = (await queue.getJob(id)) as Job<SweepUnit, FoldResult> | undefined;
    if (job === undefined || !waiters.has(id)) return;
    waiters.delete(id);
    if (state === 'completed') {
      collected.push(id);
      waiter.resolve(job.returnvalue);
    } else {
      const [message, hint] = String(job.failedReason).split('\nhint: ');
      waiter.reject(new UserError(`failed on a worker: ${message}`, hint ?? "See the worker's output."));
    }
  };
  const settleAll = () => {
    for (const id of waiters.keys()) settle(id).catch(onError);
  };
  events.on('completed', ({ jobId }) => void settle(jobId).catch(onError));
  events.on('failed', ({ jobId }) => void settle(jobId).catch(onError));
  events.on('progress', ({ jobId, data }) => {
    if (typeof data === 'object' && data !== null) waiters.get(jobId)?.onEpoch(data as unknown as EpochRecord);
  });
  const poll = setInterval(settleAll, options.pollMs ?? 1000);
  let local: UnitWorker | undefined;
  if (options.local !== undefined)
    local = await startUnitWorker({
      ...options.local,
      queue: options.queue,
      queueName: options.queueName,
      codeVersion: options.codeVersion,
      log: (line) => log.debug(line),
    });
  return {
    workers: options.local?.concurrency ?? 0,
    async run(task, onEpoch, signal) {
      signal?.throwIfAborted();
      const unit = ResultsStore.unitKey(task.trialId, task.fold, task.repeat ?? 0);
      const id = unitJobId(run, unit);
      const data: SweepUnit = {
        format: 'motionfuse-unit/1',
        run,
        unit,
        trialId: task.trialId,
        fold: task.fold,
        repeat: task.repeat ?? 0,
        experiment: task.experiment,
        configHash: configHash(task.experiment),
        codeVersion: options.codeVersion,
        files: options.files,
      };
      const result = new Promise<FoldResult>((resolve, reject) => {
        waiters.set(id, { resolve, reject, onEpoch, data });
        signal?.addEventListener('abort', () => {
          waiters.delete(id);
          reject(signal.reason as Error);
        });
      });
      const earlier = (await queue.getJob(id)) as Job<SweepUnit, FoldResult> | undefined;
      if (earlier !== undefined) {
        const state = await earlier.getState();
        const same = earlier.data.configHash === data.configHash && earlier.data.codeVersion === data.codeVersion;
        // An earlier start's job: its result is collected, a failure retried, another code's or configuration's job replaced.
        if (!same && state !== 'active') await earlier.remove();
        else if (state === 'failed') await earlier.retry('failed');
      }
      // Ignored by BullMQ where the id exists: a unit is on the queue once.
      await queue.add('unit', data, { jobId: id });
      await settle(id);
      return result;
    },
    async close() {
      clearInterval(poll);
      await local?.close(true);
      // Jobs whose results are in the run folder now are removed; a Redis that is away is not waited for long.
      const tidy = async () => {
        const written = new Set(
          (await (await ResultsStore.open(options.runDir)).finishedUnits()).map((u) => unitJobId(run, u)),
        );
        for (const id of collected) if (written.has(id)) await queue.remove(id).catch(() => 0);
        await events.close();
        await queue.close();
      };
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([tidy(), new Promise((resolve) => (timer = setTimeout(resolve, 5000)))]);
      clearTimeout(timer);
      connection.disconnect();
      eventsConnection.disconnect();
    },
  };
}
