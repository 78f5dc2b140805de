import type { FoldExplanations } from '../explain/fold-explanations.ts';
import { escapeHtml } from './html-report.ts';
import {
  confusionPartners,
  errorByPhase,
  errorByVariant,
  jumpMetricsSideBySide,
  missFigure,
  phaseFigure,
  pooledAttribution,
  trainingSizeFigure,
  type SectionFold,
} from './jumping-error-figures.ts';
import type { Figure } from './report-figures.ts';

/** One explained variant: its explanation files, fold by fold. */
export interface ExplainedVariant {
  variant: string;
  explanations: readonly FoldExplanations[];
}

/** What the jumping-error section is drawn from: the run's folds and the explained variants' files. */
export interface JumpingSectionInput {
  focusClasses: readonly string[];
  /** Every finished fold of every variant (first training of each). */
  folds: readonly SectionFold[];
  /**
   * The explained variants, the preferred first (the reference): a focus class is drilled into in
   * it, or, where it missed none of that class, in the variant that missed most.
   */
  explained: readonly ExplainedVariant[];
  /** A strip PNG as a data: URL, by `<variant>/<fold>/<file>`; a missing one is left out. */
  images: ReadonlyMap<string, string>;
  /** Misses drawn per focus class (the files hold up to report.explain.maxMisses a fold). */
  maxShown: number;
  labelWithoutFraction: (variant: string) => string;
}

const STYLE =
  '.jumping-class .plot { min-height: 300px; } .miss { border-top: 1px dashed #ccc; margin-top: 1rem; } img.gradcam { max-width: 100%; display: block; margin: 0.5rem 0; } tr.truth td { color: #1e8449; } tr.predicted td { color: #c0392b; } .jumping-class table { margin: 0.4rem 0; }';
const pct = (v: number) => (Number.isFinite(v) ? (100 * v).toFixed(1) : 'n/a');

/**
 * The jumping-error section of report.html, one block per focus class: its confusion partners,
 * its error by the jump phase the window covers, the error with each modality alone and fused
 * (variants) and with each removed (attribution), its error against the training-set size, the
 * jump metrics of its correct and missed samples side by side, and a drill-down per miss (key
 * frames with Grad-CAM, IMU trace with take-off and landing, attention over time, probabilities).
 * Returns the HTML and the plotly figures its `.plot` elements name.
 */
export function jumpingErrorSection(input: JumpingSectionInput): { html: string; figures: Figure[] } {
  const figures: Figure[] = [];
  const first = input.explained[0];
  const classes = first?.explanations[0]?.classes ?? input.folds[0]?.report.perClass.map((c) => c.name) ?? [];
  const notes = input.explained.flatMap((v) => {
    const own = [...new Set(v.explanations.flatMap((e) => e.notes))];
    return own.length === 0 ? [] : [`${v.variant}: ${own.join('; ')}`];
  });
  const blocks = input.focusClasses.map((focus, fi) => {
    const key = `jumping-${fi + 1}`;
    const chosen = drilledVariant(input.explained, classes, focus);
    const own = input.folds.filter((f) => f.variant === chosen?.variant);
    const samples = chosen?.explanations.flatMap((e) => e.samples) ?? [];
    const parts: string[] = [
      `<p class="note">Variant <b>${escapeHtml(chosen?.variant ?? '')}</b> (${chosen?.explanations.length ?? 0} folds explained)${chosen !== first ? `, since ${escapeHtml(first?.variant ?? '')} missed no ${escapeHtml(focus)}` : ''}: the confusion partners, phases, jump metrics and misses are from its test samples.</p>`,
    ];
    parts.push(partnersTable(own, focus));
    const phases = errorByPhase(samples, classes, focus);
    if (phases.some((p) => p.n > 0)) {
      figures.push(phaseFigure(`${key}-phase`, phases));
      parts.push(
        `<h4>Error by jump phase</h4><table class="jumping-phase"><thead><tr><th>phase</th><th>samples</th><th>missed</th><th>error %</th></tr></thead><tbody>${phases.map((p) => `<tr><td>${escapeHtml(p.phase)}</td><td>${p.n}</td><td>${p.missed}</td><td>${p.n === 0 ? 'n/a' : pct(p.missed / p.n)}</td></tr>`).join('')}</tbody></table>${plotDiv(figures[figures.length - 1] as Figure)}`,
      );
    }
    parts.push(modalityTables(input, focus));
    const size = trainingSizeFigure(`${key}-size`, input.folds, focus, input.labelWithoutFraction);
    if (size !== undefined) {
      figures.push(size);
      parts.push(`<h4>Error against training-set size</h4>${plotDiv(size)}`);
    }
    parts.push(metricsTable(samples, classes, focus));
    parts.push(drillDowns(input, chosen, focus, classes, key, figures));
    return `<section class="jumping-class" data-focus="${escapeHtml(focus)}"><h3>${escapeHtml(focus)}</h3>${parts.join('\n')}</section>`;
  });
  const html = `<style>${STYLE}</style><section id="jumping-error"><h2>Jumping-error investigation</h2><p class="note">Explained variants: ${input.explained.map((v) => escapeHtml(v.variant)).join(', ')}. The modality and training-size parts compare every variant.${notes.length === 0 ? '' : ` Not explained: ${escapeHtml(notes.join('. '))}.`}</p>${blocks.join('\n')}</section>`;
  return { html, figures };
}

