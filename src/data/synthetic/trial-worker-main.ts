import { parentPort, workerData } from 'node:worker_threads';
import { UserError } from '../../core/errors.ts';
import type { SyntheticOptions } from './synthetic-trial.ts';
import { TrialMaker, sampleBuffers, type TrialTask } from './trial-jobs.ts';

/** A worker thread of the trial pool (trial-pool.ts): one task at a time, answered by its id. */
const { options, ffmpeg } = workerData as { options: SyntheticOptions; ffmpeg?: string };
const maker = new TrialMaker(options, ffmpeg);
const port = parentPort;
if (port === null) throw new Error('trial-worker-main.ts must run in a worker thread');

port.on('message', (message: { id: number; task: TrialTask }) => {
  maker.run(message.task).then(
    (sample) => port.postMessage({ id: message.id, sample }, sample === undefined ? [] : sampleBuffers(sample)),
    (err: unknown) => {
      const e = err instanceof Error ? err : new Error(String(err));
      port.postMessage({ id: message.id, error: { name: e.name, message: e.message, stack: e.stack, hint: e instanceof UserError ? e.hint : undefined } });
    },
  );
});
