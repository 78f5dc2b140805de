import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  classificationReport,
  confusionMatrix,
  formatReportTable,
  summariseFolds,
  summariseReports,
  topKAccuracy,
  type AveragedMetrics,
  type ClassMetrics,
} from '../../src/train/metrics.ts';

const names = ['jump', 'run', 'walk'];

/*
 * Worked by hand. Pairs (true, predicted): (0,0) x4, (0,1) x1, (1,0) x1, (1,1) x2, (2,1) x1, (2,2) x1.
 *
 *   confusion     predicted jump run walk | support
 *   true jump               4    1    0   |   5
 *   true run                1    2    0   |   3
 *   true walk               0    1    1   |   2
 *   predicted               5    4    1       n = 10, correct = 4 + 2 + 1 = 7, accuracy = 0.7
 *
 *   jump: P = 4/5 = 0.8, R = 4/5 = 0.8, F1 = 2*4/(5+5) = 0.8,   error 0.2
 *   run:  P = 2/4 = 0.5, R = 2/3,       F1 = 2*2/(3+4) = 4/7,   error 1/3
 *   walk: P = 1/1 = 1,   R = 1/2,       F1 = 2*1/(2+1) = 2/3,   error 0.5
 *   macro:    P = (0.8 + 0.5 + 1)/3 = 23/30, R = (0.8 + 2/3 + 0.5)/3 = 59/90, F1 = (0.8 + 4/7 + 2/3)/3 = 214/315
 *   weighted: P = (5*0.8 + 3*0.5 + 2*1)/10 = 0.75, R = (4 + 2 + 1)/10 = 0.7 (= accuracy),
 *             F1 = (5*0.8 + 3*4/7 + 2*2/3)/10 = 74/105
 */
const handTrue = [0, 1, 2, 0, 0, 1, 2, 0, 1, 0];
const handPred = [0, 1, 1, 0, 1, 0, 2, 0, 1, 0];

function close(got: number, want: number, what: string): void {
  assert.ok(Math.abs(got - want) < 1e-12, `${what}: got ${got}, want ${want}`);
}

function closeClass(got: ClassMetrics | undefined, want: Omit<ClassMetrics, 'name'>): void {
  assert.ok(got !== undefined);
  for (const key of ['support', 'precision', 'recall', 'f1', 'error'] as const)
    close(got[key], want[key], `${got.name} ${key}`);
}

function closeAverage(got: AveragedMetrics, want: AveragedMetrics, label: string): void {
  for (const key of ['precision', 'recall', 'f1'] as const) close(got[key], want[key], `${label} ${key}`);
}

const Confusion = suite('confusionMatrix');
Confusion('counts true classes by row and predicted classes by column', () => {
  assert.equal(confusionMatrix(handTrue, handPred, 3), [
    [4, 1, 0],
    [1, 2, 0],
    [0, 1, 1],
  ]);
  assert.equal(
    confusionMatrix(new Int32Array([1]), new Int32Array([0]), 2),
    [
      [0, 0],
      [1, 0],
    ],
    'typed arrays, row = true',
  );
});
Confusion('names the argument and index of a bad label', () => {
  assert.throws(() => confusionMatrix([0, 1], [0], 2), /confusionMatrix\(\): yTrue has 2 labels but yPred has 1/);
  assert.throws(
    () => confusionMatrix([0, 1, 2], [0, 1, 1], 2),
    /confusionMatrix\(\): yTrue\[2\] must be a class index, a whole number in \[0, 2\), got 2/,
  );
  assert.throws(() => confusionMatrix([0, 1], [0, -1], 2), /yPred\[1\] .* got -1/);
  assert.throws(() => confusionMatrix([0, 1], [0.5, 1], 2), /yPred\[0\] .* got 0\.5/);
  assert.throws(() => confusionMatrix([0], [0], 0), /classCount must be a whole number >= 1, got 0/);
});
Confusion.run();