/**
 * The variant a focus class is drilled into: the first if it missed some of the class, else of
 * those that did, one reading video (so its misses have Grad-CAM) that missed most.
 */
function drilledVariant(
  explained: readonly ExplainedVariant[],
  classes: readonly string[],
  focus: string,
): ExplainedVariant | undefined {
  const missed = (v: ExplainedVariant) =>
    v.explanations.reduce(
      (n, e) => n + e.samples.filter((s) => classes[s.truth] === focus && s.predicted !== s.truth).length,
      0,
    );
  const first = explained[0];
  if (first === undefined || missed(first) > 0) return first;
  // Those that read video first (their misses have Grad-CAM), then by misses.
  const video = (v: ExplainedVariant) => (v.explanations[0]?.modalities.includes('video') === true ? 1 : 0);
  const best = explained.filter((v) => missed(v) > 0).sort((a, b) => video(b) - video(a) || missed(b) - missed(a))[0];
  return best ?? first;
}

function plotDiv(f: Figure): string {
  return `<div class="plot" id="${escapeHtml(f.id)}"></div>${f.caption === '' ? '' : `<p class="note">${escapeHtml(f.caption)}</p>`}`;
}

function partnersTable(folds: readonly SectionFold[], focus: string): string {
  const p = confusionPartners(folds, focus);
  const f = p.classes.indexOf(focus);
  const order = p.classes
    .map((c, i) => ({ c, i, n: (p.takenFor[i] as number) + (p.takenAs[i] as number) }))
    .filter((r) => r.i !== f && r.n > 0)
    .sort((a, b) => b.n - a.n);
  const rows =
    order.length === 0
      ? '<tr><td colspan="3">no confusion</td></tr>'
      : order
          .map(
            (r) =>
              `<tr><td>${escapeHtml(r.c)}</td><td>${p.takenFor[r.i]} (${pct((p.takenFor[r.i] as number) / Math.max(1, p.support))} %)</td><td>${p.takenAs[r.i]}</td></tr>`,
          )
          .join('');
  return `<h4>Confusion partners</h4><table class="jumping-partners"><thead><tr><th>class</th><th>${escapeHtml(focus)} taken for it</th><th>it taken for ${escapeHtml(focus)}</th></tr></thead><tbody>${rows}</tbody></table><p class="note">Summed over the folds; ${p.support} test samples of ${escapeHtml(focus)}, ${p.takenFor[f] ?? 0} right.</p>`;
}

function modalityTables(input: JumpingSectionInput, focus: string): string {
  const variants = errorByVariant(input.folds, focus);
  const table = `<table class="jumping-modalities"><thead><tr><th>variant</th><th>modalities</th><th>${escapeHtml(focus)} error %</th><th>folds</th></tr></thead><tbody>${variants.map((v) => `<tr><td>${escapeHtml(v.variant)}</td><td>${escapeHtml(v.modalities)}</td><td>${pct(v.mean)} ± ${pct(v.std)}</td><td>${v.folds}</td></tr>`).join('')}</tbody></table>`;
  const source = input.explained.find((v) => v.explanations.some((e) => (e.attribution?.length ?? 0) > 0));
  const attribution = pooledAttribution(source?.explanations ?? [], focus);
  const removed =
    attribution.length === 0
      ? '<p class="note">No modality attribution (the variant is not a joint fusion of two or more modalities, or report.explain.attribution is off).</p>'
      : `<table class="jumping-attribution"><thead><tr><th>at test time</th><th>${escapeHtml(focus)} error %</th><th>samples</th></tr></thead><tbody>${attribution.map((a) => `<tr><td>${a.removed === '' ? 'every modality (fused)' : `without ${escapeHtml(a.removed)}`}</td><td>${pct(a.error)}</td><td>${a.support}</td></tr>`).join('')}</tbody></table><p class="note">Modality attribution of ${escapeHtml(source?.variant ?? '')}: one trained model per fold, a modality removed at test time by zeroing its pooled features (as modality dropout does in training); errors pooled over the folds' test samples.</p>`;
  return `<h4>Each modality alone and fused</h4>${table}<p class="note">Separately trained variants at the full training set: mean ± sample std over folds.</p>${removed}`;
}

