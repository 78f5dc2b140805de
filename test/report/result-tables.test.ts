import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { resultTables, variantsMarkdown, type FoldRecord } from '../../src/report/result-tables.ts';
import { classificationReport } from '../../src/train/metrics.ts';

const CLASSES = ['hop', 'jump', 'squat'];
const fold = (label: string, f: number, truth: number[], predicted: number[], dataset = 'synthetic'): FoldRecord => ({
  trialId: `id-${label}`,
  label,
  dataset,
  fold: f,
  report: classificationReport(truth, predicted, CLASSES),
  epochs: 10 + f,
  seconds: 1,
});

// Variant 'b' first: tables keep the order the sweep made the variants in.
const records = [
  fold('b', 0, [0, 1, 2, 1], [0, 1, 2, 1]), // all right
  fold('b', 1, [0, 1, 2, 1], [0, 0, 2, 1]), // one jump wrong: accuracy 0.75, jump error 0.5
  fold('a', 0, [0, 1, 2, 1], [1, 1, 2, 0]), // accuracy 0.5, jump error 0.5, hop error 1
  fold('a', 1, [0, 1, 2, 1], [0, 1, 1, 1]), // accuracy 0.75, jump error 0, squat error 1
];

const Tables = suite('resultTables');

Tables('variants: mean and sample std over folds, per variant, in sweep order', () => {
  const { variants } = resultTables(records, ['jump']);
  const rows = variants.objects() as Record<string, number | string>[];
  assert.equal(
    rows.map((r) => r['variant']),
    ['b', 'a'],
  );
  const [b, a] = rows as [Record<string, number>, Record<string, number>];
  assert.is(b['folds'], 2);
  assert.ok(Math.abs(b['accuracy_mean']! - 0.875) < 1e-12);
  assert.ok(Math.abs(b['accuracy_std']! - Math.SQRT1_2 * 0.25) < 1e-12, `std ${b['accuracy_std']}`);
  assert.ok(Math.abs(b['jump_error_mean']! - 0.25) < 1e-12);
  assert.ok(Math.abs(a['accuracy_mean']! - 0.625) < 1e-12);
  assert.ok(Math.abs(a['jump_error_mean']! - 0.25) < 1e-12);
});

Tables('one fold: the std is 0, not missing', () => {
  const { variants } = resultTables([records[0] as FoldRecord], ['jump']);
  assert.is((variants.objects()[0] as Record<string, number>)['accuracy_std'], 0);
});

Tables('class x variant error: the focus class first, then the others, mean over folds', () => {
  const { classError } = resultTables(records, ['jump']);
  const rows = classError.objects() as Record<string, number | string | boolean>[];
  assert.equal(
    rows.map((r) => r['class']),
    ['jump', 'hop', 'squat'],
  );
  assert.equal(
    rows.map((r) => r['focus']),
    [true, false, false],
  );
  assert.equal(classError.columnNames(), ['class', 'focus', 'b', 'a']);
  assert.equal(
    rows.map((r) => r['a']),
    [0.25, 0.5, 0.5],
  );
  assert.equal(
    rows.map((r) => r['b']),
    [0.25, 0, 0],
  );
});

Tables('trials x folds and data set x variant', () => {
  const more = [...records, fold('a', 0, [0, 1, 2], [0, 1, 2], 'ucf101')];
  const { trialsFolds, datasetVariant } = resultTables(more, ['jump']);
  assert.is(trialsFolds.numRows(), 5);
  assert.equal(trialsFolds.column('epochs') ? Array.from(trialsFolds.array('epochs') as number[]).length : 0, 5);
  const rows = datasetVariant.objects() as Record<string, number | string | undefined>[];
  const synthetic = rows.find((r) => r['dataset'] === 'synthetic');
  const ucf = rows.find((r) => r['dataset'] === 'ucf101');
  assert.is(synthetic?.['a'], 0.625);
  assert.is(synthetic?.['b'], 0.875);
  assert.is(ucf?.['a'], 1);
  assert.is(ucf?.['b'], undefined);
});

Tables('markdown: percent, mean ± std, averages named', () => {
  const md = variantsMarkdown(resultTables(records, ['jump']).variants, ['jump']);
  assert.match(md, /\| variant \| folds \| accuracy % \| macro F1 % \| weighted F1 % \| jump error % \|/);
  assert.match(md, /\| b \| 2 \| 87\.5 ± 17\.7 \|/);
});

