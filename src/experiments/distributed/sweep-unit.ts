import { createHash } from 'node:crypto';
import { access, constants } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { errorMessage } from '../../core/errors.ts';
import { expandTrials, stableJson, type Trial } from '../expand-sweep.ts';
import type { Experiment } from '../experiment-schema.ts';
import { loadExperiment } from '../load-experiment.ts';

/**
 * One trial x fold x repeat of a run as a queued job carries it: the trial's resolved
 * configuration and its hash, the code version that started the run, and the experiment files
 * (and `--set` values) that make it, so a worker can check that its own reading of them makes
 * the same trial. Plain JSON.
 */
export interface SweepUnit {
  format: 'motionfuse-unit/1';
  /** The run's key (`runKey`): which coordinator collects the result. */
  run: string;
  /** `<trial>/fold-<k>`, as ResultsStore.unitKey names it. */
  unit: string;
  trialId: string;
  fold: number;
  repeat: number;
  experiment: Experiment;
  /** sha256 of the resolved configuration (`configHash`). */
  configHash: string;
  codeVersion: string;
  files: { sources: string[]; sets: string[]; sweep: boolean };
}

/** Why a worker will not run a unit: said to the user, and the unit goes back to the queue for another worker. */
export interface Refusal {
  message: string;
  hint: string;
}

export function configHash(experiment: Experiment): string {
  return createHash('sha256').update(stableJson(experiment)).digest('hex');
}

/**
 * A run's key on the queue: the run folder's name and a hash of its absolute path, so two runs
 * sharing one Redis never share a job, and a resumed run (same folder) finds its own jobs again.
 */
export function runKey(runDir: string): string {
  const dir = resolve(runDir);
  const hash = createHash('sha256').update(dir).digest('hex').slice(0, 12);
  return `${basename(dir).replace(/[^A-Za-z0-9_.-]/g, '_')}-${hash}`;
}

/** The job id of a unit: one per run and unit, so a unit is never queued twice (BullMQ ignores an add whose id exists). Ids may not hold ':'. */
export function unitJobId(run: string, unit: string): string {
  return `${run}.${unit.replace(/\//g, '.')}`;
}

/** Memo of the experiment files a worker has read: the same files and sets make the same trials. */
export type TrialReader = (files: SweepUnit['files']) => Promise<Trial[]>;

export function trialReader(): TrialReader {
  const memo = new Map<string, Promise<Trial[]>>();
  return (files) => {
    const key = stableJson(files);
    let trials = memo.get(key);
    if (trials === undefined) {
      trials = (async () => {
        const loaded = await loadExperiment(files.sources[0] as string, { set: files.sets });
        return expandTrials(loaded, { sweep: files.sweep });
      })();
      memo.set(key, trials);
      // A failed read is not kept: the file may be there next time.
      trials.catch(() => memo.delete(key));
    }
    return trials;
  };
}

/**
 * Checks a unit before a worker trains it: the same code version, a configuration that matches
 * its hash, experiment files this worker can read, and that these files make the same trial.
 * Returns the refusal, or undefined when the unit may run.
 */
export async function checkSweepUnit(
  unit: SweepUnit,
  here: { codeVersion: string; readTrials: TrialReader },
): Promise<Refusal | undefined> {
  const what = `unit ${unit.unit} of run ${unit.run}`;
  if (unit.format !== 'motionfuse-unit/1')
    return {
      message: `${what}: unknown unit format '${String(unit.format)}'`,
      hint: 'Run the same motionfuse version as the coordinator.',
    };
  if (unit.codeVersion !== here.codeVersion)
    return {
      message: `${what} refused: this worker runs code ${here.codeVersion}, the run was started with ${unit.codeVersion}`,
      hint: "Check out the coordinator's commit (or install its version) here, then start the worker again.",
    };
  if (configHash(unit.experiment) !== unit.configHash)
    return {
      message: `${what} refused: its configuration does not match its hash`,
      hint: 'The job was altered on the queue; start the sweep again.',
    };
  for (const file of unit.files.sources)
    try {
      await access(file, constants.R_OK);
    } catch (err) {
      return {
        message: `${what} refused: this worker cannot read the experiment file ${file} (${errorMessage(err)})`,
        hint: 'A worker runs only experiments it can read itself: put the files at the same path here (a shared folder or the same checkout).',
      };
    }
  let trials: Trial[];
  try {
    trials = await here.readTrials(unit.files);
  } catch (err) {
    return {
      message: `${what} refused: the experiment files do not load here: ${errorMessage(err)}`,
      hint: "Make this machine's copy of the files and data sets the coordinator's.",
    };
  }
  const trial = trials.find((t) => t.id === unit.trialId);
  if (trial === undefined || configHash(trial.experiment) !== unit.configHash)
    return {
      message: `${what} refused: the experiment files here make a different trial than the coordinator's`,
      hint: "Make this machine's copy of the experiment files the coordinator's.",
    };
  return undefined;
}
