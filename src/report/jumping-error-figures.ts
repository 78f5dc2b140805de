import type { ExplainedSample, FoldExplanations, JumpMetrics, MissDrillDown } from '../explain/fold-explanations.ts';
import { JUMP_PHASES } from '../explain/jump-phase.ts';
import type { ClassificationReport } from '../train/metrics.ts';
import { plotText, type Figure } from './report-figures.ts';

// The numbers and plotly figures of the jumping-error section (jumping-error-section.ts lays out
// the page): each a pure function of the run's folds and explanation files.

/** One finished fold of a variant, as the section reads it. */
export interface SectionFold {
  variant: string;
  fold: number;
  report: ClassificationReport;
  /** The model's modalities ('' for a classical model's hand-made features) and training share. */
  modalities: readonly string[];
  trainFraction: number;
}

const LAYOUT = {
  margin: { t: 30, r: 60, b: 60, l: 60 },
  font: { family: 'DejaVu Sans, sans-serif', size: 12 },
  legend: { orientation: 'h', y: -0.3 },
};

/** Where the focus class's true samples went (row of the confusion matrix summed over folds) and what was taken for it (column). */
export function confusionPartners(
  folds: readonly SectionFold[],
  focus: string,
): { classes: string[]; takenFor: number[]; takenAs: number[]; support: number } {
  const classes = folds[0]?.report.perClass.map((c) => c.name) ?? [];
  const f = classes.indexOf(focus);
  const takenFor = classes.map(() => 0);
  const takenAs = classes.map(() => 0);
  for (const fold of folds)
    fold.report.confusion.forEach((row, t) =>
      row.forEach((count, p) => {
        if (t === f) takenFor[p] = (takenFor[p] as number) + count;
        if (p === f) takenAs[t] = (takenAs[t] as number) + count;
      }),
    );
  return { classes, takenFor, takenAs, support: takenFor.reduce((a, b) => a + b, 0) };
}

/** The focus class's samples by the jump phase their window covers: how many, how many missed. */
export function errorByPhase(
  samples: readonly ExplainedSample[],
  classes: readonly string[],
  focus: string,
): { phase: string; n: number; missed: number }[] {
  const own = samples.filter((s) => classes[s.truth] === focus);
  const phases = [...JUMP_PHASES, 'unknown'] as const;
  return phases
    .map((phase) => {
      const members = own.filter((s) => (s.phase ?? 'unknown') === phase);
      return { phase, n: members.length, missed: members.filter((s) => s.predicted !== s.truth).length };
    })
    .filter((p) => p.phase !== 'unknown' || p.n > 0);
}

export function phaseFigure(id: string, rows: ReturnType<typeof errorByPhase>): Figure {
  return {
    id,
    title: 'Error by jump phase in the window',
    caption:
      "Error (missed / samples) of the class's test samples grouped by the part of the jump their input window covers (the IMU input's window; the whole take for a model without IMU input), from the ground-truth take-off and landing times: landing (the window holds a landing), take-off (a take-off but not its landing), flight (inside a flight), none. The number on each bar is the sample count.",
    data: [
      {
        type: 'bar',
        x: rows.map((r) => r.phase),
        y: rows.map((r) => (r.n === 0 ? 0 : (100 * r.missed) / r.n)),
        text: rows.map((r) => `n=${r.n}`),
        textposition: 'outside',
        cliponaxis: false,
        marker: { color: '#c0392b' },
      },
    ],
    layout: { ...LAYOUT, yaxis: { title: { text: 'error %' }, range: [0, 110] }, height: 320 },
  };
}

