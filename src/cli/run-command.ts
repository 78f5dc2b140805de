import { join, relative, resolve } from 'node:path';
import type { Argv } from 'yargs';
import type { BackendPreference } from '../backend/backend-preference.ts';
import { getLogLevel } from '../core/logger.ts';
import { writeJsonAtomic } from '../core/atomic-file.ts';
import { UserError } from '../core/errors.ts';
import { expandTrials } from '../experiments/expand-sweep.ts';
import { experimentJsonSchema } from '../experiments/experiment-schema.ts';
import { loadExperiment } from '../experiments/load-experiment.ts';
import { foldCount, splitDescription } from '../experiments/trial-plan.ts';
import { readFile } from 'node:fs/promises';
import { DISTRIBUTED_OPTIONS } from './distributed-options.ts';

interface RunArgs {
  file: string;
  set: string[];
  resume: string | undefined;
  workers: number | undefined;
  threadsPerWorker: number | undefined;
  results: string;
  list: boolean;
  backend?: BackendPreference;
  queue: string | undefined;
  queueName: string;
  localWorkers: boolean;
  lockDuration: number;
  emit: 'slurm' | undefined;
  partition: string | undefined;
  time: string | undefined;
  cpusPerTask: number | undefined;
  mem: string | undefined;
  sbatch: string[];
}

/**
 * `motionfuse run FILE` (the experiment's base configuration), `motionfuse sweep FILE` (every
 * trial its sweep block makes) and `motionfuse schema` (the experiment file's JSON Schema).
 * What runs or reports (TensorFlow.js, the fold workers, the result tables) is imported by the
 * handler that needs it, so that `--list`, a bad experiment file and `schema` answer without it.
 */
export function runCommands<T>(cli: Argv<T>): Argv<T> {
  const options = (y: Argv<T>) =>
    y
      .positional('file', { type: 'string', demandOption: true, describe: 'Experiment file (YAML)' })
      .option('set', {
        type: 'array',
        string: true,
        default: [] as string[],
        describe: 'Override a field: --set train.epochs=5 --set inputs.imu.placements=[wrist]',
      })
      .option('resume', {
        type: 'string',
        describe: 'Continue a stopped run: its folder, or nothing for the latest run of this experiment',
      })
      .option('workers', {
        type: 'number',
        describe:
          "Parallel fold workers (default: the file's run.workers, 'auto' = one per core; 0 runs in this thread)",
      })
      .option('threads-per-worker', {
        type: 'number',
        describe:
          "Threads of the native kernels for each worker (default: the file's run.threadsPerWorker, 'auto' = the cores divided among the workers)",
      })
      .option('results', {
        type: 'string',
        default: 'results',
        describe: 'Folder of all results; a run writes <results>/<experiment>/<run-id>/',
      })
      .option('list', { type: 'boolean', default: false, describe: 'Print the trials the file makes and stop' })
      .options(DISTRIBUTED_OPTIONS)
      .group(Object.keys(DISTRIBUTED_OPTIONS), 'Several machines (see README, "Sweeps on several machines"):');
  return cli
    .command(
      'run <file>',
      "Run an experiment file's base configuration (its sweep: block is left to `motionfuse sweep`)",
      options,
      (args) => runOrSweep(args as unknown as RunArgs, false),
    )
    .command(
      'sweep [file]',
      "Run every trial of an experiment file's sweep: block (grid x named ablations) x folds, resumable",
      options,
      (args) => runOrSweep(args as unknown as Omit<RunArgs, 'file'> & { file?: string }, true),
    )
    .command(
      'report <dir>',
      'Write report.html for a run folder (results/<experiment>/<run-id>), from the folds it has finished',
      (y) => y.positional('dir', { type: 'string', demandOption: true, describe: 'The run folder' }),
      async (args) => {
        const { writeRunReport } = await import('../experiments/write-run-report.ts');
        const path = await writeRunReport(args.dir as string);
        process.stdout.write(`report: ${path}\n`);
      },
    )
    .command(
      'schema',
      'Write the JSON Schema of experiment files (for editors)',
      (y) => y.option('out', { type: 'string', describe: 'File to write (default: print)' }),
      async (args) => {
        const text = `${JSON.stringify(experimentJsonSchema(), null, 2)}\n`;
        if (args.out === undefined) process.stdout.write(text);
        else {
          await writeJsonAtomic(resolve(args.out), experimentJsonSchema());
          process.stdout.write(`wrote ${args.out}\n`);
        }
      },
    );
}

