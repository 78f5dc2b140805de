/// <reference lib="dom" />
// The page of `motionfuse serve`, bundled by esbuild for the browser (bundle-page.ts). It runs the
// same preprocessing code as Node: the IMU input builder (src/inputs/imu-input.ts), the model's
// input tensors with its standardisers (src/train/batches.ts), the XDF parser and the custom layers.
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import type { Sample } from '../../core/sample.ts';
import type { ImuStream, Placement } from '../../core/stream.ts';
import { parseXdf } from '../../formats/xdf/xdf-reader.ts';
import { imuInput } from '../../inputs/imu-input.ts';
import type { InputSet, InputSpec, Modality } from '../../inputs/input-spec.ts';
import '../../models/layers/register-layers.ts';
import { inputTensors, type InputPipeline } from '../../train/batches.ts';
import type { Preprocessing } from '../../train/model-store.ts';

interface Loaded {
  url: string;
  model: tf.LayersModel;
  classes: string[];
  inputs: InputSpec;
  pipeline: InputPipeline;
}

/** A stream as the page is handed it (plain arrays: from JSON, or from an XDF file). */
export interface PageImuStream {
  t: ArrayLike<number>;
  data: ArrayLike<number>;
  placement: Placement;
  sensorId?: string;
  rate?: number;
}

let loaded: Loaded | undefined;

async function setBackend(name: string): Promise<string> {
  if (name === 'wasm') setWasmPaths('/wasm/');
  if (!(await tf.setBackend(name))) throw new Error(`backend ${name} did not initialise here`);
  await tf.ready();
  return tf.getBackend();
}

/** Loads a model folder served at `url` (model.json beside preprocessing.json). */
async function load(url: string): Promise<{ classes: string[]; modalities: Modality[]; backend: string }> {
  loaded?.model.dispose();
  const base = url.replace(/\/$/, '');
  const model = await tf.loadLayersModel(`${base}/model.json`);
  const pre = (await (await fetch(`${base}/preprocessing.json`)).json()) as Preprocessing;
  const pipeline: InputPipeline = { modalities: pre.modalities, standardisers: {} };
  for (const [m, s] of Object.entries(pre.standardisers))
    pipeline.standardisers[m as Modality] = { mean: Float32Array.from(s.mean), std: Float32Array.from(s.std) };
  loaded = { url: base, model, classes: pre.classes, inputs: pre.inputs, pipeline };
  return { classes: pre.classes, modalities: pre.modalities, backend: tf.getBackend() };
}

function current(): Loaded {
  if (loaded === undefined) throw new Error('no model loaded');
  return loaded;
}

/** One sample's InputSet row, built by the shared input code; only IMU inputs can be built in the page. */
function inputSetOf(sample: Sample, l: Loaded): InputSet {
  const other = l.pipeline.modalities.filter((m) => m !== 'imu');
  if (other.length > 0 || l.inputs.imu === undefined)
    throw new Error(`the page builds IMU inputs only; this model also needs ${other.join(', ')}`);
  const data = imuInput(sample, l.inputs.imu);
  const steps = Math.round(l.inputs.imu.window * l.inputs.imu.rate);
  return {
    imu: { data, shape: [steps, data.length / steps] },
    labels: new Int32Array(1),
    ids: [sample.id],
    subjects: [sample.id],
    count: 1,
  };
}

function predict(set: InputSet, l: Loaded): number[] {
  const xs = inputTensors(set, [0], l.pipeline);
  const probs = tf.tidy(() => {
    const out = l.model.predict(xs) as tf.Tensor | tf.Tensor[];
    return tf.softmax(Array.isArray(out) ? (out[0] as tf.Tensor) : out);
  });
  const values = Array.from(probs.dataSync());
  tf.dispose([...xs, probs]);
  return values;
}

function sampleOf(id: string, streams: readonly PageImuStream[]): Sample {
  return {
    id,
    label: '',
    streams: streams.map((s, i): ImuStream => ({
      kind: 'imu',
      t: Float64Array.from(s.t),
      data: Float32Array.from(s.data),
      placement: s.placement,
      sensorId: s.sensorId ?? `stream-${i}`,
      rate: s.rate ?? 0,
      meta: {},
    })),
  } as unknown as Sample;
}

/** Class probabilities of one take given as IMU streams (the same call Node makes on the same streams). */
function classifyStreams(streams: readonly PageImuStream[]): number[] {
  const l = current();
  return predict(inputSetOf(sampleOf('take', streams), l), l);
}

/**
 * A recorded session (session.xdf bytes; placements by stream name from session.json) classified
 * window by window: the model's window, half a window apart, over the span every stream the model
 * reads covers, on the host clock (each IMU sample's device time plus the ClockOffset measured
 * nearest to it, the session layout's convention; after a device clock reset the nearest offset
 * is the new one).
 */
