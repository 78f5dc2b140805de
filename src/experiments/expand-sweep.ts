import { createHash } from 'node:crypto';
import { ConfigError, UserError } from '../core/errors.ts';
import { setDotted, type PlainObject } from './dotted-keys.ts';
import type { Experiment } from './experiment-schema.ts';
import { locateField, validateExperiment, type LoadedExperiment } from './load-experiment.ts';
import { trialInputSpec } from './trial-plan.ts';

/** One variant of an experiment: its resolved configuration and what the sweep set to make it. */
export interface Trial {
  /** A hash of everything that decides the trial's results: a finished trial is found again by it on resume. */
  id: string;
  /** For tables: the ablation's name and the grid values, or the model type when nothing is swept. */
  label: string;
  /** Dotted key -> value, as the sweep gave them. */
  overrides: Record<string, unknown>;
  experiment: Experiment;
}

/**
 * The trials of an experiment: every named ablation (or the base alone) times every combination
 * of the grid's values. Each is checked against the schema; a bad sweep value is a ConfigError
 * at its line in the sweep block. Trials that resolve to the same configuration run once.
 */
export function expandTrials(loaded: LoadedExperiment, options: { sweep?: boolean } = {}): Trial[] {
  const sweep = options.sweep === false ? undefined : loaded.experiment.sweep;
  const ablations: [string, Record<string, unknown>][] =
    sweep?.ablations === undefined ? [['', {}]] : Object.entries(sweep.ablations);
  const grid = Object.entries(sweep?.grid ?? {});
  const combinations = grid.reduce<[string, unknown][][]>(
    (acc, [key, values]) => acc.flatMap((combo) => values.map((v) => [...combo, [key, v] as [string, unknown]])),
    [[]],
  );
  const trials: Trial[] = [];
  const seen = new Set<string>();
  // Data that is not on disk is gathered over every trial and reported at once.
  const missingData = new Map<string, string>();
  for (const [ablation, ablationSets] of ablations) {
    for (const combo of combinations) {
      let written: PlainObject = loaded.written;
      const origin = new Map<string, string[]>();
      for (const [key, value] of Object.entries(ablationSets)) {
        written = setDotted(written, key, value);
        origin.set(key, ['ablations', ablation, key]);
      }
      for (const [key, value] of combo) {
        written = setDotted(written, key, value);
        origin.set(key, ['grid', key]);
      }
      let experiment;
      try {
        experiment = validateExperiment(written, loaded.sources, (path) => {
          const field = path.map(String).join('.');
          const key = [...origin.keys()].find(
            (k) => field === k || field.startsWith(`${k}.`) || k.startsWith(`${field}.`),
          );
          if (key === undefined) return locateField(path, loaded.sources);
          return {
            ...locateField(['sweep', ...(origin.get(key) as string[])], loaded.sources),
            field: `${field} (set by the sweep${ablation === '' ? '' : ` in ablation '${ablation}'`})`,
          };
        });
      } catch (err) {
        if (!(err instanceof ConfigError) || !isMissingData(err)) throw err;
        const name = String((written['dataset'] as PlainObject | undefined)?.['name'] ?? '?');
        missingData.set(`${name}: ${err.message}`, name);
        continue;
      }
      const overrides = Object.fromEntries([...Object.entries(ablationSets), ...combo]);
      const id = trialId(experiment);
      if (seen.has(id)) continue;
      seen.add(id);
      trials.push({ id, label: trialLabel(ablation, combo, experiment), overrides, experiment });
    }
  }
  if (missingData.size > 0) {
    const names = [...new Set(missingData.values())];
    throw new UserError(
      `data not found:\n${[...missingData.keys()].map((k) => `  ${k}`).join('\n')}`,
      `${names.map((n) => `\`motionfuse datasets info ${n}\``).join(', ')} say${names.length === 1 ? 's' : ''} where to get ${names.length === 1 ? 'it' : 'each'} and how it must lie on disk; put it where the file says, or change the path there.`,
    );
  }
  if (trials.length === 0)
    throw new ConfigError(
      { file: loaded.sources[0]?.file ?? '(experiment)', field: 'sweep' },
      'the sweep makes no trial',
    );
  return trials;
}

/**
 * What decides results: the data, the split, the seed, the training, the model and the inputs the
 * model reads (settings of inputs it does not read are left out, so an IMU-only trial in a sweep
 * over key-frame methods runs once); not the names, the sweep, the report or the scheduling.
 */
export function trialId(experiment: Experiment): string {
  const { dataset, split, seed, train, model } = experiment;
  return createHash('sha256')
    .update(stableJson({ dataset, split, seed, train, model, inputs: trialInputSpec(experiment) }))
    .digest('hex')
    .slice(0, 12);
}

/** A data set path option that does not exist (checked by the data set's schema). */
function isMissingData(err: ConfigError): boolean {
  return (err.location.field ?? '').startsWith('dataset.') && /: no such (folder|file): /.test(err.message);
}

function trialLabel(ablation: string, combo: readonly [string, unknown][], experiment: Experiment): string {
  const parts = combo.map(([key, value]) =>
    key === 'model.type' || key === 'model'
      ? valueText(key === 'model' ? (value as PlainObject)['type'] : value)
      : `${key.split('.').pop() ?? key}=${valueText(value)}`,
  );
  const label = [ablation, ...parts].filter((p) => p !== '').join(' ');
  return label === '' ? experiment.model.type : label;
}

function valueText(value: unknown): string {
  if (Array.isArray(value)) return value.map(valueText).join('+');
  if (typeof value === 'object' && value !== null) return Object.values(value).map(valueText).join('/');
  return String(value);
}

/** JSON with object keys sorted, so equal configurations hash equal whatever order they were written in. */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson((value as PlainObject)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
