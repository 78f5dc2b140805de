import type { EpochRecord } from '../train/fit.ts';
import type { ClassificationReport } from '../train/metrics.ts';

/** A plotly figure as data: what Plotly.newPlot takes, plus a title and a caption for the page. */
export interface Figure {
  id: string;
  title: string;
  caption: string;
  data: Record<string, unknown>[];
  layout: Record<string, unknown>;
}

/** What the figures are drawn from: one finished fold of one variant. */
export interface FigureFold {
  variant: string;
  fold: number;
  report: ClassificationReport;
  history: EpochRecord[] | undefined;
  /** The share of the training set the fold used (a training-size curve needs several). */
  trainFraction: number;
}

/**
 * Plotly draws some HTML in its strings (<b>, <br>, entities); data from files (class and variant
 * names) must show as written, so its markup characters go in as entities.
 */
export function plotText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
const sampleStd = (xs: readonly number[]) => {
  if (xs.length < 2) return 0;
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1));
};
const order = (folds: readonly FigureFold[]) => [...new Set(folds.map((f) => f.variant))];
const BASE_LAYOUT = {
  margin: { t: 30, r: 20, b: 80, l: 60 },
  font: { family: 'DejaVu Sans, sans-serif', size: 12 },
  legend: { orientation: 'h', y: -0.25 },
};

/** Accuracy, macro F1 and weighted F1 per variant: mean over folds with sample-std error bars. */
export function variantComparison(folds: readonly FigureFold[]): Figure {
  const variants = order(folds);
  const metric = (name: string, pick: (r: ClassificationReport) => number) => {
    const values = variants.map((v) => folds.filter((f) => f.variant === v).map((f) => 100 * pick(f.report)));
    return {
      type: 'bar',
      name,
      x: variants.map(plotText),
      y: values.map(mean),
      error_y: { type: 'data', array: values.map(sampleStd), visible: true },
    };
  };
  return {
    id: 'variant-comparison',
    title: 'Variants compared',
    caption:
      'Mean over folds; error bars are the sample standard deviation over folds. Macro F1 weighs every class equally; weighted F1 weighs classes by their support.',
    data: [
      metric('accuracy', (r) => r.accuracy),
      metric('macro F1', (r) => r.macro.f1),
      metric('weighted F1', (r) => r.weighted.f1),
    ],
    layout: { ...BASE_LAYOUT, barmode: 'group', yaxis: { title: { text: '%' }, range: [0, 100] } },
  };
}

/** Error (1 - recall) per class and variant, focus classes first and shaded. */
export function classErrors(folds: readonly FigureFold[], focusClasses: readonly string[]): Figure {
  const variants = order(folds);
  const names = folds[0]?.report.perClass.map((c) => c.name) ?? [];
  const classes = [...focusClasses.filter((c) => names.includes(c)), ...names.filter((c) => !focusClasses.includes(c))];
  const data = variants.map((v) => {
    const own = folds.filter((f) => f.variant === v);
    const per = classes.map((c) =>
      own.flatMap((f) => f.report.perClass.filter((p) => p.name === c && p.support > 0).map((p) => 100 * p.error)),
    );
    return {
      type: 'bar',
      name: plotText(v),
      x: classes.map(plotText),
      y: per.map(mean),
      error_y: { type: 'data', array: per.map(sampleStd), visible: true },
    };
  });
  const shapes = classes.flatMap((c, i) =>
    focusClasses.includes(c)
      ? [
          {
            type: 'rect',
            xref: 'x',
            yref: 'paper',
            x0: i - 0.5,
            x1: i + 0.5,
            y0: 0,
            y1: 1,
            fillcolor: 'rgba(255, 170, 0, 0.18)',
            line: { width: 0 },
            layer: 'below',
          },
        ]
      : [],
  );
  return {
    id: 'class-error',
    title: 'Error per class',
    caption: `Error is 1 - recall, mean over the folds where the class had test samples. ${focusClasses.length > 0 ? `Shaded: the focus class${focusClasses.length > 1 ? 'es' : ''} (${focusClasses.join(', ')}).` : ''}`,
    data,
    layout: {
      ...BASE_LAYOUT,
      barmode: 'group',
      shapes,
      yaxis: { title: { text: 'error %' }, rangemode: 'nonnegative' },
    },
  };
}

