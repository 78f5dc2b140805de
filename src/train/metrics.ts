/**
 * Classification metrics for numbers that go into papers. Every average says what it is: `macro`
 * is the unweighted mean over classes, `weighted` the mean weighted by support (true count).
 *
 * Conventions are scikit-learn's (precision_recall_fscore_support with every class passed as
 * `labels=` and the default zero_division), and where scikit-learn warns, the report lists:
 * - precision of a class never predicted is 0/0, reported as 0 and listed in `undefinedPrecision`;
 * - recall of a class with no support is 0/0, reported as 0 (so its error, 1 - recall, is 1) and
 *   listed in `undefinedRecall`;
 * - F1 is 2TP / (2TP + FP + FN): the harmonic mean of precision and recall where both are defined,
 *   and 0 where precision + recall = 0;
 * - every class counts in the macro averages, those above included, so they pull macro scores
 *   down (hence the lists); a class with no support weighs 0 in the weighted averages, so weighted
 *   recall equals accuracy;
 * - macro F1 is the mean of per-class F1, not the F1 of macro precision and macro recall.
 * Over folds, spread is the sample standard deviation (n - 1), and a class's error is averaged only
 * over the folds where it had support, since the 0/0 convention would count as 100% error there.
 */

export interface ClassMetrics {
  name: string;
  support: number;
  precision: number;
  recall: number;
  f1: number;
  /** 1 - recall: the per-class error rate papers quote ("jump: 14.9% error"). */
  error: number;
}

export interface AveragedMetrics {
  precision: number;
  recall: number;
  f1: number;
}

export interface ClassificationReport {
  /** Number of samples scored. */
  n: number;
  accuracy: number;
  perClass: ClassMetrics[];
  /** Unweighted mean over all classes. */
  macro: AveragedMetrics;
  /** Mean weighted by each class's support. */
  weighted: AveragedMetrics;
  /** Rows are true classes, columns predicted classes, both in `classNames` order. */
  confusion: number[][];
  /** Classes never predicted: precision 0/0, reported as 0. */
  undefinedPrecision: string[];
  /** Classes with no true sample: recall 0/0, reported as 0. */
  undefinedRecall: string[];
}

export interface FoldSummary {
  mean: number;
  /** Sample standard deviation (n - 1 denominator); 0 for one fold. */
  std: number;
  n: number;
}

export interface ReportSummary {
  folds: number;
  accuracy: FoldSummary;
  macroF1: FoldSummary;
  weightedF1: FoldSummary;
  /** Error (1 - recall) by class name, over the folds where the class had support (its `n`). */
  classError: Record<string, FoldSummary>;
}

/** Counts of (true, predicted) pairs: rows are true classes, columns predicted classes. */
export function confusionMatrix(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, classCount: number): number[][] {
  checkClassCount('confusionMatrix', classCount);
  checkLabelPairs('confusionMatrix', yTrue, yPred, classCount);
  return tally(yTrue, yPred, classCount);
}

export function classificationReport(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  classNames: readonly string[],
): ClassificationReport {
  checkClassNames('classificationReport', classNames);
  checkLabelPairs('classificationReport', yTrue, yPred, classNames.length);
  if (yTrue.length === 0) throw new Error('classificationReport(): yTrue is empty; there is nothing to score');
  return reportFromConfusion(tally(yTrue, yPred, classNames.length), classNames);
}

/**
 * Share of samples whose true class is among the k highest scores. Ties count in the sample's
 * favour: the true class is in the top k when strictly fewer than k classes score higher than it.
 */
export function topKAccuracy(
  scores: ArrayLike<number>,
  yTrue: ArrayLike<number>,
  classCount: number,
  k: number,
): number {
  checkClassCount('topKAccuracy', classCount);
  if (!Number.isInteger(k) || k < 1 || k > classCount)
    throw new Error(`topKAccuracy(): k must be a whole number in [1, ${classCount}], got ${k}`);
  checkLabels('topKAccuracy', 'yTrue', yTrue, classCount);
  if (yTrue.length === 0) throw new Error('topKAccuracy(): yTrue is empty; there is nothing to score');
  const expected = yTrue.length * classCount;
  if (scores.length !== expected) {
    throw new Error(
      `topKAccuracy(): scores has ${scores.length} values, expected ${yTrue.length} samples x ${classCount} classes = ${expected}`,
    );
  }
  for (let i = 0; i < scores.length; i++)
    if (Number.isNaN(scores[i])) throw new Error(`topKAccuracy(): scores[${i}] is NaN`);
  let hits = 0;
  for (let i = 0; i < yTrue.length; i++)
    if (classesScoringHigher(scores, i * classCount, classCount, yTrue[i] as number) < k) hits++;
  return hits / yTrue.length;
}