async function runOrSweep(given: Omit<RunArgs, 'file'> & { file?: string }, sweep: boolean): Promise<void> {
  const args = await withFile(given);
  const loaded = await loadExperiment(args.file, { set: args.set });
  if (sweep && loaded.experiment.sweep === undefined)
    throw new UserError(
      `${args.file} has no sweep: block`,
      'Add one (sweep: { grid: { model.type: [imu-only, fused-attention-lstm] } }), or use `motionfuse run` for a single configuration.',
    );
  const trials = expandTrials(loaded, { sweep });
  if (args.list) {
    for (const t of trials)
      process.stdout.write(
        `${t.id}  ${t.label}${Object.keys(t.overrides).length > 0 ? `  ${JSON.stringify(t.overrides)}` : ''}\n`,
      );
    process.stdout.write(
      `${trials.length} trial${trials.length === 1 ? '' : 's'} x ${foldCount(loaded.experiment.split)} folds${loaded.experiment.run.repeats > 1 ? ` x ${loaded.experiment.run.repeats} repeats` : ''}\n`,
    );
    return;
  }
  if (!sweep && loaded.experiment.sweep !== undefined)
    process.stderr.write(
      `note: ${args.file} has a sweep: block; this runs its base configuration only (\`motionfuse sweep\` runs every trial)\n`,
    );
  if (args.workers !== undefined && (!Number.isInteger(args.workers) || args.workers < 0))
    throw new UserError(`--workers must be a whole number >= 0, got ${args.workers}`);
  if (
    args.threadsPerWorker !== undefined &&
    (!Number.isInteger(args.threadsPerWorker) || args.threadsPerWorker < 1 || args.threadsPerWorker > 256)
  )
    throw new UserError(`--threads-per-worker must be a whole number from 1 to 256, got ${args.threadsPerWorker}`);
  const { selectBackend } = await import('../backend/select-backend.ts');
  const { runExperiment } = await import('../experiments/run-experiment.ts');
  const { REPORT_FILE } = await import('../experiments/write-run-report.ts');
  const { RUN_FILES } = await import('../experiments/results-store.ts');
  const { inputSetCache, runEnvironment } = await import('./run-environment.ts');
  const distributed = await import('./sweep-distributed.ts');
  if (args.emit === 'slurm') return distributed.emitSlurm(args, loaded, sweep);
  const queue = distributed.queueOf(args);
  const backend = await selectBackend(args.backend);
  const controller = new AbortController();
  const onInterrupt = () => {
    if (controller.signal.aborted) process.exit(130);
    process.stderr.write(
      '\nstopping: folds in progress are dropped, finished ones are kept (Ctrl-C again to quit at once)\n',
    );
    controller.abort();
  };
  process.on('SIGINT', onInterrupt);
  process.on('SIGTERM', onInterrupt);
  try {
    const summary = await runExperiment(loaded, {
      sweep,
      ...(args.resume === undefined ? {} : { resume: args.resume === '' ? true : args.resume }),
      resultsRoot: args.results,
      ...(args.workers === undefined ? {} : { workers: args.workers }),
      ...(args.threadsPerWorker === undefined ? {} : { threadsPerWorker: args.threadsPerWorker }),
      ...(args.backend === undefined ? {} : { backend: args.backend }),
      environment: {
        ...(await runEnvironment(backend)),
        command: `motionfuse ${sweep ? 'sweep' : 'run'} ${args.file}${args.set.map((s) => ` --set ${s}`).join('')}${queue === undefined ? '' : ` --queue ${queue.redacted}`}`,
        ...(queue === undefined ? {} : { queue: queue.redacted, localWorkers: args.localWorkers }),
      },
      ...(await inputSetCache()),
      ...(queue === undefined ? {} : { startPool: await distributed.queuePoolStarter(args, loaded, sweep, queue) }),
      signal: controller.signal,
      // Workers say only what matters; the main thread has said which backend runs.
      logLevel: getLogLevel() === 'debug' ? 'debug' : 'warn',
    });
    const near = relative(process.cwd(), summary.runDir);
    const where = near === '' ? '.' : near.startsWith('..') ? summary.runDir : near;
    if (summary.skipped.length > 0) {
      process.stderr.write(
        `left out ${summary.skipped.length} sample${summary.skipped.length === 1 ? '' : 's'} that could not be read (listed in ${join(where, RUN_FILES.skipped)}):\n`,
      );
      for (const s of summary.skipped.slice(0, 10)) process.stderr.write(`  ${s.id}: ${s.reason}\n`);
    }
    if (summary.stopped) {
      process.stderr.write(
        `stopped: ${summary.ran.length + summary.reused.length} of ${summary.trials.reduce((n, t) => n + foldCount(t.experiment.split) * t.experiment.run.repeats, 0)} folds done\nresume with: motionfuse ${sweep ? 'sweep' : 'run'} ${args.file}${args.set.map((s) => ` --set ${s}`).join('')} --resume ${where}${queue === undefined ? '' : ` --queue${args.queue === '' ? '' : ` ${queue.redacted}`}${args.localWorkers ? '' : ' --no-local-workers'}`}\n${queue?.redacted.includes('***') === true ? '(with the password where *** stands, or --queue alone and the URL in MOTIONFUSE_QUEUE)\n' : ''}`,
      );
      process.exitCode = 130;
      return;
    }
    const table = await readFile(join(summary.runDir, RUN_FILES.tables, 'variants.md'), 'utf8').catch(() => '');
    const k = foldCount(loaded.experiment.split);
    const runs = k * loaded.experiment.run.repeats;
    process.stdout.write(
      `\n${table}\n${runs > 1 ? `mean ± sample standard deviation over ${k} folds${runs > k ? ` x ${loaded.experiment.run.repeats} repeats` : ''}` : 'one fold: no spread'} (${splitDescription(loaded.experiment.split)}); F1 macro and weighted as named\n`,
    );
    process.stdout.write(
      `${summary.reused.length > 0 ? `resumed: ${summary.reused.length} folds were already done, ${summary.ran.length} run now\n` : ''}results: ${where}\n`,
    );
    if (summary.report !== undefined) process.stdout.write(`report: ${join(where, REPORT_FILE)}\n`);
  } finally {
    process.off('SIGINT', onInterrupt);
    process.off('SIGTERM', onInterrupt);
  }
}

/** `sweep --resume RUN_DIR` without a file: the file and --set values the run started with. */
async function withFile(args: Omit<RunArgs, 'file'> & { file?: string }): Promise<RunArgs> {
  if (args.file !== undefined) return { ...args, file: args.file };
  if (args.resume === undefined || args.resume === '')
    throw new UserError(
      'sweep: give an experiment file, or --resume RUN_DIR',
      'motionfuse sweep experiments/quickstart.yaml',
    );
  const { ResultsStore } = await import('../experiments/results-store.ts');
  const config = (await ResultsStore.open(args.resume)).config;
  return { ...args, file: config.sources[0] as string, set: args.set.length > 0 ? args.set : config.sets };
}
