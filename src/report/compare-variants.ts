import { mcnemarExact, pairedTTest, SIGNIFICANCE_LEVEL, wilcoxonSignedRank } from '../train/significance.ts';

/** One finished run (one fold, one repeat) of one variant, as the comparison reads it. */
export interface VariantRun {
  variant: string;
  dataset: string;
  /** 0-based, like repeat: runs of two variants pair up by (fold, repeat). */
  fold: number;
  repeat: number;
  accuracy: number;
  /** The test samples: id, true and predicted class (McNemar pairs them by id). */
  predictions?: { ids: readonly string[]; truth: readonly number[]; predicted: readonly number[] };
}

/** What a comparison found. */
export type ComparisonOutcome =
  | { test: 'best' | 'reference' }
  /** One paired run: b test samples only this variant got right, c only the other. */
  | { test: 'mcnemar'; n: number; b: number; c: number; p: number; significant: boolean }
  /** Paired runs: a paired t-test on their accuracies, with Wilcoxon's signed-rank p beside it. */
  | { test: 'paired-t'; n: number; t: number; p: number; wilcoxonP: number; significant: boolean }
  | { test: 'none'; reason: string };

/** How one variant compares with the reference (or best) variant of its data set. */
export type VariantComparison = {
  variant: string;
  dataset: string;
  /** The variant compared with: the reference named, else the best by mean accuracy. */
  against: string;
} & ComparisonOutcome;

/**
 * Each variant of each data set against one other: `reference` where named, else the variant
 * with the best mean accuracy over its runs (the first of equals). Runs pair up by (fold, repeat),
 * which share their test samples. One paired run (a single split) gets the exact McNemar test on
 * its test samples, paired by id; several get a paired t-test on the per-run accuracies (and the
 * exact Wilcoxon signed-rank p). Rows follow the order the variants first appear in.
 */
export function compareVariants(
  runs: readonly VariantRun[],
  options: { reference?: string } = {},
): VariantComparison[] {
  const out: VariantComparison[] = [];
  for (const dataset of new Set(runs.map((r) => r.dataset))) {
    const own = runs.filter((r) => r.dataset === dataset);
    const variants = [...new Set(own.map((r) => r.variant))];
    const runsOf = new Map(
      variants.map((v) => [v, new Map(own.filter((r) => r.variant === v).map((r) => [`${r.fold}/${r.repeat}`, r]))]),
    );
    const mean = (v: string) => {
      const accuracies = [...(runsOf.get(v)?.values() ?? [])].map((r) => r.accuracy);
      return accuracies.reduce((s, a) => s + a, 0) / accuracies.length;
    };
    const against = options.reference ?? variants.reduce((best, v) => (mean(v) > mean(best) ? v : best));
    const theirs = runsOf.get(against);
    for (const variant of variants) {
      const head = { variant, dataset, against };
      if (variant === against) {
        out.push({ ...head, test: options.reference === undefined ? 'best' : 'reference' });
        continue;
      }
      if (theirs === undefined) {
        out.push({ ...head, test: 'none', reason: `no runs of '${against}'` });
        continue;
      }
      const mine = runsOf.get(variant) as Map<string, VariantRun>;
      const paired = [...mine.keys()].filter((k) => theirs.has(k));
      if (paired.length === 0) {
        out.push({ ...head, test: 'none', reason: 'no paired runs' });
      } else if (paired.length === 1) {
        const key = paired[0] as string;
        out.push({ ...head, ...mcnemarOn(mine.get(key) as VariantRun, theirs.get(key) as VariantRun) });
      } else {
        const a = paired.map((k) => (mine.get(k) as VariantRun).accuracy);
        const b = paired.map((k) => (theirs.get(k) as VariantRun).accuracy);
        const { t, p } = pairedTTest(a, b);
        out.push({
          ...head,
          test: 'paired-t',
          n: paired.length,
          t,
          p,
          wilcoxonP: wilcoxonSignedRank(a, b).p,
          significant: p < SIGNIFICANCE_LEVEL,
        });
      }
    }
  }
  return out;
}

/** McNemar's exact test on one pair of runs, test samples matched by id. */
function mcnemarOn(mine: VariantRun, theirs: VariantRun): ComparisonOutcome {
  if (mine.predictions === undefined || theirs.predictions === undefined)
    return { test: 'none', reason: 'one paired run, without predictions' };
  const right = (p: NonNullable<VariantRun['predictions']>) =>
    new Map(p.ids.map((id, i) => [id, p.predicted[i] === p.truth[i]]));
  const other = right(theirs.predictions);
  let n = 0;
  let b = 0;
  let c = 0;
  for (const [id, ok] of right(mine.predictions)) {
    const theirsOk = other.get(id);
    if (theirsOk === undefined) continue;
    n++;
    if (ok && !theirsOk) b++;
    if (!ok && theirsOk) c++;
  }
  if (n === 0) return { test: 'none', reason: 'no shared test samples' };
  const p = mcnemarExact(b, c);
  return { test: 'mcnemar', n, b, c, p, significant: p < SIGNIFICANCE_LEVEL };
}

/** A p-value for tables: 3 decimals, 4 under 0.001, then '< 0.0001'. */
export function formatP(p: number): string {
  if (!Number.isFinite(p)) return 'n/a';
  return p < 0.0001 ? '< 0.0001' : p < 0.001 ? p.toFixed(4) : p.toFixed(3);
}

/** The comparison as table cells: the test (with its n) and the p-value, `*` where significant. */
export function comparisonCells(c: VariantComparison): { test: string; p: string; wilcoxonP: string } {
  switch (c.test) {
    case 'best':
      return { test: '(best)', p: '', wilcoxonP: '' };
    case 'reference':
      return { test: '(reference)', p: '', wilcoxonP: '' };
    case 'none':
      return { test: `n/a: ${c.reason}`, p: '', wilcoxonP: '' };
    case 'mcnemar':
      return { test: `McNemar exact (b=${c.b}, c=${c.c})`, p: pValueCell(c.p), wilcoxonP: '' };
    case 'paired-t':
      return { test: `paired t (n=${c.n})`, p: pValueCell(c.p), wilcoxonP: pValueCell(c.wilcoxonP) };
  }
}

/** A p-value cell: formatted, with ` *` where significant; empty where there is none. */
export function pValueCell(p: number | null | undefined): string {
  if (p === null || p === undefined) return '';
  return `${formatP(p)}${p < SIGNIFICANCE_LEVEL ? ' *' : ''}`;
}

/** What the comparison columns mean, for under a table. */
export const COMPARISON_NOTE = `Each variant is tested against the one named in the "vs" column header: with one paired run (one fold, one repeat), McNemar's exact test on the test samples (b: samples only this variant classified right, c: only the other); with several, a paired t-test on the accuracies of the runs paired by fold and repeat, and the exact Wilcoxon signed-rank p beside it. Two-sided p; * p < ${SIGNIFICANCE_LEVEL} (significant).`;