/** Mean and sample standard deviation of per-fold values; NaN mean and std for no folds. */
export function summariseFolds(values: readonly number[]): FoldSummary {
  values.forEach((v, i) => {
    if (!Number.isFinite(v)) throw new Error(`summariseFolds(): values[${i}] must be a finite number, got ${v}`);
  });
  const n = values.length;
  // No folds is no estimate: NaN cannot pass for a result the way 0 could.
  if (n === 0) return { mean: Number.NaN, std: Number.NaN, n: 0 };
  const mean = sum(values) / n;
  const std = n === 1 ? 0 : Math.sqrt(sum(values.map((v) => (v - mean) ** 2)) / (n - 1));
  return { mean, std, n };
}

/** Mean and spread over folds of accuracy, macro F1, weighted F1 and each class's error. */
export function summariseReports(reports: readonly ClassificationReport[]): ReportSummary {
  const first = reports[0];
  if (first === undefined) throw new Error('summariseReports(): reports is empty');
  const names = first.perClass.map((m) => m.name);
  reports.forEach((report, i) => {
    const these = report.perClass.map((m) => m.name);
    if (these.length !== names.length || these.some((name, c) => name !== names[c])) {
      throw new Error(
        `summariseReports(): reports[${i}] has classes [${these.join(', ')}], reports[0] has [${names.join(', ')}]`,
      );
    }
  });
  const classError = (c: number) =>
    summariseFolds(
      reports
        .map((r) => r.perClass[c] as ClassMetrics)
        .filter((m) => m.support > 0)
        .map((m) => m.error),
    );
  return {
    folds: reports.length,
    accuracy: summariseFolds(reports.map((r) => r.accuracy)),
    macroF1: summariseFolds(reports.map((r) => r.macro.f1)),
    weightedF1: summariseFolds(reports.map((r) => r.weighted.f1)),
    classError: Object.fromEntries(names.map((name, c) => [name, classError(c)])),
  };
}

/** A plain-text table for logs: one row per class, then the macro and weighted averages, then accuracy. */
export function formatReportTable(report: ClassificationReport): string {
  const header = ['class', 'support', 'precision', 'recall', 'F1', 'error %'];
  const classRows = report.perClass.map((m) => [
    m.name,
    String(m.support),
    fixed(m.precision),
    fixed(m.recall),
    fixed(m.f1),
    percent(m.error),
  ]);
  // The averages' error is 1 - their recall: for macro the mean per-class error, for weighted 1 - accuracy.
  const averageRow = (label: string, avg: AveragedMetrics) => [
    label,
    String(report.n),
    fixed(avg.precision),
    fixed(avg.recall),
    fixed(avg.f1),
    percent(1 - avg.recall),
  ];
  const rows = [
    header,
    ...classRows,
    averageRow('macro avg', report.macro),
    averageRow('weighted avg', report.weighted),
  ];
  const widths = header.map((_, col) => Math.max(...rows.map((row) => (row[col] as string).length)));
  const lines = rows.map((row) =>
    row
      .map((cell, col) => (col === 0 ? cell.padEnd(widths[0] as number) : cell.padStart(widths[col] as number)))
      .join('  '),
  );
  lines.push(`accuracy ${fixed(report.accuracy)} (n = ${report.n})`);
  if (report.undefinedPrecision.length > 0)
    lines.push(`never predicted (precision 0/0, shown as 0): ${report.undefinedPrecision.join(', ')}`);
  if (report.undefinedRecall.length > 0)
    lines.push(`no support (recall 0/0, shown as 0): ${report.undefinedRecall.join(', ')}`);
  return lines.join('\n');
}

