import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import {
  classErrors,
  confusionMatrices,
  learningCurves,
  trainingSizeCurve,
  variantComparison,
  type Figure,
  type FigureFold,
} from './report-figures.ts';

/** Everything the report shows, as plain data (the run's folder is read by the caller). */
export interface ReportInput {
  title: string;
  description?: string;
  /** Label -> value lines under the title: data set, split, seed, backend, commit, command... */
  facts: [string, string][];
  /** The variants table: a header row and the rows, already formatted. */
  table: { head: string[]; rows: string[][]; note: string };
  focusClasses: readonly string[];
  folds: readonly FigureFold[];
  /** The variant's name without its training-fraction part (to draw a training-size curve). */
  labelWithoutFraction: (variant: string) => string;
  skipped: readonly { id: string; reason: string }[];
  /** Extra sections after the figures (the jumping-error section): their HTML and the figures their `.plot`s name. */
  extraSections?: readonly { html: string; figures: readonly Figure[] }[];
}

/** Text as HTML: every character that could open markup becomes an entity. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** JSON safe inside a <script> element: no `</script>`, no `<!--`. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

let plotlySource: string | undefined;
function plotly(): string {
  plotlySource ??= readFileSync(createRequire(import.meta.url).resolve('plotly.js-dist-min'), 'utf8');
  return plotlySource;
}

/** The figures of a report, in page order. */
export function reportFigures(input: ReportInput): Figure[] {
  return [
    variantComparison(input.folds),
    classErrors(input.folds, input.focusClasses),
    trainingSizeCurve(input.folds, input.labelWithoutFraction),
    learningCurves(input.folds),
    ...confusionMatrices(input.folds),
  ].filter((f): f is Figure => f !== undefined);
}

/**
 * A self-contained report.html: plotly.js inlined from node_modules (no network when opened),
 * the figures' data as JSON in the page, every text from the run escaped. The body's
 * data-plotted attribute counts the figures drawn, for tests and for scripts that wait on it.
 */
export function renderHtmlReport(input: ReportInput): string {
  const own = reportFigures(input);
  const extra = input.extraSections ?? [];
  const figures = [...own, ...extra.flatMap((s) => s.figures)];
  const facts = input.facts.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`).join('');
  const table = `<table><thead><tr>${input.table.head.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>${input.table.rows.map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`).join('')}</tbody></table><p class="note">${escapeHtml(input.table.note)}</p>`;
  const sections = own
    .map(
      (f) =>
        `<section><h2>${escapeHtml(f.title)}</h2><div class="plot" id="${escapeHtml(f.id)}"></div><p class="note">${escapeHtml(f.caption)}</p></section>`,
    )
    .join('\n');
  const skipped =
    input.skipped.length === 0
      ? ''
      : `<section><h2>Samples left out</h2><p>${input.skipped.length} sample${input.skipped.length === 1 ? '' : 's'} could not be read and were left out of every trial:</p><ul>${input.skipped.map((s) => `<li><code>${escapeHtml(s.id)}</code>: ${escapeHtml(s.reason)}</li>`).join('')}</ul></section>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(input.title)}</title>
<style>
body { font-family: 'DejaVu Sans', system-ui, sans-serif; margin: 2rem auto; max-width: 1100px; padding: 0 1rem; color: #222; }
h1 { margin-bottom: 0.2rem; } h2 { margin-top: 2rem; border-bottom: 1px solid #ddd; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.2rem 1rem; font-size: 0.9rem; }
dt { color: #666; } dd { margin: 0; font-family: 'DejaVu Sans Mono', monospace; overflow-wrap: anywhere; }
table { border-collapse: collapse; font-size: 0.9rem; } th, td { border: 1px solid #ccc; padding: 0.3rem 0.6rem; text-align: right; }
th:first-child, td:first-child { text-align: left; } thead { background: #f4f4f4; }
.plot { width: 100%; min-height: 420px; } .note { color: #555; font-size: 0.85rem; }
</style>
</head>
<body>
<h1>${escapeHtml(input.title)}</h1>
${input.description === undefined ? '' : `<p>${escapeHtml(input.description)}</p>`}
<dl>${facts}</dl>
<section><h2>Results</h2>${table}</section>
${sections}
${extra.map((s) => s.html).join('\n')}
${skipped}
<script>${plotly()}</script>
<script type="application/json" id="figures">${scriptJson(figures.map((f) => ({ id: f.id, data: f.data, layout: f.layout })))}</script>
<script>
(async () => {
  const figures = JSON.parse(document.getElementById('figures').textContent);
  let plotted = 0;
  for (const f of figures) {
    await Plotly.newPlot(f.id, f.data, f.layout, { responsive: true, displaylogo: false });
    plotted += 1;
  }
  document.body.dataset.plotted = String(plotted);
})();
</script>
</body>
</html>
`;
}
