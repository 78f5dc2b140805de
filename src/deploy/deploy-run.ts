import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { writeJsonAtomic } from '../core/atomic-file.ts';
import { createLogger } from '../core/logger.ts';
import { findSavedModel, listSavedModels, type SavedRunModel } from '../experiments/saved-run-model.ts';
import { ResultsStore } from '../experiments/results-store.ts';
import { learningRateAt } from '../train/fit.ts';
import { loadTrainedModel } from '../train/model-store.ts';
import type { ClassificationReport } from '../train/metrics.ts';
import { DEPLOY_FORMAT, type DeployReport, type DeployVariantRow } from '../report/deploy-section.ts';
import { nodeBackendLatency } from './backend-latency.ts';
import { deployVariants, type DeployVariant, type VariantRequest } from './deploy-variants.ts';
import { evaluateExported } from './evaluate-variant.ts';
import { fineTunePruned } from './fine-tune-pruned.ts';
import { checkHeldOut, trialFolds } from './fold-rows.ts';
import { modelArtifacts, writeExportedModel, type ModelSize } from './model-artifacts.ts';
import { kernelSparsity, pruneModel } from './prune-kernels.ts';
import { UINT8_ERROR_LIMIT, type StoredWeight } from './quantize-weights.ts';

const log = createLogger('deploy');

export interface DeployOptions extends VariantRequest {
  /** A run folder or an experiment's results folder (its latest run). */
  run: string;
  trial?: string;
  out: string;
  /** Where the run's input sets are cached (prepareInputSets). */
  cache: { cacheDir: string; codeVersion: string; progress?: boolean };
  /** Timed predictions per variant and backend; 0: no latency. */
  latencyRuns: number;
}

/** Where `motionfuse deploy` puts a variant's model of fold k (1-based): OUT/<variant>/fold-<k>/. */
export function variantDir(out: string, variant: string, fold: number): string {
  return join(out, variant, `fold-${fold + 1}`);
}

/**
 * Exports every saved fold model of a trial in each variant, measures each on its held-out fold
 * (loaded back through tf.loadLayersModel, as a user would), times batch-1 predictions per
 * backend, and writes the table to OUT/deploy.json and to the run (<run>/deploy/<trial>.json,
 * which the run's report shows).
 */
export async function deployRun(options: DeployOptions): Promise<DeployReport> {
  const variants = deployVariants(options);
  const first = await findSavedModel(options.run, options.trial === undefined ? {} : { trial: options.trial });
  const store = await ResultsStore.open(first.runDir);
  const saved = listSavedModels(store).filter((m) => m.trialId === first.trialId && m.repeat === 0);
  const out = resolve(options.out);
  await mkdir(out, { recursive: true });
  const folds = await trialFolds(first, options.cache);
  const perVariant = new Map<string, { reports: ClassificationReport[]; agree: number; n: number; maxDiff: number }>();
  const sizes = new Map<string, ModelSize>();
  const stored = new Map<string, StoredWeight[]>();
  const sparsity = new Map<string, number>();
  for (const model of saved) {
    await checkHeldOut(model, folds);
    const plan = folds.plans[model.fold]!;
    log.info(`fold ${model.fold + 1}: exporting ${variants.map((v) => v.name).join(', ')}`);
    await exportFold(model, variants, options, folds, plan.train, out, sizes, stored, sparsity);
    let reference: Float32Array | undefined;
    for (const v of variants) {
      const { report, probabilities } = await evaluateExported(
        variantDir(out, v.name, model.fold),
        folds.set,
        plan.test,
      );
      reference ??= probabilities;
      const k = folds.classes.length;
      let agree = 0;
      let maxDiff = 0;
      for (let i = 0; i < plan.test.length; i++) {
        if (argmax(probabilities, i * k, k) === argmax(reference, i * k, k)) agree++;
        for (let c = 0; c < k; c++)
          maxDiff = Math.max(
            maxDiff,
            Math.abs((probabilities[i * k + c] as number) - (reference[i * k + c] as number)),
          );
      }
      const acc = perVariant.get(v.name) ?? { reports: [], agree: 0, n: 0, maxDiff: 0 };
      acc.reports.push(report);
      acc.agree += agree;
      acc.n += plan.test.length;
      acc.maxDiff = Math.max(acc.maxDiff, maxDiff);
      perVariant.set(v.name, acc);
    }
  }
  const latencyFold = saved[0]!.fold;
  const backends =
    options.latencyRuns > 0
      ? await nodeBackendLatency(
          variants.map((v) => variantDir(out, v.name, latencyFold)),
          options.latencyRuns,
        )
      : [];
  const focus = store.config.experiment.report.focusClasses;
  const classOrder = [
    ...focus.filter((c) => folds.classes.includes(c)),
    ...folds.classes.filter((c) => !focus.includes(c)),
  ];
  const float32Size = sizes.get('float32')!.bytes;
  const float32Accuracy = mean(perVariant.get('float32')!.reports.map((r) => r.accuracy));
  const rows: DeployVariantRow[] = variants.map((v) => {
    const acc = perVariant.get(v.name)!;
    const size = sizes.get(v.name)!;
    const accuracy = mean(acc.reports.map((r) => r.accuracy));
    const latency: DeployVariantRow['latency'] = {};
    for (const b of backends) latency[b.backend] = b.results[variantDir(out, v.name, latencyFold)] ?? null;
    const firstOk = backends.find((b) => b.ok);
    const main = firstOk === undefined ? undefined : latency[firstOk.backend];
    return {
      variant: v.name,
      quantization: v.quantization,
      sparsity: v.pruned ? (sparsity.get(v.name) ?? null) : null,
      fine_tune_epochs: v.pruned ? (options.fineTune ?? 0) : 0,
      size_bytes: size.bytes,
      gzip_bytes: size.gzipBytes,
      size_ratio: size.bytes / float32Size,
      accuracy,
      accuracy_delta_points: 100 * (accuracy - float32Accuracy),
      class_error: classOrder.map((c) => [c, meanClassError(acc.reports, c)] as [string, number]),
      agreement: acc.agree / acc.n,
      max_probability_diff: acc.maxDiff,
      p50_ms: main?.p50_ms ?? null,
      p99_ms: main?.p99_ms ?? null,
      latency: Object.fromEntries(
        Object.entries(latency).map(([b, l]) => [b, l === null ? null : { p50_ms: l.p50_ms, p99_ms: l.p99_ms }]),
      ),
    };
  });
  const report: DeployReport = {
    format: DEPLOY_FORMAT,
    runDir: first.runDir,
    trialId: first.trialId,
    label: first.label,
    folds: saved.map((m) => m.fold),
    focusClasses: focus,
    out,
    variants: rows,
    backends: backends.map((b) => ({ backend: b.backend, ok: b.ok, detail: b.detail })),
    notes: quantizationNotes(stored),
    createdAt: new Date().toISOString(),
  };
  await writeJsonAtomic(join(out, 'deploy.json'), report);
  await mkdir(join(first.runDir, 'deploy'), { recursive: true });
  await writeJsonAtomic(join(first.runDir, 'deploy', `${first.trialId}.json`), report);
  return report;
}

