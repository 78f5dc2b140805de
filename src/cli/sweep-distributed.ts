import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BackendPreference } from '../backend/backend-preference.ts';
import { UserError } from '../core/errors.ts';
import { parseQueueUrl, type QueueUrl } from '../experiments/distributed/queue-url.ts';
import { expandTrials } from '../experiments/expand-sweep.ts';
import type { LoadedExperiment } from '../experiments/load-experiment.ts';
import type { FoldPoolPlan } from '../experiments/run-experiment.ts';
import type { FoldPool } from '../experiments/fold-pool.ts';
import { inputSetCache } from './run-environment.ts';

/** What `run` / `sweep` need of their arguments here. */
interface DistributedArgs {
  file: string;
  set: string[];
  results: string;
  resume: string | undefined;
  backend?: BackendPreference;
  queue: string | undefined;
  queueName: string;
  localWorkers: boolean;
  lockDuration: number;
  partition: string | undefined;
  time: string | undefined;
  cpusPerTask: number | undefined;
  mem: string | undefined;
  sbatch: string[];
}

/** The checked `--queue` URL, or undefined for a run on this machine alone. */
export function queueOf(args: DistributedArgs): QueueUrl | undefined {
  if (args.queue === undefined) {
    if (!args.localWorkers)
      throw new UserError('--no-local-workers needs --queue', 'Add --queue redis://HOST:PORT/DB.');
    return undefined;
  }
  checkLockDuration(args.lockDuration);
  return parseQueueUrl(queueText(args.queue));
}

/** `--queue URL`, or with `--queue` alone (or none, for a worker) MOTIONFUSE_QUEUE: a URL in the environment keeps its password out of `ps`. */
export function queueText(given: string | undefined): string {
  const text = given === undefined || given === '' ? process.env['MOTIONFUSE_QUEUE'] : given;
  if (text === undefined || text === '')
    throw new UserError(
      '--queue: no Redis URL given, and MOTIONFUSE_QUEUE is not set',
      'Give --queue redis://HOST:PORT/DB, or set MOTIONFUSE_QUEUE to it.',
    );
  return text;
}

export function checkLockDuration(ms: number): void {
  if (!Number.isFinite(ms) || ms < 100)
    throw new UserError(
      `--lock-duration must be at least 100 (ms), got ${ms}`,
      'The default, 30000, suits most networks.',
    );
}

/** The runner's fold pool for `--queue`: units go on the queue; this process trains too unless --no-local-workers. */
export async function queuePoolStarter(
  args: DistributedArgs,
  loaded: LoadedExperiment,
  sweep: boolean,
  queue: QueueUrl,
): Promise<(plan: FoldPoolPlan) => Promise<FoldPool>> {
  if (expandTrials(loaded, { sweep }).some((t) => t.experiment.run.saveModels))
    throw new UserError(
      'run.saveModels is not supported with --queue: a worker cannot write models into the run folder',
      'Run without --queue, or set run.saveModels: false.',
    );
  const { cacheDir, codeVersion } = await inputSetCache();
  const { startQueueFoldPool } = await import('../experiments/distributed/queue-fold-pool.ts');
  return (plan) =>
    startQueueFoldPool({
      queue,
      queueName: args.queueName,
      runDir: plan.runDir,
      codeVersion,
      files: { sources: loaded.sources.map((s) => s.file), sets: loaded.sets, sweep },
      finished: plan.finished,
      ...(args.localWorkers
        ? {
            local: {
              concurrency: Math.max(1, plan.workers),
              ...(plan.threadsPerWorker === undefined ? {} : { threadsPerWorker: plan.threadsPerWorker }),
              ...(plan.backend === undefined ? {} : { backend: plan.backend }),
              ...(plan.logLevel === undefined ? {} : { logLevel: plan.logLevel }),
              cacheDir,
              lockDuration: args.lockDuration,
            },
          }
        : {}),
    });
}

/** `sweep FILE --emit slurm`: the run folder and its job-array script; nothing is trained here. */
export async function emitSlurm(args: DistributedArgs, loaded: LoadedExperiment, sweep: boolean): Promise<void> {
  if (args.queue !== undefined) throw new UserError('--emit slurm and --queue exclude each other', 'Give one of them.');
  if (args.cpusPerTask !== undefined && (!Number.isInteger(args.cpusPerTask) || args.cpusPerTask < 1))
    throw new UserError(`--cpus-per-task must be a whole number >= 1, got ${args.cpusPerTask}`);
  for (const extra of args.sbatch)
    if (!/^-{0,2}[a-z][a-z-]*(=\S+)?$/.test(extra))
      throw new UserError(
        `--sbatch ${extra}: expected KEY=VALUE, as sbatch's long options`,
        '--sbatch account=lab --sbatch gres=gpu:1',
      );
  const { ResultsStore } = await import('../experiments/results-store.ts');
  const { writeSlurmArray } = await import('../experiments/distributed/slurm-array.ts');
  const { PACKAGE } = await import('./package-info.ts');
  const { gitCommit } = await import('./run-environment.ts');
  const trials = expandTrials(loaded, { sweep });
  const store =
    args.resume === undefined
      ? await ResultsStore.create(args.results, loaded, trials, sweep)
      : await ResultsStore.resume(args.results, loaded, trials, args.resume === '' ? true : args.resume);
  const { codeVersion } = await inputSetCache();
  await store.recordStart({
    motionfuse: PACKAGE.version,
    git: (await gitCommit()) ?? null,
    node: process.version,
    command: `motionfuse ${sweep ? 'sweep' : 'run'} ${args.file}${args.set.map((s) => ` --set ${s}`).join('')} --emit slurm`,
    slurm: true,
  });
  const { script, units } = await writeSlurmArray(store.dir, {
    codeVersion,
    command: [process.execPath, fileURLToPath(new URL('./motionfuse.js', import.meta.url))],
    cwd: process.cwd(),
    jobName: `motionfuse-${loaded.experiment.name}`,
    resources: {
      ...(args.partition === undefined ? {} : { partition: args.partition }),
      ...(args.time === undefined ? {} : { time: args.time }),
      ...(args.cpusPerTask === undefined ? {} : { cpusPerTask: args.cpusPerTask }),
      ...(args.mem === undefined ? {} : { mem: args.mem }),
      extra: args.sbatch,
    },
  });
  const near = (p: string) => (relative(process.cwd(), p).startsWith('..') ? p : relative(process.cwd(), p));
  process.stdout.write(
    `wrote ${near(script)}: a job array of ${units} task${units === 1 ? '' : 's'}, one per unit\nsubmit: sbatch ${near(script)}\nthen gather: motionfuse sweep --resume ${near(store.dir)}\n`,
  );
}