/** One confusion matrix per variant, summed over folds, rows normalised to recall. */
export function confusionMatrices(folds: readonly FigureFold[]): Figure[] {
  return order(folds).map((v, i) => {
    const own = folds.filter((f) => f.variant === v);
    const names = own[0]?.report.perClass.map((c) => c.name) ?? [];
    const counts = names.map((_, r) =>
      names.map((_, c) => own.reduce((n, f) => n + (f.report.confusion[r]?.[c] ?? 0), 0)),
    );
    const share = counts.map((row) => {
      const total = row.reduce((a, b) => a + b, 0);
      return row.map((n) => (total === 0 ? 0 : n / total));
    });
    const labels = names.map(plotText);
    return {
      id: `confusion-${i + 1}`,
      title: `Confusion matrix: ${v}`,
      caption:
        'Rows are true classes, columns predicted; colour is the share of the row (recall on the diagonal), numbers are counts summed over folds.',
      data: [
        {
          type: 'heatmap',
          x: labels,
          y: labels,
          z: share,
          text: counts,
          texttemplate: '%{text}',
          zmin: 0,
          zmax: 1,
          colorscale: [
            [0, '#f7fbff'],
            [0.5, '#6baed6'],
            [1, '#08306b'],
          ],
          hovertemplate: 'true %{y}<br>predicted %{x}<br>%{text} samples<extra></extra>',
        },
      ],
      layout: {
        ...BASE_LAYOUT,
        xaxis: { title: { text: 'predicted' }, side: 'bottom', automargin: true },
        yaxis: { title: { text: 'true' }, autorange: 'reversed', automargin: true },
        height: 420 + 12 * names.length,
      },
    };
  });
}

/** Training and validation loss per epoch: mean over the folds that reached the epoch. */
export function learningCurves(folds: readonly FigureFold[]): Figure | undefined {
  const networks = folds.filter((f) => f.history !== undefined && f.history.length > 0);
  if (networks.length === 0) return undefined;
  const data = order(networks).flatMap((v) => {
    const own = networks.filter((f) => f.variant === v);
    const epochs = Math.max(...own.map((f) => f.history?.length ?? 0));
    const at = (e: number, key: 'loss' | 'valLoss') =>
      mean(
        own.flatMap((f) => {
          const value = f.history?.[e]?.[key];
          return value === undefined || !Number.isFinite(value) ? [] : [value];
        }),
      );
    const x = Array.from({ length: epochs }, (_, e) => e + 1);
    return [
      {
        type: 'scatter',
        mode: 'lines',
        name: `${plotText(v)} train`,
        legendgroup: plotText(v),
        x,
        y: x.map((e) => at(e - 1, 'loss')),
      },
      {
        type: 'scatter',
        mode: 'lines',
        line: { dash: 'dot' },
        name: `${plotText(v)} validation`,
        legendgroup: plotText(v),
        x,
        y: x.map((e) => at(e - 1, 'valLoss')),
      },
    ];
  });
  return {
    id: 'learning-curves',
    title: 'Learning curves',
    caption:
      "Cross-entropy per epoch, mean over the folds still training at that epoch (early stopping ends folds at different epochs; the best epoch's weights are kept).",
    data,
    layout: {
      ...BASE_LAYOUT,
      xaxis: { title: { text: 'epoch' } },
      yaxis: { title: { text: 'loss' }, rangemode: 'tozero' },
    },
  };
}

/** Accuracy against the share of the training set, where the experiment varies it. */
export function trainingSizeCurve(
  folds: readonly FigureFold[],
  labelWithoutFraction: (variant: string) => string,
): Figure | undefined {
  const fractions = [...new Set(folds.map((f) => f.trainFraction))].sort((a, b) => a - b);
  if (fractions.length < 2) return undefined;
  const groups = [...new Set(folds.map((f) => labelWithoutFraction(f.variant)))];
  const data = groups.map((g) => {
    const own = folds.filter((f) => labelWithoutFraction(f.variant) === g);
    const xs = fractions.filter((fr) => own.some((f) => f.trainFraction === fr));
    const values = xs.map((fr) => own.filter((f) => f.trainFraction === fr).map((f) => 100 * f.report.accuracy));
    return {
      type: 'scatter',
      mode: 'lines+markers',
      name: plotText(g === '' ? 'accuracy' : g),
      x: xs.map((x) => 100 * x),
      y: values.map(mean),
      error_y: { type: 'data', array: values.map(sampleStd), visible: true },
    };
  });
  return {
    id: 'training-size',
    title: 'Training-set size',
    caption:
      "Test accuracy (mean ± sample std over folds) against the share of each fold's training samples used (drawn per class).",
    data,
    layout: {
      ...BASE_LAYOUT,
      xaxis: { title: { text: 'training set %' } },
      yaxis: { title: { text: 'accuracy %' }, range: [0, 100] },
    },
  };
}