const Report = suite('classificationReport');
Report('matches the 3-class example worked by hand', () => {
  const r = classificationReport(handTrue, handPred, names);
  assert.is(r.n, 10);
  close(r.accuracy, 0.7, 'accuracy');
  assert.equal(r.confusion, [
    [4, 1, 0],
    [1, 2, 0],
    [0, 1, 1],
  ]);
  assert.equal(
    r.perClass.map((m) => m.name),
    names,
  );
  closeClass(r.perClass[0], { support: 5, precision: 0.8, recall: 0.8, f1: 0.8, error: 0.2 });
  closeClass(r.perClass[1], { support: 3, precision: 0.5, recall: 2 / 3, f1: 4 / 7, error: 1 / 3 });
  closeClass(r.perClass[2], { support: 2, precision: 1, recall: 0.5, f1: 2 / 3, error: 0.5 });
  closeAverage(r.macro, { precision: 23 / 30, recall: 59 / 90, f1: 214 / 315 }, 'macro');
  closeAverage(r.weighted, { precision: 0.75, recall: 0.7, f1: 74 / 105 }, 'weighted');
  assert.equal(r.undefinedPrecision, []);
  assert.equal(r.undefinedRecall, []);
});
Report('a class never predicted has precision 0, is listed, and still counts in the macro average', () => {
  // walk: 2 true samples, predicted neither time. jump P = 1/2, run P = 1/2, walk P = 0/0 -> 0.
  const r = classificationReport([0, 1, 2, 2], [0, 1, 0, 1], names);
  closeClass(r.perClass[2], { support: 2, precision: 0, recall: 0, f1: 0, error: 1 });
  assert.equal(r.undefinedPrecision, ['walk']);
  assert.equal(r.undefinedRecall, []);
  close(r.macro.precision, (0.5 + 0.5 + 0) / 3, 'macro precision');
  close(r.weighted.precision, (1 * 0.5 + 1 * 0.5 + 2 * 0) / 4, 'weighted precision');
});
Report('a class with no support has recall 0, is listed, counts in macro and weighs nothing in weighted', () => {
  // walk: never true, predicted once. jump R = 1/2, run R = 2/2, walk R = 0/0 -> 0; walk P = 0/1 is defined.
  const r = classificationReport([0, 0, 1, 1], [0, 2, 1, 1], names);
  closeClass(r.perClass[2], { support: 0, precision: 0, recall: 0, f1: 0, error: 1 });
  assert.equal(r.undefinedRecall, ['walk']);
  assert.equal(r.undefinedPrecision, []);
  close(r.macro.recall, (0.5 + 1 + 0) / 3, 'macro recall');
  close(r.weighted.recall, r.accuracy, 'weighted recall equals accuracy');
  close(r.accuracy, 0.75, 'accuracy');
});
Report('a class neither true nor predicted is listed twice and scores 0', () => {
  const r = classificationReport([0, 1], [0, 1], names);
  closeClass(r.perClass[2], { support: 0, precision: 0, recall: 0, f1: 0, error: 1 });
  assert.equal(r.undefinedPrecision, ['walk']);
  assert.equal(r.undefinedRecall, ['walk']);
  close(r.macro.f1, 2 / 3, 'macro F1 (1 + 1 + 0)/3');
  close(r.weighted.f1, 1, 'weighted F1');
});
Report('perfect predictions score 1 everywhere', () => {
  const r = classificationReport([2, 0, 1, 1, 0], [2, 0, 1, 1, 0], names);
  close(r.accuracy, 1, 'accuracy');
  for (const m of r.perClass) closeClass(m, { support: m.support, precision: 1, recall: 1, f1: 1, error: 0 });
  closeAverage(r.macro, { precision: 1, recall: 1, f1: 1 }, 'macro');
  closeAverage(r.weighted, { precision: 1, recall: 1, f1: 1 }, 'weighted');
});
Report('refuses what cannot be scored', () => {
  assert.throws(
    () => classificationReport([0, 1], [0], names),
    /classificationReport\(\): yTrue has 2 labels but yPred has 1/,
  );
  assert.throws(
    () => classificationReport([0, 3], [0, 1], names),
    /classificationReport\(\): yTrue\[1\] must be a class index, a whole number in \[0, 3\), got 3/,
  );
  assert.throws(() => classificationReport([], [], names), /yTrue is empty/);
  assert.throws(() => classificationReport([0], [0], ['jump', 'run', 'jump']), /classNames\[2\] repeats 'jump'/);
});
Report.run();

