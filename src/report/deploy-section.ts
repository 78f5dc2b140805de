import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { escapeHtml } from './html-report.ts';

export const DEPLOY_FORMAT = 'motionfuse-deploy/1';

/** One exported variant of a trial's models (`motionfuse deploy`), means over the saved folds. */
export interface DeployVariantRow {
  variant: string;
  quantization: 'float32' | 'float16' | 'int8';
  /** Share of kernel weights that are 0; null: not pruned. */
  sparsity: number | null;
  fine_tune_epochs: number;
  /** model.json + weights.bin of one fold's model. */
  size_bytes: number;
  gzip_bytes: number;
  /** size_bytes / float32's. */
  size_ratio: number;
  /** Held-out accuracy, mean over the folds. */
  accuracy: number;
  /** Percentage points against float32 (negative: lost). */
  accuracy_delta_points: number;
  /** Error (1 - recall) by class, the focus classes first. */
  class_error: [string, number][];
  /** Share of held-out samples whose predicted class is float32's. */
  agreement: number;
  /** Largest difference of any class probability from float32's. */
  max_probability_diff: number;
  /** Batch-1 latency of the first backend that ran (the `latency` of the table names it). */
  p50_ms: number | null;
  p99_ms: number | null;
  latency: Record<string, { p50_ms: number; p99_ms: number } | null>;
}

export interface DeployReport {
  format: typeof DEPLOY_FORMAT;
  runDir: string;
  trialId: string;
  label: string;
  folds: number[];
  focusClasses: string[];
  out: string;
  variants: DeployVariantRow[];
  /** Each backend tried for latency, with what it said or why it did not run. */
  backends: { backend: string; ok: boolean; detail: string }[];
  notes: string[];
  createdAt: string;
}

/** The deploy results of a run (`<run>/deploy/*.json`, one per trial), as report sections. */
export function deploySectionsOf(runDir: string): { html: string; figures: [] }[] {
  const dir = join(runDir, 'deploy');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as DeployReport)
    .filter((r) => r.format === DEPLOY_FORMAT)
    .map((r) => ({ html: deploySection(r), figures: [] }));
}

/** The table of one trial's variants: size, held-out accuracy and per-class error, latency per backend. */
export function deploySection(r: DeployReport): string {
  const backends = r.backends.filter((b) => b.ok).map((b) => b.backend);
  const classes = r.variants[0]?.class_error.map(([c]) => c) ?? [];
  const shown = classes.slice(0, Math.max(1, r.focusClasses.length));
  const pct = (v: number) => (100 * v).toFixed(1);
  const ms = (v: { p50_ms: number; p99_ms: number } | null | undefined) =>
    v === null || v === undefined ? 'n/a' : `${v.p50_ms.toFixed(2)} / ${v.p99_ms.toFixed(2)}`;
  const head = [
    'variant',
    'size (bytes)',
    'gzip (bytes)',
    'of float32',
    'accuracy %',
    'vs float32 (points)',
    ...shown.map((c) => `${c} error %`),
    'same class as float32 %',
    ...backends.map((b) => `${b} p50 / p99 ms`),
  ];
  const rows = r.variants.map((v) => [
    v.variant,
    String(v.size_bytes),
    String(v.gzip_bytes),
    `${pct(v.size_ratio)} %`,
    pct(v.accuracy),
    v.accuracy_delta_points.toFixed(1),
    ...shown.map((c) => pct(v.class_error.find(([n]) => n === c)?.[1] ?? Number.NaN)),
    pct(v.agreement),
    ...backends.map((b) => ms(v.latency[b])),
  ]);
  const table = `<table><thead><tr>${head.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>${rows.map((row) => `<tr>${row.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`).join('')}</tbody></table>`;
  const notes = [
    `Trial ${r.trialId} (${r.label}); accuracy and error on the held-out fold of each fold's model (folds ${r.folds.map((f) => f + 1).join(', ')}), mean; latency: batch 1, one fold's model, p50 / p99 over the runs.`,
    ...r.backends.map((b) => `${b.backend}: ${b.ok ? b.detail : `not measured: ${b.detail}`}`),
    ...r.notes,
  ];
  return `<section id="deploy-${escapeHtml(r.trialId)}"><h2>Edge deployment: ${escapeHtml(r.label)}</h2>${table}${notes.map((n) => `<p class="note">${escapeHtml(n)}</p>`).join('')}</section>`;
}
