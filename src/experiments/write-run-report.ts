import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { writeFileAtomic } from '../core/atomic-file.ts';
import { renderHtmlReport } from '../report/html-report.ts';
import { REPEAT_SEED_STRIDE } from '../train/training-seed.ts';
import { COMPARISON_NOTE } from '../report/compare-variants.ts';
import { deploySectionsOf } from '../report/deploy-section.ts';
import { readersNote, resultTables, variantCells } from '../report/result-tables.ts';
import { jumpingSectionOf } from './jumping-section-of.ts';
import { foldRecord, repeatsOf, ResultsStore, RUN_FILES } from './results-store.ts';
import { foldCount, splitDescription } from './trial-plan.ts';

export const REPORT_FILE = 'report.html';

/**
 * report.html of a run's folder, from the folds finished so far (a stopped run reports what it
 * has). Returns its path.
 */
export async function writeRunReport(runDir: string): Promise<string> {
  const store = await ResultsStore.open(runDir);
  const folds = await store.readFolds();
  const { experiment, trials } = store.config;
  const focus = experiment.report.focusClasses;
  const fractionOf = new Map(trials.map((t) => [t.label, t.experiment.train.fraction]));
  const pct = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? (100 * v).toFixed(1) : 'n/a');
  const reference = experiment.report.reference;
  const rows: string[][] = [];
  let cells: ReturnType<typeof variantCells> | undefined;
  let readers: string | undefined;
  if (folds.length > 0) {
    const options = reference === undefined ? {} : { reference };
    const { variants } = resultTables(folds.map(foldRecord), focus, options);
    const own = variantCells(variants, options);
    readers = readersNote(variants, {
      ...options,
      ...(experiment.report.note === undefined ? {} : { note: experiment.report.note }),
    });
    cells = own;
    (variants.objects() as Record<string, unknown>[]).forEach((r, i) => {
      const cell = (m: string) => `${pct(r[`${m}_mean`])} ± ${pct(r[`${m}_std`])}`;
      rows.push([
        String(r['variant']),
        String(r['dataset']),
        own.runs.cells[i] as string,
        cell('accuracy'),
        cell('macro_precision'),
        cell('macro_recall'),
        cell('macro_f1'),
        cell('weighted_f1'),
        ...focus.map((c) => cell(`${c}_error`)),
        ...(own.rows[i] as string[]),
      ]);
    });
  }
  const repeats = repeatsOf(experiment);
  const environment =
    readJson<{ starts: Record<string, unknown>[] }>(join(store.dir, RUN_FILES.environment))?.starts ?? [];
  const first = environment[0] ?? {};
  const git = first['git'] as { commit: string; dirty: boolean } | null | undefined;
  const total = trials.reduce((n, t) => n + foldCount(t.experiment.split) * repeatsOf(t.experiment), 0);
  const { name: datasetName, ...datasetOptions } = experiment.dataset as Record<string, unknown>;
  const labelWithoutFraction = (v: string) => v.replace(/(^| )fraction=[^ ]+/, '').trim();
  const html = renderHtmlReport({
    title: `${experiment.name}: ${basename(store.dir)}`,
    ...(experiment.description === undefined ? {} : { description: experiment.description }),
    facts: [
      ['data set', `${String(datasetName)} ${JSON.stringify(datasetOptions)}`],
      [
        'split',
        `${splitDescription(experiment.split)}${experiment.split.kind === 'group-k-fold' ? ' (no subject in two folds)' : ''}; validation: 1/${experiment.split.validationFolds} of the training subjects`,
      ],
      [
        'trials',
        `${trials.length} trial${trials.length === 1 ? '' : 's'} x ${foldCount(experiment.split)} folds${repeats > 1 ? ` x ${repeats} repeats` : ''}; ${folds.length} of ${total} ${repeats > 1 ? 'runs' : 'folds'} finished`,
      ],
      [
        'training',
        `up to ${experiment.train.epochs} epochs, batch ${experiment.train.batchSize}, Adam lr ${experiment.train.learningRate} x ${experiment.train.decayFactor} every ${experiment.train.decayEvery} epochs, early stopping after ${experiment.train.patience}`,
      ],
      [
        'seed',
        `${experiment.seed}${repeats > 1 ? `; repeat r of fold k trains with seed + k + ${REPEAT_SEED_STRIDE} r` : ''}`,
      ],
      [
        'backend',
        `${String(first['backend'] ?? '?')} (tfjs ${String(first['tfjs'] ?? '?')}, Node ${String(first['node'] ?? '?')}, ${String(first['cores'] ?? '?')} cores)`,
      ],
      [
        'commit',
        git === null || git === undefined
          ? 'not a git checkout'
          : `${git.commit}${git.dirty ? ' (with uncommitted changes)' : ''}`,
      ],
      ['command', String(first['command'] ?? '')],
      ['started', String(first['at'] ?? '')],
    ],
    table: {
      head: [
        'variant',
        'data set',
        cells?.runs.head ?? 'folds',
        'accuracy %',
        'macro precision %',
        'macro recall %',
        'macro F1 %',
        'weighted F1 %',
        ...focus.map((c) => `${c} error %`),
        ...(cells?.head ?? []),
      ],
      rows,
      note: `Mean ± sample standard deviation over ${cells?.repeated === true ? 'runs (folds x repeats; repeats differ in their training seed only)' : 'folds'}. Macro: unweighted mean over classes; weighted: by class support. Error is 1 - recall.${(cells?.head.length ?? 0) > 0 ? ` ${COMPARISON_NOTE}` : ''}${readers === undefined ? '' : ` ${readers}`}`,
    },
    focusClasses: focus,
    folds: folds.map((f) => ({
      variant: f.label,
      fold: f.fold,
      report: f.result.report,
      history: f.result.training?.history,
      trainFraction: fractionOf.get(f.label) ?? 1,
    })),
    labelWithoutFraction,
    extraSections: [
      ...[jumpingSectionOf(store, folds, labelWithoutFraction)].filter((x) => x !== undefined),
      ...deploySectionsOf(store.dir),
    ],
    skipped: readJson<{ skipped: { id: string; reason: string }[] }>(join(store.dir, RUN_FILES.skipped))?.skipped ?? [],
  });
  const path = join(store.dir, REPORT_FILE);
  await writeFileAtomic(path, html);
  return path;
}

function readJson<T>(path: string): T | undefined {
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as T) : undefined;
}
