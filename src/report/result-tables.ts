import * as aq from 'arquero';
import type { ClassificationReport } from '../train/metrics.ts';
import { COMPARISON_NOTE, comparisonCells, compareVariants, pValueCell, type VariantRun } from './compare-variants.ts';

/** One finished fold of one trial, as the results store holds it. */
export interface FoldRecord {
  trialId: string;
  /** The variant's name in tables (the sweep's values). */
  label: string;
  dataset: string;
  fold: number;
  /** Which training of the fold (0-based; repeats differ in their training seed only); default 0. */
  repeat?: number;
  report: ClassificationReport;
  epochs: number | undefined;
  seconds: number;
  /** The fold's test predictions: McNemar's test pairs two variants' samples by id. */
  predictions?: VariantRun['predictions'];
}

export interface ResultTables {
  /** One row per trial, fold and repeat. */
  trialsFolds: aq.ColumnTable;
  /**
   * One row per variant and data set: mean and sample std over its runs (folds x repeats), the
   * distinct folds and repeats and the runs, and the significance test against the reference or
   * best variant (vs, test, p, significant, wilcoxon_p; see compareVariants).
   */
  variants: aq.ColumnTable;
  /** One row per class (focus classes first), one column per variant: mean error % over folds. */
  classError: aq.ColumnTable;
  /** One row per data set, one column per variant: mean accuracy % over folds. */
  datasetVariant: aq.ColumnTable;
}

/**
 * The result tables of a run, built with arquero from the fold records. Averages over classes
 * are named (macro: unweighted; weighted: by support); spreads are sample standard deviations
 * over the runs, folds x repeats (0 for one run). Variants keep the order the sweep made them in;
 * each is tested against `reference` (a variant's label), else the best by mean accuracy.
 */
export function resultTables(
  records: readonly FoldRecord[],
  focusClasses: readonly string[],
  options: { reference?: string } = {},
): ResultTables {
  const order = [...new Set(records.map((r) => r.label))];
  const rows = records.map((r) => ({
    trial: r.trialId,
    variant: r.label,
    dataset: r.dataset,
    fold: r.fold + 1,
    repeat: (r.repeat ?? 0) + 1,
    n: r.report.n,
    accuracy: r.report.accuracy,
    macro_precision: r.report.macro.precision,
    macro_recall: r.report.macro.recall,
    macro_f1: r.report.macro.f1,
    weighted_f1: r.report.weighted.f1,
    ...Object.fromEntries(
      focusClasses.map((c) => [`${c}_error`, r.report.perClass.find((p) => p.name === c)?.error ?? Number.NaN]),
    ),
    epochs: r.epochs ?? Number.NaN,
    seconds: r.seconds,
  }));
  const trialsFolds = aq.from(rows).orderby('variant', 'dataset', 'fold', 'repeat');
  const measures = [
    'accuracy',
    'macro_precision',
    'macro_recall',
    'macro_f1',
    'weighted_f1',
    ...focusClasses.map((c) => `${c}_error`),
  ];
  const rollup: Record<string, unknown> = { folds: aq.op.distinct('fold') };
  for (const m of measures) {
    rollup[`${m}_mean`] = aq.op.mean(m);
    rollup[`${m}_std`] = aq.op.stdev(m);
  }
  rollup['repeats'] = aq.op.distinct('repeat');
  rollup['runs'] = aq.op.count();
  const comparisons = new Map(
    compareVariants(
      records.map((r) => ({
        variant: r.label,
        dataset: r.dataset,
        fold: r.fold,
        repeat: r.repeat ?? 0,
        accuracy: r.report.accuracy,
        ...(r.predictions === undefined ? {} : { predictions: r.predictions }),
      })),
      options,
    ).map((c) => [`${c.variant}\u0000${c.dataset}`, c]),
  );
  const compared = (d: { variant: string; dataset: string }) => comparisons.get(`${d.variant}\u0000${d.dataset}`);
  const variants = sortByVariant(
    trialsFolds
      .groupby('variant', 'dataset')
      .rollup(rollup as never)
      .derive(
        Object.fromEntries(
          measures.map((m) => [`${m}_std`, aq.escape((d: Record<string, number | null>) => d[`${m}_std`] ?? 0)]),
        ),
      )
      .derive({
        vs: aq.escape((d: { variant: string; dataset: string }) => compared(d)?.against ?? null),
        test: aq.escape((d: { variant: string; dataset: string }) => {
          const c = compared(d);
          return c === undefined ? null : comparisonCells(c).test;
        }),
        p: aq.escape((d: { variant: string; dataset: string }) => {
          const c = compared(d);
          return c !== undefined && 'p' in c ? c.p : null;
        }),
        significant: aq.escape((d: { variant: string; dataset: string }) => {
          const c = compared(d);
          return c !== undefined && 'significant' in c ? c.significant : null;
        }),
        wilcoxon_p: aq.escape((d: { variant: string; dataset: string }) => {
          const c = compared(d);
          return c?.test === 'paired-t' ? c.wilcoxonP : null;
        }),
      }),
    order,
  );

  const classRows = records.flatMap((r) =>
    r.report.perClass.filter((p) => p.support > 0).map((p) => ({ variant: r.label, class: p.name, error: p.error })),
  );
  const classes = [...new Set(classRows.map((r) => r.class))];
  const classOrder = [
    ...focusClasses.filter((c) => classes.includes(c)),
    ...classes.filter((c) => !focusClasses.includes(c)),
  ];
  const meanError = aq
    .from(classRows)
    .groupby('class', 'variant')
    .rollup({ error: aq.op.mean('error') });
  const classError = aq
    .from(classOrder.map((c) => ({ class: c, focus: focusClasses.includes(c) })))
    .join_left(meanError.groupby('class').pivot('variant', 'error'), 'class')
    .select('class', 'focus', ...order.filter((v) => records.some((r) => r.label === v)));

  const datasetVariant = trialsFolds
    .groupby('dataset', 'variant')
    .rollup({ accuracy: aq.op.mean('accuracy') })
    .groupby('dataset')
    .pivot('variant', 'accuracy')
    .select('dataset', ...order);
  return { trialsFolds, variants, classError, datasetVariant };
}

