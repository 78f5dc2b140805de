import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeJsonAtomic } from '../../core/atomic-file.ts';
import { UserError } from '../../core/errors.ts';
import { repeatsOf, ResultsStore } from '../results-store.ts';
import { foldCount } from '../trial-plan.ts';

/** The folder of a run that `sweep --emit slurm` adds: the array script, its unit list, the tasks' logs. */
export const SLURM_DIR = 'slurm';
export const SLURM_SCRIPT = 'sweep.sbatch';
export const SLURM_UNITS = 'units.json';

/** The unit list an array task's index points into, fixed when the script was written. */
export interface SlurmUnits {
  format: 'motionfuse-slurm-units/1';
  codeVersion: string;
  units: { key: string; trialId: string; fold: number; repeat: number }[];
}

/** `#SBATCH` resources: each given one becomes a line; `extra` holds further `key=value` options as given. */
export interface SlurmResources {
  partition?: string;
  time?: string;
  cpusPerTask?: number;
  mem?: string;
  extra?: readonly string[];
}

/**
 * Writes `<run>/slurm/units.json` (the units without a fold file, in trial, fold, repeat order)
 * and `<run>/slurm/sweep.sbatch`, a job array with one task per unit: task i runs
 * `motionfuse run-unit RUN_DIR i`, which writes that unit's fold file, and nothing else, in the
 * shared run folder. Returns the script's path and the unit count.
 */
export async function writeSlurmArray(
  runDir: string,
  options: {
    codeVersion: string;
    /** The command that starts motionfuse on a node: the program and its first arguments. */
    command: readonly string[];
    /** Where the tasks start (the project's checkout). */
    cwd: string;
    jobName: string;
    resources: SlurmResources;
  },
): Promise<{ script: string; units: number }> {
  const store = await ResultsStore.open(runDir);
  const finished = new Set(await store.finishedUnits());
  const units: SlurmUnits['units'] = [];
  for (const trial of store.config.trials) {
    for (let fold = 0; fold < foldCount(trial.experiment.split); fold++)
      for (let repeat = 0; repeat < repeatsOf(trial.experiment); repeat++) {
        const key = ResultsStore.unitKey(trial.id, fold, repeat);
        if (!finished.has(key)) units.push({ key, trialId: trial.id, fold, repeat });
      }
  }
  if (units.length === 0)
    throw new UserError(
      `every fold of ${runDir} is finished: no array to write`,
      `Gather it: motionfuse sweep --resume ${runDir}`,
    );
  const dir = join(store.dir, SLURM_DIR);
  await mkdir(join(dir, 'logs'), { recursive: true });
  await writeJsonAtomic(join(dir, SLURM_UNITS), {
    format: 'motionfuse-slurm-units/1',
    codeVersion: options.codeVersion,
    units,
  } satisfies SlurmUnits);
  const r = options.resources;
  const lines = [
    '#!/bin/bash',
    `#SBATCH --job-name=${options.jobName.replace(/[^A-Za-z0-9_.-]/g, '_')}`,
    `#SBATCH --array=0-${units.length - 1}`,
    `#SBATCH --output=${join(dir, 'logs', '%A_%a.out')}`,
    ...(r.partition === undefined ? [] : [`#SBATCH --partition=${r.partition}`]),
    ...(r.time === undefined ? [] : [`#SBATCH --time=${r.time}`]),
    ...(r.cpusPerTask === undefined ? [] : [`#SBATCH --cpus-per-task=${r.cpusPerTask}`]),
    ...(r.mem === undefined ? [] : [`#SBATCH --mem=${r.mem}`]),
    ...(r.extra ?? []).map((e) => `#SBATCH --${e.replace(/^--/, '')}`),
    '',
    `# Written by motionfuse sweep --emit slurm: task i trains unit i of ${SLURM_UNITS} and writes its`,
    `# fold file. Submit with: sbatch ${join(dir, SLURM_SCRIPT)}`,
    `# then gather the results: motionfuse sweep --resume ${store.dir}`,
    'set -euo pipefail',
    `cd ${shellQuote(options.cwd)}`,
    `exec ${[...options.command, 'run-unit', store.dir].map(shellQuote).join(' ')} "$SLURM_ARRAY_TASK_ID"`,
    '',
  ];
  const script = join(dir, SLURM_SCRIPT);
  await writeFile(script, lines.join('\n'), { mode: 0o755 });
  return { script, units: units.length };
}

/** The unit list of a run's array script. */
export async function readSlurmUnits(runDir: string): Promise<SlurmUnits> {
  const path = join(runDir, SLURM_DIR, SLURM_UNITS);
  try {
    return JSON.parse(await readFile(path, 'utf8')) as SlurmUnits;
  } catch (err) {
    throw new UserError(`${path} is missing or unreadable`, `Write it with: motionfuse sweep FILE --emit slurm`, {
      cause: err,
    });
  }
}

export function shellQuote(text: string): string {
  return /^[A-Za-z0-9_./=:@%+-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}