const TopK = suite('topKAccuracy');
// 4 samples x 3 classes, no ties; argmax predictions are [0, 2, 1, 0] against true [0, 1, 1, 2].
const scores = [0.7, 0.2, 0.1, 0.1, 0.3, 0.6, 0.2, 0.5, 0.3, 0.5, 0.1, 0.4];
const scoreTrue = [0, 1, 1, 2];
TopK('with k = 1 equals the accuracy of argmax predictions', () => {
  const accuracy = classificationReport(scoreTrue, [0, 2, 1, 0], names).accuracy;
  close(topKAccuracy(scores, scoreTrue, 3, 1), accuracy, 'top-1');
  close(accuracy, 0.5, 'accuracy');
});
TopK('counts the true class among the k highest scores', () => {
  // True-class ranks: 1, 2, 1, 2 -> top-2 all four.
  close(topKAccuracy(scores, scoreTrue, 3, 2), 1, 'top-2');
  close(topKAccuracy(scores, [2, 2, 0, 1], 3, 2), 0.25, 'top-2, true ranks 3, 1, 3, 3');
});
TopK('with k = classCount is 1', () => {
  close(topKAccuracy(scores, [2, 0, 0, 1], 3, 3), 1, 'top-3');
});
TopK('a tie counts when strictly fewer than k classes score higher', () => {
  const tied = new Float32Array([0.5, 0.5, 0.0]);
  close(topKAccuracy(tied, [1], 3, 1), 1, 'tied for first, k = 1');
  close(topKAccuracy(tied, [0], 3, 1), 1, 'the other of the tie, k = 1');
  close(topKAccuracy([0.2, 0.4, 0.4, 0.0], [0], 4, 2), 0, 'two classes above, k = 2');
  close(topKAccuracy([0.2, 0.4, 0.4, 0.0], [0], 4, 3), 1, 'two classes above, k = 3');
});
TopK('names the bad argument', () => {
  assert.throws(
    () => topKAccuracy(scores, scoreTrue, 3, 0),
    /topKAccuracy\(\): k must be a whole number in \[1, 3\], got 0/,
  );
  assert.throws(() => topKAccuracy(scores, scoreTrue, 3, 4), /k must be .* got 4/);
  assert.throws(
    () => topKAccuracy(scores.slice(1), scoreTrue, 3, 1),
    /scores has 11 values, expected 4 samples x 3 classes = 12/,
  );
  assert.throws(() => topKAccuracy(scores, [0, 1, 3, 0], 3, 1), /topKAccuracy\(\): yTrue\[2\] must be a class index/);
  assert.throws(() => topKAccuracy([0.1, Number.NaN], [0], 2, 1), /scores\[1\] is NaN/);
  assert.throws(() => topKAccuracy([], [], 2, 1), /yTrue is empty/);
});
TopK.run();

const Folds = suite('summariseFolds');
Folds('gives the mean and the sample standard deviation', () => {
  const s = summariseFolds([0.8, 0.9, 1.0]);
  close(s.mean, 0.9, 'mean');
  close(s.std, 0.1, 'std: sqrt((0.01 + 0 + 0.01) / 2)');
  assert.is(s.n, 3);
  const two = summariseFolds([1, 4]);
  close(two.std, Math.sqrt(4.5), 'std with n - 1: sqrt((2.25 + 2.25) / 1), not 1.5');
});
Folds('one fold has std 0; no folds has no estimate', () => {
  assert.equal(summariseFolds([0.7]), { mean: 0.7, std: 0, n: 1 });
  const none = summariseFolds([]);
  assert.ok(Number.isNaN(none.mean) && Number.isNaN(none.std));
  assert.is(none.n, 0);
});
Folds('refuses a value that is not a finite number', () => {
  assert.throws(
    () => summariseFolds([0.5, Number.NaN]),
    /summariseFolds\(\): values\[1\] must be a finite number, got NaN/,
  );
});
Folds.run();