function metricsTable(samples: FoldExplanations['samples'], classes: readonly string[], focus: string): string {
  const m = jumpMetricsSideBySide(samples, classes, focus);
  return `<h4>Jump metrics: correct and missed</h4><table class="jumping-metrics"><thead><tr><th>first detected jump</th><th>correctly classified</th><th>missed</th></tr></thead><tbody><tr><td>jump detected</td><td>${m.detected.correct}</td><td>${m.detected.wrong}</td></tr>${m.rows.map((r) => `<tr><td>${escapeHtml(r.label)}</td><td>${r.correct}</td><td>${r.wrong}</td></tr>`).join('')}</tbody></table><p class="note">Mean ± sample std (samples with a value) of the first jump the IMU detector finds in each test sample's trace.</p>`;
}

function drillDowns(
  input: JumpingSectionInput,
  chosen: ExplainedVariant | undefined,
  focus: string,
  classes: readonly string[],
  key: string,
  figures: Figure[],
): string {
  const misses = (chosen?.explanations ?? []).flatMap((e) =>
    e.misses
      .map((miss) => ({ fold: e.fold, miss, sample: e.samples.find((s) => s.id === miss.id) }))
      .filter((m) => m.sample !== undefined && classes[m.sample.truth] === focus),
  );
  if (misses.length === 0)
    return `<h4>Misses</h4><p class="note">No miss of ${escapeHtml(focus)} was drilled into.</p>`;
  const shown = misses.slice(0, input.maxShown);
  const items = shown.map(({ fold, miss, sample }, j) => {
    const s = sample as NonNullable<typeof sample>;
    const top = s.probabilities
      .map((p, c) => ({ p, c }))
      .sort((a, b) => b.p - a.p)
      .slice(0, 3);
    if (!top.some((t) => t.c === s.truth)) top.push({ p: s.probabilities[s.truth] ?? 0, c: s.truth });
    const probs = top
      .map(
        (t) =>
          `<tr class="${t.c === s.truth ? 'truth' : t.c === s.predicted ? 'predicted' : ''}"><td>${escapeHtml(classes[t.c] ?? '?')}${t.c === s.truth ? ' (true)' : t.c === s.predicted ? ' (predicted)' : ''}</td><td>${pct(t.p)} %</td></tr>`,
      )
      .join('');
    const image = miss.strip === undefined ? undefined : input.images.get(`${chosen?.variant}/${fold}/${miss.strip}`);
    const figure = missFigure(`${key}-miss-${j + 1}`, miss, s);
    figures.push(figure);
    const jumps =
      s.jumps.length === 0
        ? 'no jump detected'
        : s.jumps
            .map(
              (jm) =>
                `take-off ${jm.takeoff.toFixed(2)} s, landing ${jm.landing.toFixed(2)} s, ${(100 * jm.height).toFixed(1)} cm`,
            )
            .join('; ');
    const untimed = miss.attention.filter((a) => a.times === undefined);
    const attention =
      untimed.length === 0
        ? ''
        : `<p class="note attention">Attention per step: ${untimed.map((a) => `${escapeHtml(a.modality)} ${a.weights.map((w) => w.toFixed(2)).join(' ')}`).join('; ')}.</p>`;
    return `<div class="miss" data-sample="${escapeHtml(s.id)}"><h5>${escapeHtml(s.id)} (fold ${fold + 1}): ${escapeHtml(classes[s.truth] ?? '?')} taken for ${escapeHtml(classes[s.predicted] ?? '?')}</h5><table class="probabilities"><thead><tr><th>class</th><th>probability</th></tr></thead><tbody>${probs}</tbody></table><p class="note">Window ${s.window[0].toFixed(2)}-${s.window[1].toFixed(2)} s, phase ${escapeHtml(s.phase ?? 'unknown')}; detector: ${escapeHtml(jumps)}.</p>${attention}${image === undefined ? '<p class="note">No key frames (the model reads no video).</p>' : `<img class="gradcam" alt="key frames and Grad-CAM of ${escapeHtml(s.id)}" src="${image}">`}${plotDiv(figure)}</div>`;
  });
  const more =
    misses.length > shown.length
      ? `<p class="note">${misses.length - shown.length} more in the run's explain files.</p>`
      : '';
  return `<h4>Misses</h4><p class="note">Key frames, then Grad-CAM of the last video convolution for the predicted and the true class (red: most evidence), with each frame's attention weight; the IMU trace with the detected (solid) and true (dotted) take-off (green) and landing (purple), the input window shaded, and the IMU attention over time.</p>${items.join('\n')}${more}`;
}
