import { mkdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import { writeFileAtomic, writeJsonAtomic } from '../core/atomic-file.ts';
import type { Sample } from '../core/sample.ts';
import type { ImuStream } from '../core/stream.ts';
import { createDataset } from '../data/dataset-registry.ts';
import { detectJumps, type JumpPlacement } from '../biomech/detect-jumps.ts';
import { jumpTraceOf } from '../biomech/jump-trace.ts';
import { attentionOverTime } from '../explain/attention-weights.ts';
import {
  EXPLANATIONS_FORMAT,
  type ExplainedSample,
  type FoldExplanations,
  type JumpMetrics,
  type MissDrillDown,
} from '../explain/fold-explanations.ts';
import { gradCam } from '../explain/grad-cam.ts';
import { jumpPhase } from '../explain/jump-phase.ts';
import { modalityAttribution } from '../explain/modality-attribution.ts';
import type { InputSet, InputSpec } from '../inputs/input-spec.ts';
import { renderGradCamStrip } from '../report/grad-cam-strip.ts';
import { inputTensors, type InputPipeline } from '../train/batches.ts';
import type { FoldPlan } from '../train/cross-validate.ts';
import { predictProbabilities } from '../train/fit.ts';
import type { Experiment } from './experiment-schema.ts';

export interface ExplainFoldContext {
  experiment: Experiment;
  classes: readonly string[];
  set: InputSet;
  spec: InputSpec;
  plan: FoldPlan;
  trialId: string;
  label: string;
  /** The explanations file (trials/<id>/explain-fold-<k>.json); its PNGs go in the folder of the same name. */
  file: string;
}

/** Trace points kept for the drill-down's plot (the take decimated evenly). */
const TRACE_POINTS = 400;

/**
 * A fold's explanations, computed in the fold worker while the trained model is there
 * (runFoldUnit calls it before the model is disposed): every test sample of the focus classes
 * with its prediction, the jump phase its window covers and the jumps the detector finds; for up
 * to `maxMisses` misses per focus class, the key frames with Grad-CAM for the predicted and the
 * true class (a PNG), the attention over time and the IMU trace; modality attribution over the
 * fold's test samples. The samples are loaded again through the data set's adapter for their
 * ground truth and raw IMU (the input set keeps neither). PNGs first, then the JSON, each written
 * atomically; the fold's own file is written after this returns, so a fold with a file has its
 * explanations, and a fold without one is explained again when it reruns.
 */
export async function explainFold(
  model: tf.LayersModel,
  pipeline: InputPipeline,
  ctx: ExplainFoldContext,
): Promise<FoldExplanations> {
  const options = ctx.experiment.report.explain;
  if (options === undefined) throw new Error('explainFold(): the experiment has no report.explain');
  const { set, classes, plan } = ctx;
  const notes: string[] = [];
  const focus = ctx.experiment.report.focusClasses.filter((c) => classes.includes(c));
  const focusIndex = new Set(focus.map((c) => classes.indexOf(c)));
  const rows = plan.test.filter((r) => focusIndex.has(set.labels[r] as number));
  const k = classes.length;
  const probs = rows.length === 0 ? new Float32Array(0) : await predictProbabilities(model, set, rows, pipeline);
  const predictedOf = (i: number) => {
    let best = 0;
    for (let c = 1; c < k; c++) if ((probs[i * k + c] as number) > (probs[i * k + best] as number)) best = c;
    return best;
  };
  const loaded = await loadSamples(ctx, rows, notes);
  const samples: ExplainedSample[] = rows.map((r, i) => {
    const id = set.ids[r] as string;
    const sample = loaded.get(id);
    const truthEvents = {
      takeoff: eventTimes(sample, 'takeoff'),
      landing: eventTimes(sample, 'landing'),
    };
    const window = sample === undefined ? ([0, 0] as [number, number]) : inputWindow(sample, ctx.spec);
    const known =
      sample?.events?.some((e) => e.name === 'takeoff' || e.name === 'landing') === true || isGenerated(ctx);
    return {
      id,
      subject: set.subjects[r] as string,
      truth: set.labels[r] as number,
      predicted: predictedOf(i),
      probabilities: Array.from(probs.subarray(i * k, (i + 1) * k), round4),
      window,
      phase:
        sample !== undefined && known && truthEvents.takeoff.length === truthEvents.landing.length
          ? jumpPhase(window, truthEvents.takeoff, truthEvents.landing)
          : null,
      truthEvents,
      jumps: sample === undefined ? [] : jumpsOf(sample, options.jumpSensor),
    };
  });
  const missRows = focus.flatMap((c) =>
    rows
      .map((r, i) => ({ r, i }))
      .filter(({ r, i }) => classes[set.labels[r] as number] === c && predictedOf(i) !== (set.labels[r] as number))
      .slice(0, options.maxMisses),
  );
  const misses =
    missRows.length === 0
      ? []
      : await drillDown(model, pipeline, ctx, missRows, predictedOf, loaded, options.jumpSensor, notes);
  let attribution: FoldExplanations['attribution'];
  if (options.attribution) {
    if (pipeline.modalities.length < 2) notes.push('modality attribution: the model reads one modality');
    else if (!model.layers.some((l) => l.name === 'fuse'))
      notes.push(
        'modality attribution: not a joint-fusion network (no fused feature vector to remove a modality from)',
      );
    else attribution = await modalityAttribution(model, set, plan.test, pipeline, classes);
  }
  const explanations: FoldExplanations = {
    format: EXPLANATIONS_FORMAT,
    trialId: ctx.trialId,
    label: ctx.label,
    fold: plan.index,
    classes: [...classes],
    modalities: [...pipeline.modalities],
    focusClasses: focus,
    jumpSensor: options.jumpSensor,
    samples,
    misses,
    ...(attribution === undefined ? {} : { attribution }),
    notes,
  };
  await writeJsonAtomic(ctx.file, explanations);
  return explanations;
}

/** The explanations' PNG folder beside the file: explain-fold-<k>.json -> explain-fold-<k>/. */
export function explanationsFolder(file: string): string {
  return join(dirname(file), basename(file, '.json'));
}

async function drillDown(
  model: tf.LayersModel,
  pipeline: InputPipeline,
  ctx: ExplainFoldContext,
  missRows: readonly { r: number; i: number }[],
  predictedOf: (i: number) => number,
  loaded: ReadonlyMap<string, Sample>,
  jumpSensor: JumpPlacement,
  notes: string[],
): Promise<MissDrillDown[]> {
  const { set, classes } = ctx;
  const rows = missRows.map((m) => m.r);
  const xs = inputTensors(set, rows, pipeline);
  try {
    const attention = attentionOverTime(model, xs);
    const video = set.video;
    const readsVideo = pipeline.modalities.includes('video') && video !== undefined;
    // A video encoder named in `encoders` has no video_conv<n> layers to explain.
    const hasVideo =
      readsVideo && model.layers.some((l) => l.getClassName() === 'Conv2D' && l.name.startsWith('video_conv'));
    const truthCams = hasVideo ? gradCam(model, xs, { classes: rows.map((r) => set.labels[r] as number) }) : undefined;
    const predictedCams = hasVideo ? gradCam(model, xs, { classes: missRows.map((m) => predictedOf(m.i)) }) : undefined;
    if (!hasVideo)
      notes.push(readsVideo ? 'Grad-CAM: no convolution named video_conv<n>' : 'Grad-CAM: the model reads no video');
    const folder = explanationsFolder(ctx.file);
    if (hasVideo) await mkdir(folder, { recursive: true });
    const out: MissDrillDown[] = [];
    for (const [j, { r, i }] of missRows.entries()) {
      const id = set.ids[r] as string;
      const sample = loaded.get(id);
      const imuStart = sample === undefined ? 0 : inputWindow(sample, ctx.spec)[0];
      const att = attention.map((a) => {
        const weights = Array.from(a.weights.subarray(j * a.steps, (j + 1) * a.steps), round4);
        const span = a.modality === 'imu' ? imuSpan(ctx.spec, sample) : undefined;
        return {
          modality: a.modality,
          weights,
          ...(span === undefined
            ? {}
            : { times: weights.map((_, t) => round4(imuStart + ((t + 0.5) * span) / a.steps)) }),
        };
      });
      const drill: MissDrillDown = { id, attention: att };
      if (hasVideo && truthCams !== undefined && predictedCams !== undefined) {
        const [, count, size] = truthCams.shape;
        const per = count * size * size;
        const frames = video.data.subarray(r * per * 3, (r + 1) * per * 3);
        const truth = classes[set.labels[r] as number] as string;
        const predicted = classes[predictedOf(i)] as string;
        const videoAttention = att.find((a) => a.modality === 'video');
        const png = await renderGradCamStrip({
          title: `${id}: ${truth}, predicted ${predicted}`,
          frames,
          count,
          size,
          rows: [
            { label: 'key frames' },
            camRow(`Grad-CAM for ${predicted} (predicted)`, predictedCams.maps.subarray(j * per, (j + 1) * per)),
            camRow(`Grad-CAM for ${truth} (true)`, truthCams.maps.subarray(j * per, (j + 1) * per)),
          ],
          ...(videoAttention === undefined
            ? {}
            : { columnNotes: videoAttention.weights.map((w) => `attention ${w.toFixed(2)}`) }),
        });
        const name = `${safeName(id)}.png`;
        await writeFileAtomic(join(folder, name), png);
        drill.strip = name;
        drill.gradCamLayer = truthCams.layer;
      }
      const trace = sample === undefined ? undefined : sensorOf(sample, jumpSensor);
      if (trace !== undefined) drill.imu = magnitudeTrace(trace);
      out.push(drill);
    }
    return out;
  } finally {
    for (const x of xs) x.dispose();
  }
}

/**
 * What a fold worker keeps of the samples it loaded (their IMU streams and events, by data set and
 * id): every trial of a run tests the same samples in the same folds, so each is loaded about
 * once per worker rather than once per trial.
 */
const loadedSamples = new Map<string, Sample>();

/** The focus-class test samples, loaded again through the data set's adapter; a failure is a note, not an error. */
async function loadSamples(
  ctx: ExplainFoldContext,
  rows: readonly number[],
  notes: string[],
): Promise<Map<string, Sample>> {
  const out = new Map<string, Sample>();
  if (rows.length === 0) return out;
  const dataset = JSON.stringify(ctx.experiment.dataset);
  const keyOf = (id: string) => `${dataset}\n${id}`;
  for (const r of rows) {
    const cached = loadedSamples.get(keyOf(ctx.set.ids[r] as string));
    if (cached !== undefined) out.set(cached.id, cached);
  }
  if (out.size === rows.length) return out;
  try {
    // Only the IMU streams and events are kept: the synthetic set renders no frames when asked
    // for none (its other streams come from their own random forks, the same either way).
    const adapter = await createDataset(
      isGenerated(ctx) ? { ...ctx.experiment.dataset, video: false, pose: false } : ctx.experiment.dataset,
    );
    const refs = new Map((await adapter.list()).map((r) => [r.id, r]));
    for (const r of rows) {
      const ref = refs.get(ctx.set.ids[r] as string);
      if (ref === undefined || out.has(ref.id)) continue;
      const sample = await adapter.load(ref);
      const imus = sample.streams.filter((s): s is ImuStream => s.kind === 'imu');
      const kept: Sample = { ...sample, streams: imus.map((imu) => onSessionClock(sample, imu)) };
      loadedSamples.set(keyOf(ref.id), kept);
      out.set(ref.id, kept);
    }
  } catch (err) {
    notes.push(
      `samples not loaded (no ground truth, IMU traces or jump metrics): ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  return out;
}

/**
 * An IMU stream with its times on the session clock, where the sample states its device's clock
 * offset and drift (the synthetic set: t_device = offset + (1 + drift) t_camera): ground-truth
 * events are on the session clock, so take-offs and windows compare only there.
 */
function onSessionClock(sample: Sample, imu: ImuStream): ImuStream {
  const offset = sample.events?.find((e) => e.name === `clock-offset/${imu.sensorId}`)?.value ?? 0;
  const drifts = sample.meta['clockDrift'] as Record<string, number> | undefined;
  const drift = drifts?.[imu.sensorId] ?? 0;
  if (offset === 0 && drift === 0) return imu;
  return { ...imu, t: imu.t.map((t) => (t - offset) / (1 + drift)) };
}

function eventTimes(sample: Sample | undefined, name: string): number[] {
  return (sample?.events ?? []).filter((e) => e.name === name && e.t !== undefined).map((e) => round4(e.t as number));
}

/** The synthetic athletes' takes carry every flight's take-off and landing, so a take without one has none. */
function isGenerated(ctx: ExplainFoldContext): boolean {
  return ctx.experiment.dataset.name === 'synthetic';
}

/** The first IMU the input reads (or, for a model without IMU input, the jump sensor's). */
function inputImu(sample: Sample, spec: InputSpec): ImuStream | undefined {
  const imus = sample.streams.filter((s): s is ImuStream => s.kind === 'imu');
  const first = spec.imu?.placements[0];
  return imus.find((s) => first === undefined || first === 'any' || s.placement === first) ?? imus[0];
}

/** The window the model's IMU input covers on the session clock; the whole take where it reads the whole recording or no IMU. */
function inputWindow(sample: Sample, spec: InputSpec): [number, number] {
  const imu = inputImu(sample, spec);
  const times = sample.streams.flatMap((s) =>
    s.t.length > 0 ? [s.t[0] as number, s.t[s.t.length - 1] as number] : [],
  );
  const whole: [number, number] = [round4(Math.min(...times)), round4(Math.max(...times))];
  if (spec.imu === undefined || spec.imu.span === 'recording' || imu === undefined || imu.t.length === 0) return whole;
  const start = imu.t[0] as number;
  return [round4(start), round4(start + spec.imu.window)];
}

/** Seconds the IMU input spans (its attention steps divide it evenly). */
function imuSpan(spec: InputSpec, sample: Sample | undefined): number | undefined {
  if (spec.imu === undefined) return undefined;
  if (spec.imu.span !== 'recording') return spec.imu.window;
  const imu = sample === undefined ? undefined : inputImu(sample, spec);
  return imu === undefined || imu.t.length < 2 ? undefined : (imu.t[imu.t.length - 1] as number) - (imu.t[0] as number);
}

function sensorOf(sample: Sample, placement: JumpPlacement): ImuStream | undefined {
  const imus = sample.streams.filter((s): s is ImuStream => s.kind === 'imu');
  return imus.find((s) => s.placement === placement) ?? imus[0];
}

function jumpsOf(sample: Sample, placement: JumpPlacement): JumpMetrics[] {
  const imu = sensorOf(sample, placement);
  if (imu === undefined) return [];
  const where = (placement as string) === imu.placement ? placement : undefined;
  return detectJumps(jumpTraceOf(imu), where === undefined ? {} : { placement: where }).map((j) =>
    Object.fromEntries(Object.entries(j).map(([key, v]) => [key, typeof v === 'number' ? round4(v) : v])),
  ) as unknown as JumpMetrics[];
}

function magnitudeTrace(imu: ImuStream): { placement: string; t: number[]; magnitude: number[] } {
  const n = imu.t.length;
  const step = Math.max(1, Math.ceil(n / TRACE_POINTS));
  const t: number[] = [];
  const magnitude: number[] = [];
  for (let i = 0; i < n; i += step) {
    t.push(round4(imu.t[i] as number));
    magnitude.push(
      round4(Math.hypot(imu.data[i * 6] as number, imu.data[i * 6 + 1] as number, imu.data[i * 6 + 2] as number)),
    );
  }
  return { placement: imu.placement, t, magnitude };
}

/** A strip row of maps; an all-zero map (no positive evidence anywhere) says so, since it draws as bare frames. */
function camRow(label: string, maps: Float32Array): { label: string; maps: Float32Array } {
  return { label: maps.some((v) => v > 0) ? label : `${label}: no positive evidence`, maps };
}

function safeName(id: string): string {
  return id.replace(/[^A-Za-z0-9._-]+/g, '_');
}

function round4(v: number): number {
  return Math.round(v * 1e4) / 1e4;
}