function reportFromConfusion(confusion: number[][], classNames: readonly string[]): ClassificationReport {
  const classes = classNames.map((_, c) => c);
  const truePositives = classes.map((c) => (confusion[c] as number[])[c] as number);
  const supports = confusion.map(sum);
  const predicted = classes.map((c) => sum(confusion.map((row) => row[c] as number)));
  const n = sum(supports);
  const perClass = classNames.map((name, c): ClassMetrics => {
    const tp = truePositives[c] as number;
    const support = supports[c] as number;
    const recall = ratio(tp, support);
    return {
      name,
      support,
      precision: ratio(tp, predicted[c] as number),
      recall,
      f1: ratio(2 * tp, support + (predicted[c] as number)),
      error: 1 - recall,
    };
  });
  return {
    n,
    accuracy: sum(truePositives) / n,
    perClass,
    macro: averaged(perClass, () => 1),
    weighted: averaged(perClass, (m) => m.support),
    confusion,
    undefinedPrecision: classNames.filter((_, c) => predicted[c] === 0),
    undefinedRecall: classNames.filter((_, c) => supports[c] === 0),
  };
}

function averaged(perClass: readonly ClassMetrics[], weightOf: (m: ClassMetrics) => number): AveragedMetrics {
  const total = sum(perClass.map(weightOf));
  const mean = (value: (m: ClassMetrics) => number) => sum(perClass.map((m) => weightOf(m) * value(m))) / total;
  return { precision: mean((m) => m.precision), recall: mean((m) => m.recall), f1: mean((m) => m.f1) };
}

function tally(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, classCount: number): number[][] {
  const matrix = Array.from({ length: classCount }, () => new Array<number>(classCount).fill(0));
  for (let i = 0; i < yTrue.length; i++) {
    const row = matrix[yTrue[i] as number] as number[];
    const col = yPred[i] as number;
    row[col] = (row[col] as number) + 1;
  }
  return matrix;
}

function classesScoringHigher(
  scores: ArrayLike<number>,
  offset: number,
  classCount: number,
  trueClass: number,
): number {
  const own = scores[offset + trueClass] as number;
  let higher = 0;
  for (let c = 0; c < classCount; c++) if ((scores[offset + c] as number) > own) higher++;
  return higher;
}

/** The zero_division convention in one place: 0/0 is 0. */
function ratio(numerator: number, denominator: number): number {
  return denominator === 0 ? 0 : numerator / denominator;
}

function sum(values: readonly number[]): number {
  return values.reduce((acc, v) => acc + v, 0);
}

function fixed(value: number): string {
  return value.toFixed(3);
}

function percent(fraction: number): string {
  return (100 * fraction).toFixed(1);
}

function checkClassCount(fn: string, classCount: number): void {
  if (!Number.isInteger(classCount) || classCount < 1)
    throw new Error(`${fn}(): classCount must be a whole number >= 1, got ${classCount}`);
}

function checkClassNames(fn: string, classNames: readonly string[]): void {
  if (classNames.length === 0) throw new Error(`${fn}(): classNames is empty`);
  // Names key the per-class results (summariseReports), so they must tell classes apart.
  const seen = new Set<string>();
  classNames.forEach((name, c) => {
    if (seen.has(name)) throw new Error(`${fn}(): classNames[${c}] repeats '${name}'`);
    seen.add(name);
  });
}

function checkLabelPairs(fn: string, yTrue: ArrayLike<number>, yPred: ArrayLike<number>, classCount: number): void {
  if (yTrue.length !== yPred.length)
    throw new Error(`${fn}(): yTrue has ${yTrue.length} labels but yPred has ${yPred.length}`);
  checkLabels(fn, 'yTrue', yTrue, classCount);
  checkLabels(fn, 'yPred', yPred, classCount);
}

function checkLabels(fn: string, arg: string, labels: ArrayLike<number>, classCount: number): void {
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i] as number;
    if (!Number.isInteger(label) || label < 0 || label >= classCount) {
      throw new Error(
        `${fn}(): ${arg}[${i}] must be a class index, a whole number in [0, ${classCount}), got ${label}`,
      );
    }
  }
}