function classifySession(
  xdf: ArrayBuffer | number[],
  placements: Record<string, Placement>,
): { start: number; label: string; probability: number }[] {
  const l = current();
  const spec = l.inputs.imu;
  if (spec === undefined) throw new Error('the model takes no IMU input');
  // A Buffer (the `buffer` package's in the page): its equals() takes Buffers only, unlike Node's.
  const bytes = xdf instanceof ArrayBuffer ? Buffer.from(new Uint8Array(xdf)) : Buffer.from(xdf);
  const file = parseXdf(bytes, 'session.xdf');
  const wanted = new Set<string>(spec.placements);
  // A stream whose placement session.json does not give cannot stand for a placement the model reads.
  const streams: PageImuStream[] = file.streams
    .filter((s) => s.info.type === 'IMU' && placements[s.info.name] !== undefined)
    .filter((s) => wanted.has('any') || wanted.has(placements[s.info.name]!))
    .map((s) => ({
      t: s.timestamps.map((t) => t + nearestOffset(s.clockOffsets, t)),
      data: Float32Array.from(s.values as ArrayLike<number>),
      placement: placements[s.info.name]!,
      sensorId: s.info.name,
      rate: s.info.nominalSrate,
    }));
  if (streams.length === 0)
    throw new Error(`session.xdf has no IMU stream at ${spec.placements.join(', ')}: choose its session.json with it`);
  const t0 = Math.max(...streams.map((s) => s.t[0] ?? 0));
  const t1 = Math.min(...streams.map((s) => s.t[s.t.length - 1] ?? 0));
  const out: { start: number; label: string; probability: number }[] = [];
  for (let k = 0; t0 + (k * spec.window) / 2 + spec.window <= t1 + 1e-9; k++) {
    const start = t0 + (k * spec.window) / 2;
    const windowed = streams.map((s) => {
      const t = Array.from(s.t);
      const from = t.findIndex((v) => v >= start);
      let to = t.findIndex((v) => v > start + spec.window);
      if (to < 0) to = t.length;
      return { ...s, t: t.slice(from, to), data: Array.from(s.data).slice(from * 6, to * 6) };
    });
    const probs = predict(inputSetOf(sampleOf(`window@${start.toFixed(2)}`, windowed), l), l);
    const best = probs.indexOf(Math.max(...probs));
    out.push({ start: start - t0, label: l.classes[best] ?? '?', probability: probs[best] ?? 0 });
  }
  return out;
}

function nearestOffset(offsets: readonly { time: number; value: number }[], t: number): number {
  let best = 0;
  let distance = Number.POSITIVE_INFINITY;
  for (const o of offsets)
    if (Math.abs(o.time - t) < distance) {
      distance = Math.abs(o.time - t);
      best = o.value;
    }
  return best;
}

/** Batch-1 latency in this browser on the active backend, like the Node bench. */
async function benchmark(runs = 30, warmup = 5): Promise<{ backend: string; p50_ms: number; p99_ms: number }> {
  const l = current();
  const xs = l.model.inputs.map((input) => tf.zeros(input.shape.map((d) => d ?? 1)));
  const times: number[] = [];
  for (let i = 0; i < warmup + runs; i++) {
    const started = performance.now();
    const y = tf.tidy(() => {
      const out = l.model.predict(xs) as tf.Tensor | tf.Tensor[];
      return tf.softmax(Array.isArray(out) ? (out[0] as tf.Tensor) : out);
    });
    await y.data();
    y.dispose();
    if (i >= warmup) times.push(performance.now() - started);
  }
  tf.dispose(xs);
  times.sort((a, b) => a - b);
  const q = (p: number) => times[Math.min(times.length - 1, Math.round(p * (times.length - 1)))] as number;
  return { backend: tf.getBackend(), p50_ms: q(0.5), p99_ms: q(0.99) };
}

async function webglRenderer(): Promise<string> {
  const gl =
    document.createElement('canvas').getContext('webgl2') ?? document.createElement('canvas').getContext('webgl');
  if (gl === null) return 'no WebGL context';
  const info = gl.getExtension('WEBGL_debug_renderer_info');
  return String(gl.getParameter(info === null ? gl.RENDERER : info.UNMASKED_RENDERER_WEBGL));
}

const api = { setBackend, load, classifyStreams, classifySession, benchmark, webglRenderer, tf };
(window as unknown as { motionfuse: typeof api }).motionfuse = api;

// The page's own controls: pick a variant, then a session.xdf (and its session.json) to classify.
async function start(): Promise<void> {
  const status = document.getElementById('status')!;
  const select = document.getElementById('variant') as HTMLSelectElement;
  const models = (await (await fetch('/models.json')).json()) as { name: string; url: string }[];
  for (const m of models) select.add(new Option(m.name, m.url));
  const loadSelected = async () => {
    const info = await load(select.value);
    status.textContent = `loaded ${select.selectedOptions[0]?.text ?? ''} on ${info.backend}: ${info.modalities.join(' + ')} -> ${info.classes.length} classes`;
  };
  select.addEventListener('change', () => void loadSelected().catch((e) => (status.textContent = String(e))));
  const files = document.getElementById('session') as HTMLInputElement;
  files.addEventListener('change', async () => {
    try {
      const all = Array.from(files.files ?? []);
      const xdf = all.find((f) => f.name.endsWith('.xdf'));
      if (xdf === undefined) throw new Error('choose a session.xdf (and its session.json)');
      const json = all.find((f) => f.name.endsWith('.json'));
      const placements: Record<string, Placement> = {};
      if (json !== undefined) {
        const session = JSON.parse(await json.text()) as { sensors: { streamName: string; placement?: string }[] };
        for (const s of session.sensors)
          if (s.placement !== undefined) placements[s.streamName] = s.placement as Placement;
      }
      const rows = classifySession(await xdf.arrayBuffer(), placements);
      const table = document.getElementById('windows')!;
      table.innerHTML = '<tr><th>start (s)</th><th>class</th><th>probability</th></tr>';
      for (const r of rows) {
        const tr = document.createElement('tr');
        for (const c of [r.start.toFixed(2), r.label, r.probability.toFixed(3)])
          tr.appendChild(document.createElement('td')).textContent = c;
        table.appendChild(tr);
      }
      status.textContent = `${rows.length} windows classified`;
    } catch (e) {
      status.textContent = String(e);
    }
  });
  if (models.length > 0) await loadSelected();
  document.body.dataset.ready = 'true';
}
if (document.getElementById('variant') !== null)
  void start().catch((e) => (document.getElementById('status')!.textContent = String(e)));