Tables('repeats: mean and std over folds x repeats, the runs counted, a repeat column in trials x folds', () => {
  const repeated = [
    ...records.filter((r) => r.label === 'b'),
    { ...fold('b', 0, [0, 1, 2, 1], [0, 1, 2, 2]), repeat: 1 }, // accuracy 0.75
    { ...fold('b', 1, [0, 1, 2, 1], [2, 0, 2, 1]), repeat: 1 }, // accuracy 0.5
  ];
  const { variants, trialsFolds } = resultTables(repeated, ['jump']);
  const b = variants.objects()[0] as Record<string, number>;
  assert.equal([b['folds'], b['repeats'], b['runs']], [2, 2, 4]);
  // Accuracies 1, 0.75, 0.75, 0.5: mean 0.75, sample std sqrt(0.125 / 3).
  assert.ok(Math.abs(b['accuracy_mean']! - 0.75) < 1e-12);
  assert.ok(Math.abs(b['accuracy_std']! - Math.sqrt(0.125 / 3)) < 1e-12, `std ${b['accuracy_std']}`);
  // Jump errors 0, 0.5, 0.5, 0.5 over all four runs.
  assert.ok(Math.abs(b['jump_error_mean']! - 0.375) < 1e-12);
  assert.equal(trialsFolds.array('repeat') as number[], [1, 2, 1, 2]);
  assert.equal(trialsFolds.array('fold') as number[], [1, 1, 2, 2]);
  const md = variantsMarkdown(variants, ['jump']);
  assert.match(md, /\| variant \| runs \(folds x repeats\) \| accuracy % \|/);
  assert.match(md, /\| b \| 4 \(2 x 2\) \| 75\.0 ± 20\.4 \|/);
});

Tables('variants: tested against the best by mean accuracy, runs paired by fold, as columns after the measures', () => {
  const { variants } = resultTables(records, ['jump']);
  const names = variants.columnNames();
  assert.equal(names.slice(0, 4), ['variant', 'dataset', 'folds', 'accuracy_mean']);
  assert.equal(names.slice(-7), ['repeats', 'runs', 'vs', 'test', 'p', 'significant', 'wilcoxon_p']);
  const [b, a] = variants.objects() as Record<string, unknown>[];
  assert.equal([b?.['vs'], b?.['test'], b?.['p']], ['b', '(best)', null]);
  // a - b by fold: 0.5 - 1 = -0.5, 0.75 - 0.75 = 0. Mean -0.25, sd sqrt(0.125), se 0.25: t = -1 on 1 df,
  // p = 1 - 2 atan(1) / pi = 0.5. Wilcoxon drops the 0: one difference, p = 1.
  assert.equal([a?.['vs'], a?.['test'], a?.['significant']], ['b', 'paired t (n=2)', false]);
  assert.ok(Math.abs((a?.['p'] as number) - 0.5) < 1e-12, `p ${String(a?.['p'])}`);
  assert.is(a?.['wilcoxon_p'], 1);
  const md = variantsMarkdown(variants, ['jump']);
  assert.match(md, /\| jump error % \| vs best \| p \| Wilcoxon p \|\n/);
  assert.match(md, /\| b \| 2 \| .* \| \(best\) \|  \|  \|\n/);
  assert.match(md, /\| a \| 2 \| .* \| paired t \(n=2\) \| 0\.500 \| 1\.000 \|\n/);
  assert.match(md, /McNemar's exact test/, 'a note says what the tests are');
});

Tables('a single split: McNemar on the test predictions; a named reference heads the column', () => {
  const withPredictions = (r: FoldRecord, predicted: number[]): FoldRecord => ({
    ...r,
    predictions: { ids: ['w', 'x', 'y', 'z'], truth: [0, 1, 2, 1], predicted },
  });
  const single = [
    withPredictions(fold('b', 0, [0, 1, 2, 1], [0, 1, 2, 1]), [0, 1, 2, 1]),
    withPredictions(fold('a', 0, [0, 1, 2, 1], [1, 1, 2, 0]), [1, 1, 2, 0]),
  ];
  // Against b: a is never right where b is wrong (b = 0) and wrong on w and z where b is right (c = 2).
  const { variants } = resultTables(single, ['jump'], { reference: 'b' });
  const a = variants.objects()[1] as Record<string, unknown>;
  assert.equal([a['test'], a['p']], ['McNemar exact (b=0, c=2)', 0.5]);
  const md = variantsMarkdown(variants, ['jump'], { reference: 'b' });
  assert.match(md, /\| vs b \| p \|\n/);
  assert.match(md, /\| b \| 1 \| .* \| \(reference\) \|  \|\n/);
  assert.match(md, /\| a \| 1 \| .* \| McNemar exact \(b=0, c=2\) \| 0\.500 \|\n/);
});

Tables("a reference that is not the best row is said so under the table, with the experiment's note", () => {
  // b: 87.5 % mean accuracy, a: 62.5 %.
  const losing = variantsMarkdown(resultTables(records, ['jump'], { reference: 'a' }).variants, ['jump'], {
    reference: 'a',
    note: 'Few takes: the networks are undertrained.',
  });
  assert.match(
    losing,
    /\n\nNote: a is not the best variant here: b is \(87\.5 % against 62\.5 % accuracy\)\. Few takes: the networks are undertrained\.$/,
  );
  const winning = variantsMarkdown(resultTables(records, ['jump'], { reference: 'b' }).variants, ['jump'], {
    reference: 'b',
  });
  assert.not.match(winning, /Note:/);
  assert.match(
    variantsMarkdown(resultTables(records, ['jump']).variants, ['jump'], { note: 'Read me.' }),
    /\n\nRead me\.$/,
  );
});

Tables('one variant: nothing to test, no test columns', () => {
  const md = variantsMarkdown(resultTables(records.slice(0, 2), ['jump']).variants, ['jump']);
  assert.not.match(md, /vs best/);
  assert.match(md, /\| weighted F1 % \| jump error % \|\n/);
});

Tables.run();