/** The drill-down plot of one miss: the detector's acceleration magnitude, take-offs and landings (detected and true), and the attention over time. */
export function missFigure(id: string, miss: MissDrillDown, sample: ExplainedSample | undefined): Figure {
  const data: Record<string, unknown>[] = [];
  const shapes: Record<string, unknown>[] = [];
  if (miss.imu !== undefined)
    data.push({
      type: 'scatter',
      mode: 'lines',
      name: `|acc| ${plotText(miss.imu.placement)} (m/s²)`,
      x: miss.imu.t,
      y: miss.imu.magnitude,
      line: { color: '#34495e', width: 1.2 },
    });
  const vline = (t: number, colour: string, dash: string) =>
    shapes.push({
      type: 'line',
      xref: 'x',
      yref: 'paper',
      x0: t,
      x1: t,
      y0: 0,
      y1: 1,
      line: { color: colour, dash, width: 1.5 },
    });
  const marker = (name: string, times: number[], colour: string, symbol: string) => {
    if (times.length > 0)
      data.push({
        type: 'scatter',
        mode: 'markers',
        name,
        x: times,
        y: times.map(() => 0),
        marker: { color: colour, symbol, size: 10 },
      });
  };
  const detectedOff = sample?.jumps.map((j) => j.takeoff) ?? [];
  const detectedOn = sample?.jumps.map((j) => j.landing) ?? [];
  detectedOff.forEach((t) => vline(t, '#27ae60', 'solid'));
  detectedOn.forEach((t) => vline(t, '#8e44ad', 'solid'));
  (sample?.truthEvents.takeoff ?? []).forEach((t) => vline(t, '#27ae60', 'dot'));
  (sample?.truthEvents.landing ?? []).forEach((t) => vline(t, '#8e44ad', 'dot'));
  marker('detected take-off', detectedOff, '#27ae60', 'triangle-up');
  marker('detected landing', detectedOn, '#8e44ad', 'triangle-down');
  marker('true take-off (dotted)', sample?.truthEvents.takeoff ?? [], '#27ae60', 'circle-open');
  marker('true landing (dotted)', sample?.truthEvents.landing ?? [], '#8e44ad', 'circle-open');
  if (sample !== undefined)
    shapes.push({
      type: 'rect',
      xref: 'x',
      yref: 'paper',
      x0: sample.window[0],
      x1: sample.window[1],
      y0: 0,
      y1: 1,
      fillcolor: '#f1c40f',
      opacity: 0.08,
      line: { width: 0 },
    });
  for (const a of miss.attention)
    if (a.times !== undefined)
      data.push({
        type: 'scatter',
        mode: 'lines+markers',
        name: `${plotText(a.modality)} attention`,
        x: a.times,
        y: a.weights,
        yaxis: 'y2',
        line: { color: '#e67e22', shape: 'hvh' },
        marker: { size: 4 },
      });
  return {
    id,
    title: 'IMU trace and attention',
    caption: '',
    data,
    layout: {
      ...LAYOUT,
      height: 300,
      shapes,
      xaxis: { title: { text: 's' } },
      yaxis: { title: { text: '|acc| m/s²' }, rangemode: 'tozero' },
      yaxis2: { title: { text: 'attention' }, overlaying: 'y', side: 'right', rangemode: 'tozero', showgrid: false },
    },
  };
}

/** The focus class's error per variant (mean ± sample std over folds), at the full training set. */
export function errorByVariant(
  folds: readonly SectionFold[],
  focus: string,
): { variant: string; modalities: string; mean: number; std: number; folds: number }[] {
  const variants = [...new Set(folds.filter((f) => f.trainFraction === 1).map((f) => f.variant))];
  return variants.map((variant) => {
    const own = folds.filter((f) => f.variant === variant);
    const errors = own.flatMap((f) =>
      f.report.perClass.filter((c) => c.name === focus && c.support > 0).map((c) => c.error),
    );
    const first = own[0];
    return {
      variant,
      modalities:
        first === undefined || first.modalities.length === 0 ? 'hand-made features' : first.modalities.join(' + '),
      ...meanStd(errors),
      folds: errors.length,
    };
  });
}

/** The focus class's error against the training share, one line per variant (its label without the fraction). */
export function trainingSizeFigure(
  id: string,
  folds: readonly SectionFold[],
  focus: string,
  withoutFraction: (variant: string) => string,
): Figure | undefined {
  const fractions = [...new Set(folds.map((f) => f.trainFraction))].sort((a, b) => a - b);
  if (fractions.length < 2) return undefined;
  const groups = [...new Set(folds.map((f) => withoutFraction(f.variant)))];
  const data = groups.flatMap((g) => {
    const own = folds.filter((f) => withoutFraction(f.variant) === g);
    const xs = fractions.filter((fr) => own.some((f) => f.trainFraction === fr));
    if (xs.length < 2) return [];
    const stats = xs.map((fr) =>
      meanStd(
        own
          .filter((f) => f.trainFraction === fr)
          .flatMap((f) => f.report.perClass.filter((c) => c.name === focus && c.support > 0).map((c) => 100 * c.error)),
      ),
    );
    return [
      {
        type: 'scatter',
        mode: 'lines+markers',
        name: plotText(g === '' ? focus : g),
        x: xs.map((x) => 100 * x),
        y: stats.map((s) => s.mean),
        error_y: { type: 'data', array: stats.map((s) => s.std), visible: true },
      },
    ];
  });
  if (data.length === 0) return undefined;
  return {
    id,
    title: 'Error against training-set size',
    caption:
      "The class's test error (mean ± sample std over folds) against the share of each fold's training samples used (train.fraction, drawn per class).",
    data,
    layout: {
      ...LAYOUT,
      height: 340,
      xaxis: { title: { text: 'training set %' } },
      yaxis: { title: { text: 'error %' }, rangemode: 'nonnegative' },
    },
  };
}