const Reports = suite('summariseReports');
Reports('summarises accuracy, macro and weighted F1, and each class error over folds', () => {
  const hand = classificationReport(handTrue, handPred, names);
  const perfect = classificationReport([0, 1, 2], [0, 1, 2], names);
  const s = summariseReports([hand, perfect]);
  assert.is(s.folds, 2);
  close(s.accuracy.mean, 0.85, 'accuracy mean (0.7 + 1)/2');
  close(s.accuracy.std, Math.sqrt(0.045), 'accuracy std sqrt(2 * 0.15^2 / 1)');
  close(s.macroF1.mean, (214 / 315 + 1) / 2, 'macro F1 mean');
  close(s.weightedF1.mean, (74 / 105 + 1) / 2, 'weighted F1 mean');
  assert.equal(Object.keys(s.classError), names);
  close(s.classError['run']?.mean ?? Number.NaN, 1 / 6, 'run error mean (1/3 + 0)/2');
  assert.is(s.classError['run']?.n, 2);
});
Reports('averages a class error only over folds where the class had support', () => {
  const withWalk = classificationReport([0, 2, 2], [0, 2, 1], names); // walk error 0.5
  const withoutWalk = classificationReport([0, 1], [0, 2], names); // walk has no support: error 1 by convention
  const s = summariseReports([withWalk, withoutWalk]);
  assert.equal(s.classError['walk'], { mean: 0.5, std: 0, n: 1 });
  assert.equal(s.classError['jump'], { mean: 0, std: 0, n: 2 });
});
Reports('refuses reports over different classes', () => {
  const a = classificationReport([0], [0], names);
  const b = classificationReport([0], [0], ['jump', 'walk', 'run']);
  assert.throws(
    () => summariseReports([a, b]),
    /summariseReports\(\): reports\[1\] has classes \[jump, walk, run\], reports\[0\] has \[jump, run, walk\]/,
  );
  assert.throws(() => summariseReports([]), /reports is empty/);
});
Reports.run();

const Table = suite('formatReportTable');
Table('lists each class and labels the macro and weighted rows', () => {
  const table = formatReportTable(classificationReport(handTrue, handPred, names));
  assert.match(table, /^class\s+support\s+precision\s+recall\s+F1\s+error %$/m);
  assert.match(table, /^jump\s+5\s+0\.800\s+0\.800\s+0\.800\s+20\.0$/m);
  assert.match(table, /^run\s+3\s+0\.500\s+0\.667\s+0\.571\s+33\.3$/m);
  assert.match(table, /^macro avg\s+10\s+0\.767\s+0\.656\s+0\.679\s+34\.4$/m);
  assert.match(table, /^weighted avg\s+10\s+0\.750\s+0\.700\s+0\.705\s+30\.0$/m);
  assert.match(table, /^accuracy 0\.700 \(n = 10\)$/m);
  assert.not.match(table, /never predicted|no support/);
  const widths = new Set(
    table
      .split('\n')
      .slice(0, 6)
      .map((line) => line.length),
  );
  assert.is(widths.size, 1, 'columns line up');
});
Table('says which classes had undefined precision or recall', () => {
  const table = formatReportTable(classificationReport([0, 0], [0, 1], names));
  assert.match(table, /^never predicted \(precision 0\/0, shown as 0\): walk$/m);
  assert.match(table, /^no support \(recall 0\/0, shown as 0\): run, walk$/m);
});
Table.run();
