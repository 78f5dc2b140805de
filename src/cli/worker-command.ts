import { hostname } from 'node:os';
import type { Argv } from 'yargs';
import type { BackendPreference } from '../backend/backend-preference.ts';
import { getLogLevel } from '../core/logger.ts';
import { UserError } from '../core/errors.ts';

/**
 * `motionfuse worker --queue URL`: trains the units that `sweep --queue URL` puts on the queue,
 * until stopped (Ctrl-C lets the units in progress finish; a second Ctrl-C drops them, and other
 * workers take them). `motionfuse run-unit RUN_DIR INDEX`: one task of a Slurm job array.
 */
export function workerCommands<T>(cli: Argv<T>): Argv<T> {
  return cli
    .command(
      'worker',
      'Train sweep units from a Redis queue (started on each machine that helps a `sweep --queue`)',
      (y) =>
        y
          .option('queue', {
            type: 'string',
            describe:
              "The coordinator's redis://HOST:PORT/DB (rediss:// for TLS, redis://:PASSWORD@... with a password); default MOTIONFUSE_QUEUE, which keeps a password out of `ps`",
          })
          .option('queue-name', { type: 'string', default: 'motionfuse', describe: "The coordinator's --queue-name" })
          .option('concurrency', {
            type: 'number',
            default: 1,
            describe: 'Units trained at once (one fold worker thread each)',
          })
          .option('threads-per-worker', {
            type: 'number',
            describe:
              'Threads of the native kernels for each unit (default: MOTIONFUSE_THREADS, else the cores divided among the units)',
          })
          .option('lock-duration', {
            type: 'number',
            default: 30_000,
            describe: "ms before a dead worker's unit goes to another worker (also the stalled-check interval)",
          }),
      async (args) => {
        const { parseQueueUrl } = await import('../experiments/distributed/queue-url.ts');
        const { checkLockDuration, queueText } = await import('./sweep-distributed.ts');
        const queue = parseQueueUrl(queueText(args.queue));
        checkLockDuration(args.lockDuration);
        if (!Number.isInteger(args.concurrency) || args.concurrency < 1 || args.concurrency > 256)
          throw new UserError(`--concurrency must be a whole number from 1 to 256, got ${args.concurrency}`);
        const threads = args.threadsPerWorker;
        if (threads !== undefined && (!Number.isInteger(threads) || threads < 1 || threads > 256))
          throw new UserError(`--threads-per-worker must be a whole number from 1 to 256, got ${threads}`);
        const { selectBackend } = await import('../backend/select-backend.ts');
        const { startUnitWorker } = await import('../experiments/distributed/unit-worker.ts');
        const { inputSetCache } = await import('./run-environment.ts');
        const backend = (args as { backend?: BackendPreference }).backend;
        await selectBackend(backend);
        const { cacheDir, codeVersion } = await inputSetCache();
        const say = (line: string) => process.stdout.write(`${new Date().toISOString()} ${line}\n`);
        let refusal: UserError | undefined;
        let stop: () => void = () => {};
        const stopped = new Promise<void>((resolve) => (stop = resolve));
        const worker = await startUnitWorker({
          queue,
          queueName: args.queueName,
          concurrency: args.concurrency,
          ...(threads === undefined ? {} : { threadsPerWorker: threads }),
          ...(backend === undefined ? {} : { backend }),
          logLevel: getLogLevel() === 'debug' ? 'debug' : 'warn',
          cacheDir,
          codeVersion,
          lockDuration: args.lockDuration,
          log: say,
          onRefusal: (r) => {
            refusal = new UserError(r.message, r.hint);
            stop();
          },
        });
        say(
          `worker on ${hostname()} (code ${codeVersion}) takes units from ${queue.redacted} queue '${args.queueName}', ${args.concurrency} at a time`,
        );
        let interrupts = 0;
        const onInterrupt = () => {
          interrupts++;
          if (interrupts === 1) say('stopping: units in progress finish (Ctrl-C again to drop them)');
          stop();
        };
        process.on('SIGINT', onInterrupt);
        process.on('SIGTERM', onInterrupt);
        try {
          await stopped;
          // A refusing worker drops nothing: its units went back to the queue.
          await worker.close(interrupts > 1 || refusal !== undefined);
        } finally {
          process.off('SIGINT', onInterrupt);
          process.off('SIGTERM', onInterrupt);
        }
        if (refusal !== undefined) throw refusal;
        say('stopped');
      },
    )
    .command(
      'run-unit <dir> [index]',
      'Train one unit of a run folder written by `sweep --emit slurm` (a Slurm array task) and write its fold file',
      (y) =>
        y
          .positional('dir', { type: 'string', demandOption: true, describe: 'The run folder' })
          .positional('index', {
            type: 'number',
            describe: 'The unit (default: SLURM_ARRAY_TASK_ID)',
          })
          .option('threads-per-worker', {
            type: 'number',
            describe: 'Threads of the native kernels (default: every core)',
          }),
      async (args) => {
        const raw =
          args.index ??
          (process.env['SLURM_ARRAY_TASK_ID'] === undefined ? undefined : Number(process.env['SLURM_ARRAY_TASK_ID']));
        if (raw === undefined || !Number.isInteger(raw) || raw < 0)
          throw new UserError(
            `run-unit: give the unit index (a whole number >= 0), got ${raw ?? 'none'}`,
            'motionfuse run-unit RUN_DIR 3, or set SLURM_ARRAY_TASK_ID as Slurm does.',
          );
        const { selectBackend } = await import('../backend/select-backend.ts');
        const { runUnit } = await import('../experiments/distributed/run-unit.ts');
        const { inputSetCache } = await import('./run-environment.ts');
        const backend = (args as { backend?: BackendPreference }).backend;
        await selectBackend(backend);
        const r = await runUnit(args.dir, raw, {
          ...(await inputSetCache()),
          ...(args.threadsPerWorker === undefined ? {} : { threadsPerWorker: args.threadsPerWorker }),
          ...(backend === undefined ? {} : { backend }),
          logLevel: getLogLevel() === 'debug' ? 'debug' : 'warn',
        });
        process.stdout.write(`unit ${raw} (${r.unit}): ${r.trained ? 'trained, fold file written' : 'already done'}\n`);
      },
    );
}
