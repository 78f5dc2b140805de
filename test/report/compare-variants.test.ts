import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  compareVariants,
  comparisonCells,
  formatP,
  pValueCell,
  type VariantComparison,
  type VariantRun,
} from '../../src/report/compare-variants.ts';

const run = (variant: string, fold: number, repeat: number, accuracy: number, dataset = 'synthetic'): VariantRun => ({
  variant,
  dataset,
  fold,
  repeat,
  accuracy,
});
const rowOf = (rows: VariantComparison[], variant: string, dataset = 'synthetic') =>
  rows.find((r) => r.variant === variant && r.dataset === dataset) as VariantComparison;

const Compare = suite('compareVariants');

Compare('against the best mean accuracy, runs paired by (fold, repeat): paired t on the shared runs only', () => {
  const runs = [
    run('a', 0, 0, 0.9),
    run('a', 0, 1, 0.8),
    run('a', 1, 0, 0.7),
    run('a', 1, 1, 0.85),
    run('b', 0, 0, 0.6),
    run('b', 0, 1, 0.7),
    run('b', 1, 0, 0.6),
    // Only b ran fold 3: it counts in b's mean, not in the pairs.
    run('b', 2, 0, 0.1),
  ];
  const rows = compareVariants(runs);
  assert.equal(
    rows.map((r) => [r.variant, r.test, r.against]),
    [
      ['a', 'best', 'a'],
      ['b', 'paired-t', 'a'],
    ],
  );
  const b = rowOf(rows, 'b');
  if (b.test !== 'paired-t') throw new Error('b: paired t expected');
  // Differences b - a on the three shared runs: -0.3, -0.1, -0.1. Mean -1/6, sd sqrt(0.04 / 3), se 1/15:
  // t = -2.5 on 2 df, p = 1 - 2.5 / sqrt(2 + 2.5^2) = 0.12961.
  assert.is(b.n, 3);
  assert.ok(Math.abs(b.t + 2.5) < 1e-9, `t ${b.t}`);
  assert.ok(Math.abs(b.p - (1 - 2.5 / Math.sqrt(8.25))) < 1e-9, `p ${b.p}`);
  assert.not.ok(b.significant);
  // Wilcoxon: |d| 0.1, 0.1 tie (midrank 1.5, float noise aside), 0.3 rank 3; all negative: W+ = 0, p = 2 / 8.
  assert.ok(Math.abs(b.wilcoxonP - 0.25) < 1e-12, `Wilcoxon p ${b.wilcoxonP}`);
});

Compare("one paired run: McNemar's exact test on the test samples, paired by id whatever their order", () => {
  const ids = Array.from({ length: 10 }, (_, i) => `s${i + 1}`);
  const truth = ids.map(() => 0);
  // a is right on all but s1; b only on s1: b = 1 (only b right), c = 9 (only a right).
  const a: VariantRun = {
    ...run('a', 0, 0, 0.9),
    predictions: { ids, truth, predicted: ids.map((_, i) => (i === 0 ? 1 : 0)) },
  };
  const reversed = [...ids].reverse();
  const b: VariantRun = {
    ...run('b', 0, 0, 0.1),
    predictions: { ids: reversed, truth, predicted: reversed.map((id) => (id === 's1' ? 0 : 1)) },
  };
  const rows = compareVariants([a, b]);
  const row = rowOf(rows, 'b');
  if (row.test !== 'mcnemar') throw new Error(`b: McNemar expected, got ${row.test}`);
  assert.equal([row.n, row.b, row.c], [10, 1, 9]);
  assert.ok(Math.abs(row.p - 0.021484375) < 1e-12, `p ${row.p}`);
  assert.ok(row.significant);
  assert.equal(comparisonCells(row), { test: 'McNemar exact (b=1, c=9)', p: '0.021 *', wilcoxonP: '' });
});

Compare('one paired run without predictions: no test, and why', () => {
  const rows = compareVariants([run('a', 0, 0, 0.9), run('b', 0, 0, 0.5)]);
  assert.equal(comparisonCells(rowOf(rows, 'b')).test, 'n/a: one paired run, without predictions');
});

Compare('a named reference is the one compared with, best or not; one without runs leaves every test out', () => {
  const runs = [run('a', 0, 0, 0.9), run('a', 1, 0, 0.8), run('b', 0, 0, 0.5), run('b', 1, 0, 0.6)];
  const rows = compareVariants(runs, { reference: 'b' });
  assert.equal(
    rows.map((r) => [r.variant, r.test, r.against]),
    [
      ['a', 'paired-t', 'b'],
      ['b', 'reference', 'b'],
    ],
  );
  assert.equal(comparisonCells(rowOf(rows, 'b')).test, '(reference)');
  const none = compareVariants(runs, { reference: 'c' });
  assert.equal(
    none.map((r) => comparisonCells(r).test),
    ["n/a: no runs of 'c'", "n/a: no runs of 'c'"],
  );
});

Compare('each data set has its own best; runs of different data sets never pair', () => {
  const runs = [
    run('a', 0, 0, 0.9, 'one'),
    run('b', 0, 0, 0.5, 'one'),
    run('a', 0, 0, 0.2, 'two'),
    run('b', 0, 0, 0.7, 'two'),
    run('c', 1, 0, 0.1, 'two'),
  ];
  const rows = compareVariants(runs);
  assert.is(rowOf(rows, 'a', 'one').test, 'best');
  assert.is(rowOf(rows, 'b', 'two').test, 'best');
  assert.is(rowOf(rows, 'a', 'two').against, 'b');
  assert.equal(comparisonCells(rowOf(rows, 'c', 'two')).test, 'n/a: no paired runs');
});

Compare.run();

const Cells = suite('comparison cells');

Cells('p-values: 3 decimals, 4 under 0.001, then < 0.0001; a star under 0.05', () => {
  assert.is(formatP(0.5), '0.500');
  assert.is(formatP(0.0123), '0.012');
  assert.is(formatP(0.00031), '0.0003');
  assert.is(formatP(0.00001), '< 0.0001');
  assert.is(pValueCell(0.05), '0.050');
  assert.is(pValueCell(0.049), '0.049 *');
  assert.is(pValueCell(null), '');
});

Cells.run();