/** The metrics compared between correctly and wrongly classified jumps, with their units. */
export const JUMP_METRIC_ROWS: readonly { key: keyof JumpMetrics; label: string; unit: string; scale: number }[] = [
  { key: 'flightTime', label: 'flight time', unit: 'ms', scale: 1000 },
  { key: 'height', label: 'height (flight time)', unit: 'cm', scale: 100 },
  { key: 'heightByVelocity', label: 'height (take-off velocity)', unit: 'cm', scale: 100 },
  { key: 'takeoffVelocity', label: 'take-off velocity', unit: 'm/s', scale: 1 },
  { key: 'rsiMod', label: 'RSImod', unit: 'm/s', scale: 1 },
  { key: 'peakLandingAcc', label: 'peak landing acceleration', unit: 'g', scale: 1 / 9.81 },
];

/** The first detected jump's metrics of the focus class's samples, correct beside wrong: mean ± std (n). */
export function jumpMetricsSideBySide(
  samples: readonly ExplainedSample[],
  classes: readonly string[],
  focus: string,
): { rows: { label: string; correct: string; wrong: string }[]; detected: { correct: string; wrong: string } } {
  const own = samples.filter((s) => classes[s.truth] === focus);
  const groups = {
    correct: own.filter((s) => s.predicted === s.truth),
    wrong: own.filter((s) => s.predicted !== s.truth),
  };
  const cell = (group: readonly ExplainedSample[], key: keyof JumpMetrics, scale: number) => {
    const values = group.flatMap((s) => {
      const v = s.jumps[0]?.[key];
      return typeof v === 'number' && Number.isFinite(v) ? [v * scale] : [];
    });
    if (values.length === 0) return '–';
    const { mean, std } = meanStd(values);
    return `${fmt(mean)} ± ${fmt(std)} (${values.length})`;
  };
  return {
    rows: JUMP_METRIC_ROWS.map((m) => ({
      label: `${m.label}, ${m.unit}`,
      correct: cell(groups.correct, m.key, m.scale),
      wrong: cell(groups.wrong, m.key, m.scale),
    })),
    detected: {
      correct: `${groups.correct.filter((s) => s.jumps.length > 0).length} of ${groups.correct.length}`,
      wrong: `${groups.wrong.filter((s) => s.jumps.length > 0).length} of ${groups.wrong.length}`,
    },
  };
}

/** Modality attribution pooled over folds: the focus class's error with nothing / each modality removed. */
export function pooledAttribution(
  explanations: readonly FoldExplanations[],
  focus: string,
): { removed: string; error: number; support: number }[] {
  const sums = new Map<string, { missed: number; support: number }>();
  for (const e of explanations)
    for (const row of e.attribution ?? []) {
      const c = row.perClass.find((p) => p.name === focus);
      if (c === undefined || c.support === 0) continue;
      const key = row.removed ?? '';
      const s = sums.get(key) ?? { missed: 0, support: 0 };
      s.missed += (c.error ?? 0) * c.support;
      s.support += c.support;
      sums.set(key, s);
    }
  return [...sums].map(([removed, s]) => ({ removed, error: s.missed / s.support, support: s.support }));
}

function meanStd(xs: readonly number[]): { mean: number; std: number } {
  if (xs.length === 0) return { mean: Number.NaN, std: Number.NaN };
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const std = xs.length < 2 ? 0 : Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1));
  return { mean, std };
}

function fmt(v: number): string {
  return Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : v.toFixed(2);
}
