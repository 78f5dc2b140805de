import * as aq from 'arquero';
import type { ClassificationReport } from '../train/metrics.ts';

/** One finished fold of one trial, as the results store holds it. */
export interface FoldRecord {
  trialId: string;
  /** The variant's name in tables (the sweep's values). */
  label: string;
  dataset: string;
  fold: number;
  report: ClassificationReport;
  epochs: number | undefined;
  seconds: number;
}

export interface ResultTables {
  /** One row per trial and fold. */
  trialsFolds: aq.ColumnTable;
  /** One row per variant and data set: mean and sample std over folds. */
  variants: aq.ColumnTable;
  /** One row per class (focus classes first), one column per variant: mean error % over folds. */
  classError: aq.ColumnTable;
  /** One row per data set, one column per variant: mean accuracy % over folds. */
  datasetVariant: aq.ColumnTable;
}

/**
 * The result tables of a run, built with arquero from the fold records. Averages over classes
 * are named (macro: unweighted; weighted: by support); spreads are sample standard deviations
 * over folds (0 for one fold). Variants keep the order the sweep made them in.
 */
export function resultTables(records: readonly FoldRecord[], focusClasses: readonly string[]): ResultTables {
  const order = [...new Set(records.map((r) => r.label))];
  const rows = records.map((r) => ({
    trial: r.trialId,
    variant: r.label,
    dataset: r.dataset,
    fold: r.fold + 1,
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
  const trialsFolds = aq.from(rows).orderby('variant', 'dataset', 'fold');
  const measures = [
    'accuracy',
    'macro_precision',
    'macro_recall',
    'macro_f1',
    'weighted_f1',
    ...focusClasses.map((c) => `${c}_error`),
  ];
  const rollup: Record<string, unknown> = { folds: aq.op.count() };
  for (const m of measures) {
    rollup[`${m}_mean`] = aq.op.mean(m);
    rollup[`${m}_std`] = aq.op.stdev(m);
  }
  const variants = sortByVariant(
    trialsFolds
      .groupby('variant', 'dataset')
      .rollup(rollup as never)
      .derive(
        Object.fromEntries(
          measures.map((m) => [`${m}_std`, aq.escape((d: Record<string, number | null>) => d[`${m}_std`] ?? 0)]),
        ),
      ),
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

/** Markdown of the variants table: mean ± sample std over folds, in percent. */
export function variantsMarkdown(variants: aq.ColumnTable, focusClasses: readonly string[]): string {
  const datasets = new Set(variants.array('dataset') as string[]);
  const head = [
    'variant',
    ...(datasets.size > 1 ? ['dataset'] : []),
    'folds',
    'accuracy %',
    'macro F1 %',
    'weighted F1 %',
    ...focusClasses.map((c) => `${c} error %`),
  ];
  const lines = [`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`];
  for (const row of variants.objects() as Record<string, unknown>[]) {
    const cell = (m: string) => `${pct(row[`${m}_mean`])} ± ${pct(row[`${m}_std`])}`;
    lines.push(
      `| ${[String(row['variant']), ...(datasets.size > 1 ? [String(row['dataset'])] : []), String(row['folds']), cell('accuracy'), cell('macro_f1'), cell('weighted_f1'), ...focusClasses.map((c) => cell(`${c}_error`))].join(' | ')} |`,
    );
  }
  return lines.join('\n');
}
