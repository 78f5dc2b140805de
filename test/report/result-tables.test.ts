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

Tables.run();