function sortByVariant(table: aq.ColumnTable, order: readonly string[]): aq.ColumnTable {
  const rank = new Map(order.map((v, i) => [v, i]));
  return table
    .derive({ rank: aq.escape((d: { variant: string }) => rank.get(d.variant) ?? order.length) })
    .orderby('rank', 'dataset')
    .select(aq.not('rank'));
}

const pct = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? (100 * v).toFixed(1) : 'n/a');

/**
 * The variants table's columns for a report (markdown, HTML): how many runs and the significance
 * test, as text. With repeats, the runs column says `runs (folds x repeats)`; without, `folds` as
 * before. The test columns appear once some data set has two variants (Wilcoxon's with paired runs).
 */
export function variantCells(
  variants: aq.ColumnTable,
  options: { reference?: string } = {},
): { head: string[]; rows: string[][]; runs: { head: string; cells: string[] }; repeated: boolean } {
  const objects = variants.objects() as Record<string, unknown>[];
  const repeated = objects.some((r) => Number(r['repeats']) > 1);
  const runs = {
    head: repeated ? 'runs (folds x repeats)' : 'folds',
    cells: objects.map((r) =>
      repeated ? `${String(r['runs'])} (${String(r['folds'])} x ${String(r['repeats'])})` : String(r['folds']),
    ),
  };
  const compared = objects.length > new Set(objects.map((r) => r['dataset'])).size;
  const wilcoxon = objects.some((r) => typeof r['wilcoxon_p'] === 'number');
  const head = compared ? [`vs ${options.reference ?? 'best'}`, 'p', ...(wilcoxon ? ['Wilcoxon p'] : [])] : [];
  const rows = objects.map((r) =>
    compared
      ? [
          String(r['test'] ?? ''),
          pValueCell(r['p'] as number | null),
          ...(wilcoxon ? [pValueCell(r['wilcoxon_p'] as number | null)] : []),
        ]
      : [],
  );
  return { head, rows, runs, repeated };
}

/**
 * Markdown of the variants table: mean ± sample std over runs (folds x repeats), in percent, and
 * each variant's test against the best (or reference) variant, with a note under the table.
 */
export function variantsMarkdown(
  variants: aq.ColumnTable,
  focusClasses: readonly string[],
  options: { reference?: string; note?: string } = {},
): string {
  const datasets = new Set(variants.array('dataset') as string[]);
  const cells = variantCells(variants, options);
  const head = [
    'variant',
    ...(datasets.size > 1 ? ['dataset'] : []),
    cells.runs.head,
    'accuracy %',
    'macro F1 %',
    'weighted F1 %',
    ...focusClasses.map((c) => `${c} error %`),
    ...cells.head,
  ];
  const lines = [`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`];
  (variants.objects() as Record<string, unknown>[]).forEach((row, i) => {
    const cell = (m: string) => `${pct(row[`${m}_mean`])} ± ${pct(row[`${m}_std`])}`;
    lines.push(
      `| ${[String(row['variant']), ...(datasets.size > 1 ? [String(row['dataset'])] : []), cells.runs.cells[i] as string, cell('accuracy'), cell('macro_f1'), cell('weighted_f1'), ...focusClasses.map((c) => cell(`${c}_error`)), ...(cells.rows[i] as string[])].join(' | ')} |`,
    );
  });
  if (cells.head.length > 0) lines.push('', COMPARISON_NOTE);
  const note = readersNote(variants, options);
  if (note !== undefined) lines.push('', note);
  return lines.join('\n');
}

/**
 * What a reader is told under the table: where the named reference variant (the model the
 * experiment is about) is not the best by mean accuracy, a sentence saying so, and the
 * experiment's own `report.note`; undefined when there is neither.
 */
export function readersNote(
  variants: aq.ColumnTable,
  options: { reference?: string; note?: string },
): string | undefined {
  const parts = [
    ...referenceBeaten(variants, options.reference),
    ...(options.note === undefined ? [] : [options.note.trim()]),
  ];
  return parts.length === 0 ? undefined : parts.join(' ');
}

function referenceBeaten(variants: aq.ColumnTable, reference: string | undefined): string[] {
  if (reference === undefined) return [];
  const rows = variants.objects() as Record<string, unknown>[];
  return [...new Set(rows.map((r) => String(r['dataset'])))].flatMap((dataset) => {
    const own = rows.filter((r) => String(r['dataset']) === dataset);
    const ref = own.find((r) => r['variant'] === reference);
    const best = own.reduce((a, b) => ((b['accuracy_mean'] as number) > (a['accuracy_mean'] as number) ? b : a));
    if (ref === undefined || best === ref || best['accuracy_mean'] === ref['accuracy_mean']) return [];
    return [
      `Note: ${reference} is not the best variant here${own.length < rows.length ? ` on ${dataset}` : ''}: ${String(best['variant'])} is (${pct(best['accuracy_mean'])} % against ${pct(ref['accuracy_mean'])} % accuracy).`,
    ];
  });
}