/** Writes one fold's model in every variant; the pruned ones after pruning (and fine-tuning) a fresh copy. */
async function exportFold(
  model: SavedRunModel,
  variants: readonly DeployVariant[],
  options: DeployOptions,
  folds: Awaited<ReturnType<typeof trialFolds>>,
  trainRows: readonly number[],
  out: string,
  sizes: Map<string, ModelSize>,
  stored: Map<string, StoredWeight[]>,
  sparsity: Map<string, number>,
): Promise<void> {
  const trained = await loadTrainedModel(model.dir);
  try {
    const dense = await modelArtifacts(trained.model);
    for (const v of variants.filter((x) => !x.pruned)) {
      const written = await writeExportedModel(variantDir(out, v.name, model.fold), dense, v.quantization, model.dir);
      sizes.set(v.name, written.size);
      stored.set(v.name, written.stored);
    }
    if (!variants.some((v) => v.pruned) || options.prune === undefined) return;
    const masks = pruneModel(trained.model, options.prune);
    try {
      if ((options.fineTune ?? 0) > 0) {
        const t = model.experiment.train;
        const losses = await fineTunePruned(
          trained.model,
          folds.set,
          trainRows,
          trained.pipeline,
          folds.classes.length,
          masks,
          {
            epochs: options.fineTune!,
            batchSize: t.batchSize,
            // Where the run's schedule ended: fine-tuning continues training, it does not restart it.
            learningRate: learningRateAt(t.epochs - 1, t),
            seed: model.experiment.seed + model.fold,
          },
        );
        log.info(
          `fold ${model.fold + 1}: fine-tuned the pruned model, loss ${losses.map((l) => l.toFixed(3)).join(' -> ')}`,
        );
      }
    } finally {
      masks.dispose();
    }
    const pruned = await modelArtifacts(trained.model);
    for (const v of variants.filter((x) => x.pruned)) {
      const written = await writeExportedModel(variantDir(out, v.name, model.fold), pruned, v.quantization, model.dir);
      sizes.set(v.name, written.size);
      stored.set(v.name, written.stored);
      sparsity.set(v.name, kernelSparsity(pruned.weights.map((w) => ({ name: w.spec.name, values: w.values }))));
    }
  } finally {
    trained.model.dispose();
  }
}

/** What per-tensor quantisation cost, against what per-channel scales would have given. */
function quantizationNotes(stored: Map<string, StoredWeight[]>): string[] {
  const int8 = stored.get('int8');
  if (int8 === undefined) return [];
  const kernels = int8.filter((w) => w.perChannelError !== undefined);
  const worst = [...kernels].sort((a, b) => b.error - a.error)[0];
  const wide = kernels.filter((w) => w.dtype === 'uint16').map((w) => w.name);
  return [
    `int8: TensorFlow.js's weight format has one (scale, min) per tensor; ${kernels.length} kernels stored as uint8 codes, the rest (biases, BatchNorm) as float16. ` +
      `Relative RMS error per tensor: median ${median(kernels.map((w) => w.error)).toFixed(4)}, worst ${worst?.error.toFixed(4) ?? 'n/a'} (${worst?.name ?? ''}; per-channel scales would give ${worst?.perChannelError?.toFixed(4) ?? 'n/a'}). ` +
      (wide.length === 0
        ? `No kernel passed the ${UINT8_ERROR_LIMIT} limit past which it would be stored as uint16.`
        : `Past ${UINT8_ERROR_LIMIT}, stored as uint16 instead: ${wide.join(', ')}.`),
  ];
}

function meanClassError(reports: readonly ClassificationReport[], name: string): number {
  const values = reports.flatMap((r) => r.perClass.filter((c) => c.name === name && c.support > 0).map((c) => c.error));
  return values.length === 0 ? Number.NaN : mean(values);
}

function mean(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s.length === 0 ? Number.NaN : (s[Math.floor((s.length - 1) / 2)]! + s[Math.ceil((s.length - 1) / 2)]!) / 2;
}

function argmax(values: Float32Array, offset: number, length: number): number {
  let best = 0;
  for (let c = 1; c < length; c++) if ((values[offset + c] as number) > (values[offset + best] as number)) best = c;
  return best;
}
