import { Redis } from 'ioredis';
import { WaitingError, Worker, type Job } from 'bullmq';
import type { BackendPreference } from '../../backend/backend-preference.ts';
import { isUserError } from '../../core/errors.ts';
import type { FoldResult } from '../../train/cross-validate.ts';
import type { Trial } from '../expand-sweep.ts';
import { startFoldPool, type FoldPool } from '../fold-pool.ts';
import { prepareInputSets, type PreparedInputs } from '../prepare-input-sets.ts';
import { redactSecret, type QueueUrl } from './queue-url.ts';
import { checkSweepUnit, trialReader, type Refusal, type SweepUnit } from './sweep-unit.ts';

export interface UnitWorkerOptions {
  queue: QueueUrl;
  queueName: string;
  /** Units trained at once, each on its own fold worker thread. */
  concurrency: number;
  threadsPerWorker?: number;
  backend?: BackendPreference;
  logLevel?: string;
  /** This machine's input-set cache (content-addressed) and code version. */
  cacheDir: string;
  codeVersion: string;
  /**
   * How long a unit's lock lasts without renewal (ms): a worker that dies is noticed after about
   * this long, and its unit handed to another worker. The stalled check runs as often.
   */
  lockDuration: number;
  /** One line per event (started, finished, refused, connection trouble); never holds the password. */
  log: (line: string) => void;
  /** Called once a unit was refused; the unit is back on the queue. */
  onRefusal?: (refusal: Refusal) => void;
}

export interface UnitWorker {
  /** Stops taking units; the units in progress finish, or with `force` go back to the queue at once. */
  close(force?: boolean): Promise<void>;
}

/** A unit that stalled this often (its workers died) fails instead of going round forever. */
const MAX_STALLED = 5;

/**
 * A BullMQ worker that trains sweep units: each unit is checked (`checkSweepUnit`), its inputs
 * prepared or found in this machine's content-addressed cache, and its fold trained by the same
 * fold pool and fold code the local runner uses, so the result is the local runner's, bit for
 * bit. Folds run on worker threads, which leaves this thread free to renew the units' locks.
 * Epoch progress goes back as job progress.
 */
export async function startUnitWorker(options: UnitWorkerOptions): Promise<UnitWorker> {
  // Started with the first unit taken: a worker that trains nothing starts no threads.
  let pool: FoldPool | undefined;
  const poolOf = (): FoldPool =>
    (pool ??= startFoldPool({
      workers: options.concurrency,
      ...(options.threadsPerWorker === undefined ? {} : { threadsPerWorker: options.threadsPerWorker }),
      ...(options.backend === undefined ? {} : { backend: options.backend }),
      ...(options.logLevel === undefined ? {} : { logLevel: options.logLevel }),
    }));
  const readTrials = trialReader();
  const inputs = new Map<string, Promise<PreparedInputs>>();
  const inputsOf = (trial: Trial): Promise<PreparedInputs> => {
    let prepared = inputs.get(trial.id);
    if (prepared === undefined) {
      prepared = prepareInputSets([trial], {
        cacheDir: options.cacheDir,
        codeVersion: options.codeVersion,
        progress: false,
      }).then(({ inputs: map }) => map.get(trial.id) as PreparedInputs);
      inputs.set(trial.id, prepared);
      prepared.catch(() => inputs.delete(trial.id));
    }
    return prepared;
  };
  let refused = false;
  // The folds in progress, so that a forced close can stop them and hand their units back at once.
  const active = new Set<AbortController>();
  const processUnit = async (job: Job<SweepUnit, FoldResult>, token?: string): Promise<FoldResult> => {
    const unit = job.data;
    const refusal = refused
      ? { message: `unit ${unit.unit}: this worker is stopping`, hint: '' }
      : await checkSweepUnit(unit, { codeVersion: options.codeVersion, readTrials });
    if (refusal !== undefined) {
      await job.moveToWait(token);
      if (!refused) {
        refused = true;
        options.log(`${refusal.message}\nhint: ${refusal.hint}`);
        options.onRefusal?.(refusal);
      }
      throw new WaitingError();
    }
    const started = performance.now();
    options.log(`unit ${unit.unit} of run ${unit.run}: started (attempt ${job.attemptsStarted})`);
    const trial: Trial = { id: unit.trialId, label: '', overrides: {}, experiment: unit.experiment };
    const controller = new AbortController();
    active.add(controller);
    try {
      const prepared = await inputsOf(trial);
      const result = await poolOf().run(
        {
          trialId: unit.trialId,
          experiment: unit.experiment,
          fold: unit.fold,
          ...(unit.repeat > 0 ? { repeat: unit.repeat } : {}),
          inputPath: prepared.path,
          classes: prepared.classes,
          official: prepared.official,
        },
        // Progress is advice: a lost update must not fail the unit.
        (record) => void job.updateProgress({ ...record }).catch(() => {}),
        controller.signal,
      );
      options.log(
        `unit ${unit.unit} of run ${unit.run}: trained in ${((performance.now() - started) / 1000).toFixed(1)} s`,
      );
      return result;
    } catch (err) {
      if (controller.signal.aborted) {
        // Dropped by a forced close: back to the queue now, rather than when its lock runs out.
        await job.moveToWait(token);
        options.log(`unit ${unit.unit} of run ${unit.run}: dropped, back on the queue`);
        throw new WaitingError();
      }
      const message = isUserError(err)
        ? `${err.message}${err.hint === undefined ? '' : `\nhint: ${err.hint}`}`
        : String(err instanceof Error ? err.stack : err);
      options.log(`unit ${unit.unit} of run ${unit.run}: failed: ${message}`);
      throw new Error(message, { cause: err });
    } finally {
      active.delete(controller);
    }
  };
  const connection = new Redis(options.queue.url, { maxRetriesPerRequest: null });
  const worker = new Worker<SweepUnit, FoldResult>(options.queueName, processUnit, {
    connection,
    concurrency: options.concurrency,
    lockDuration: options.lockDuration,
    stalledInterval: options.lockDuration,
    maxStalledCount: MAX_STALLED,
    // removeOnComplete stays off: a result stays until the coordinator has written it to the run folder, then it removes it.
  });
  let lastError = '';
  const onError = (err: Error) => {
    const text = redactSecret(err.message, options.queue);
    if (text !== lastError) options.log(`queue: ${text}`);
    lastError = text;
  };
  worker.on('error', onError);
  // Said once the queue has the result, not when training ends: a result Redis never got is not a finished unit.
  worker.on('completed', (job) => options.log(`unit ${job.data.unit} of run ${job.data.run}: finished`));
  connection.on('error', onError);
  connection.on('ready', () => (lastError = ''));
  await worker.waitUntilReady();
  return {
    async close(force = false) {
      refused = true;
      if (force) {
        for (const controller of active) controller.abort();
        // Each dropped unit is handed back by its own processor, which holds its lock.
        for (let waited = 0; active.size > 0 && waited < 10_000; waited += 20)
          await new Promise((r) => setTimeout(r, 20));
      }
      // Forced, the worker does not wait out its blocking poll of the queue.
      await worker.close(force);
      await pool?.close();
      connection.disconnect();
    },
  };
}
