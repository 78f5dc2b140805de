import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { createLogger } from '../src/core/logger.ts';
import { SeededRandom } from '../src/core/random.ts';
import { createDataset } from '../src/data/dataset-registry.ts';
import { expandTrials } from '../src/experiments/expand-sweep.ts';
import { loadExperiment } from '../src/experiments/load-experiment.ts';
import { trialInputSpec } from '../src/experiments/trial-plan.ts';
import { inputShapes } from '../src/inputs/model-inputs.ts';
import type { Modality } from '../src/inputs/input-spec.ts';
import { withDefaultEncoders } from '../src/models/encoders/encoder-entries.ts';
import { FUSION_PRESETS } from '../src/models/fusion-entries.ts';
import { buildModel } from '../src/models/model-registry.ts';
import { compileInference } from '../src/models/inference/compile-inference.ts';
import { trainingSeed } from '../src/train/training-seed.ts';
import { adamOptimizer } from '../src/train/fused-adam.ts';
import { meanSoftmaxCrossEntropy } from '../src/train/softmax-cross-entropy.ts';
import { medianMs } from './median-time.ts';

/**
 * `npm run bench -- fusion-step`: the network an experiment file trains (by default `npm start`'s
 * and UTD-MHAD's joint fusion: FUSION_STEP_MODELS), built as a sweep builds it (same builder, input shapes, classes
 * and seed as its first fold), against its PyTorch twin (bench/fusion_step_torch.py, built from
 * the same spec), taking turns round by round: a training step at the batch size (Adam at the
 * file's learning rate, softmax cross-entropy as src/train/fit.ts, on pre-built random inputs),
 * batch-1 inference latency (p50, p99), and per branch (each encoder, each pooling, the head) a
 * training step and a batch-1 forward. Ratios: training ours/torch samples/s, latency torch/ours
 * ms, so > 1 means we are faster.
 */
const log = createLogger('bench:fusion-step');

export const TWIN_SCRIPT = fileURLToPath(new URL('./fusion_step_torch.py', import.meta.url));

const UTD_MHAD_ROOT = '../shared/data/utd-mhad-s1-s4';

/** The networks timed by name: an experiment file's first trial, with --set overrides. */
export const FUSION_STEP_MODELS: Record<string, { experiment: string; set: string[]; needs?: string }> = {
  // `npm start`'s fused attention-LSTM: video key frames + optical flow + a wrist IMU, synthetic set.
  quickstart: { experiment: 'experiments/quickstart.yaml', set: [] },
  // The best network of the accuracy-on-real-data issue: joint fusion of temporal CNNs on the IMU
  // and the skeleton with a classifier per modality (utd-mhad.yaml's joint-fusion ablation).
  'utd-mhad-joint': {
    experiment: 'experiments/utd-mhad.yaml',
    set: [`dataset.root=${UTD_MHAD_ROOT}`, 'model.auxiliaryLoss=0.5'],
    needs: UTD_MHAD_ROOT,
  },
};

/**
 * Each named model (or the one experiment file given) in turn; a model whose data is not on
 * disk (its shapes and classes come from the data set) is skipped with a note.
 */
export async function benchFusionSteps(
  args: Omit<FusionStepArgs, 'experiment' | 'set'> & { models: string[]; experiment?: string; set: string[] },
) {
  const targets =
    args.experiment !== undefined
      ? [{ name: args.experiment, experiment: args.experiment, set: args.set, needs: undefined }]
      : args.models.map((name) => {
          const model = FUSION_STEP_MODELS[name];
          if (model === undefined)
            throw new Error(`fusion-step: no model '${name}'; known: ${Object.keys(FUSION_STEP_MODELS).join(', ')}`);
          return { name, ...model, set: [...model.set, ...args.set] };
        });
  const models = [];
  for (const t of targets) {
    if (t.needs !== undefined && !existsSync(t.needs)) {
      log.warn(`${t.name} skipped: ${t.needs} is not there`);
      models.push({ name: t.name, skipped: `${t.needs} is not there` });
      continue;
    }
    log.info(`${t.name}: ${t.experiment}${t.set.map((s) => ` --set ${s}`).join('')}`);
    models.push({ name: t.name, ...(await benchFusionStep({ ...args, experiment: t.experiment, set: t.set })) });
  }
  return { impl: `motionfuse tfjs-${tf.version.tfjs} ${args.kernels}`, models };
}

export interface FusionStepArgs {
  experiment: string;
  set: string[];
  rounds: number;
  /** Training seconds per round and side; inference is timed for half of it. */
  seconds: number;
  /** Warm-up seconds of training steps before timing, both sides (3 steps at least). */
  warmup: number;
  /** Timed repetitions per branch (median). */
  repeats: number;
  python: string;
  layout: 'nhwc' | 'nchw';
  kernels: string;
}

interface BranchCost {
  params: number;
  train_ms: number;
  infer_ms: number;
  /** Ours: which batch-1 forward ran. */
  predictor?: string;
}

/** One side's figures in one round (ours, or the twin's JSON line). */
interface SideResult {
  impl?: string;
  params: number;
  train_step_ms: number;
  train_samples_per_s: number;
  infer_p50_ms: number;
  infer_p99_ms: number;
  branches: Record<string, BranchCost>;
}

interface Branch {
  name: string;
  /** The network's layers, in order (a chain); the branch's model is built of copies of them. */
  layers: tf.layers.Layer[];
  inputShape: number[];
  /** Whether the input's gradient is computed: not for an encoder, whose input is the data. */
  gradIn: boolean;
}

export async function benchFusionStep(args: FusionStepArgs) {
  const net = await experimentNetwork(args.experiment, args.set);
  const { model, batch } = net;
  const rng = new SeededRandom(0);
  const random = (shape: number[]) =>
    tf.tensor(
      Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal()),
      shape,
    );
  const xs = net.inputShapes.map((s) => random([batch, ...s]));
  const x1 = xs.map((x) => tf.slice(x, 0, 1));
  const labels = Array.from({ length: batch }, () => rng.int(0, net.classes - 1));
  const ys = tf.tidy(() => tf.oneHot(tf.tensor1d(labels, 'int32'), net.classes)) as tf.Tensor2D;
  let branches: Branch[] = [];
  let branchNote: string | undefined;
  try {
    branches = branchesOf(model, net.modalities);
  } catch (err) {
    branchNote = `no per-branch timing: ${(err as Error).message}`;
    log.warn(branchNote);
  }
  const branchModels = branches.map((b) => branchModel(b, batch, random));
  const params = countParams(model.trainableWeights);
  const twin = twinAvailable(args.python);
  if (!twin.ok) log.warn(`no PyTorch twin: ${twin.reason}; timing ours alone`);

  let predictor = '';
  const ours = async (): Promise<SideResult> => {
    const train = await timeTraining(model, xs, ys, net.learningRate, net.lossWeights, args.seconds, args.warmup);
    // Compiled after training: a compiled forward holds a snapshot of the weights.
    const forward = batchOneForward(model, x1);
    predictor = forward.predictor;
    const latency = timeLatency(forward.run, args.seconds / 2);
    const costs: Record<string, BranchCost> = {};
    for (const b of branchModels) costs[b.name] = b.time(args.repeats);
    return {
      params,
      train_step_ms: round3(train.ms / train.steps),
      train_samples_per_s: Number(((train.steps * batch * 1000) / train.ms).toFixed(1)),
      ...latency,
      branches: costs,
    };
  };

  const rounds: { round: number; ours: SideResult; torch?: SideResult; ratios?: Ratios }[] = [];
  for (let r = 1; r <= args.rounds; r++) {
    const torch = twin.ok ? runTwin(args, net.twinSpec) : undefined;
    const mine = await ours();
    const ratios = torch === undefined ? undefined : ratiosOf(mine, torch);
    rounds.push({ round: r, ours: mine, ...(torch === undefined ? {} : { torch, ratios }) });
    log.info(
      ratios === undefined
        ? `round ${r}: train ${mine.train_samples_per_s} samples/s, infer p50 ${mine.infer_p50_ms} ms, p99 ${mine.infer_p99_ms} ms`
        : `round ${r}: train ${ratios.train}x torch, infer p50 ${ratios.infer_p50}x torch speed, p99 ${ratios.infer_p99}x; ` +
            Object.entries(ratios.branches)
              .map(([name, b]) => `${name} train ${b.train}x infer ${b.infer}x`)
              .join(', '),
    );
  }
  tf.dispose([...xs, ...x1, ys]);
  for (const b of branchModels) b.dispose();
  model.dispose();
  const withTwin = rounds.flatMap((r) => (r.ratios === undefined ? [] : [r.ratios]));
  const worst = (k: 'train' | 'infer_p50' | 'infer_p99') => Math.min(...withTwin.map((r) => r[k]));
  const first = rounds[0]?.torch;
  // Equal trainable parameter counts, in all and per branch: a mismatch means the twin is not a twin.
  const mismatched =
    first === undefined
      ? []
      : [
          ...(first.params === params ? [] : [`all: ours ${params}, torch ${first.params}`]),
          ...Object.entries(rounds[0]?.ours.branches ?? {}).flatMap(([name, b]) =>
            first.branches[name]?.params === b.params
              ? []
              : [`${name}: ours ${b.params}, torch ${first.branches[name]?.params ?? 'none'}`],
          ),
        ];
  if (mismatched.length > 0) log.warn(`the twin's trainable parameters differ (${mismatched.join('; ')})`);
  return {
    experiment: args.experiment,
    set: args.set,
    model: net.label,
    predictor,
    batch,
    inputs: Object.fromEntries(net.modalities.map((m, i) => [m, net.inputShapes[i]])),
    params: { ours: params, torch: first?.params ?? null, match: first === undefined ? null : mismatched.length === 0 },
    twin: first === undefined ? null : `${first.impl ?? 'pytorch'}, ${args.layout}`,
    ...(twin.ok ? {} : { note: `no PyTorch twin (${twin.reason}): ours alone` }),
    ...(branchNote === undefined ? {} : { branch_note: branchNote }),
    rounds,
    ...(withTwin.length === 0
      ? {}
      : { worst: { train: worst('train'), infer_p50: worst('infer_p50'), infer_p99: worst('infer_p99') } }),
  };
}

/** The first trial's network of an experiment file, built as cross-validation builds it for fold 0. */
export async function experimentNetwork(file: string, set: string[]) {
  const loaded = await loadExperiment(file, { set });
  const trial = expandTrials(loaded, { sweep: false })[0];
  if (trial === undefined) throw new Error(`fusion-step: ${file} has no trial`);
  const experiment = trial.experiment;
  const recipe = buildModel(experiment.model);
  if (recipe.kind !== 'network') throw new Error(`fusion-step: ${experiment.model.type} is not a network`);
  const spec = trialInputSpec(experiment);
  const shapes = inputShapes(spec);
  const classes = (await createDataset(experiment.dataset)).classes.length;
  const model = await recipe.build(shapes, classes, trainingSeed(experiment.seed, 0), spec);
  const modalities = model.inputLayers.map((input) => input.name as Modality);
  const { type, ...options } = experiment.model as { type: string } & Record<string, unknown>;
  const preset = (FUSION_PRESETS as Record<string, { fusion: string } | undefined>)[type];
  const batch = experiment.train.batchSize;
  return {
    model,
    modalities,
    inputShapes: modalities.map((m) => shapes[m] as number[]),
    classes,
    batch,
    learningRate: experiment.train.learningRate,
    lossWeights: recipe.lossWeights,
    label: `${experiment.name}: ${type} (${recipe.modalities.join(' + ')})`,
    // What the twin builds: the model's options, its modalities and pooling, the shapes.
    twinSpec: {
      ...options,
      modalities: recipe.modalities,
      fusion: preset?.fusion ?? options['fusion'],
      heads: type === 'late-fusion' ? 'late' : 'joint',
      auxiliaryLoss: options['auxiliaryLoss'] ?? 0,
      encoders: withDefaultEncoders(recipe.modalities, (options['encoders'] ?? {}) as never),
      shapes,
      classes,
      batch,
      learningRate: experiment.train.learningRate,
      lossWeights: recipe.lossWeights ?? null,
    },
  };
}

/** Timed training steps at least, on both sides, however few fit in the seconds. */
const MIN_STEPS = 5;

/**
 * Adam steps on one batch, as trainModel takes them (minimize, then the loss read back), for
 * `seconds` (and MIN_STEPS at least) after warm-up steps for `warmup` seconds (3 steps at least; the
 * twin warms up alike): 3 steps of a 15 ms network leave V8's JIT short of its steady state.
 */
async function timeTraining(
  model: tf.LayersModel,
  xs: tf.Tensor[],
  ys: tf.Tensor2D,
  learningRate: number,
  lossWeights: readonly number[] | undefined,
  seconds: number,
  warmup: number,
): Promise<{ steps: number; ms: number }> {
  const optimizer = adamOptimizer(learningRate);
  const step = async () => {
    const loss = optimizer.minimize(() => {
      const out = model.apply(xs, { training: true }) as tf.Tensor | tf.Tensor[];
      if (!Array.isArray(out)) return meanSoftmaxCrossEntropy(ys, out);
      const weights = lossWeights ?? [];
      return tf.addN(
        out.flatMap((o, i) =>
          (weights[i] ?? 0) > 0 ? [tf.mul(meanSoftmaxCrossEntropy(ys, o), weights[i] as number)] : [],
        ),
      ) as tf.Scalar;
    }, true) as tf.Scalar;
    await loss.data();
    loss.dispose();
  };
  const warmStart = performance.now();
  for (let warm = 0; warm < 3 || performance.now() - warmStart < warmup * 1000; warm++) await step();
  let steps = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < seconds * 1000 || steps < MIN_STEPS) {
    await step();
    steps++;
  }
  const ms = performance.now() - t0;
  optimizer.dispose();
  return { steps, ms };
}

/**
 * The batch-1 forward as live recognition runs it: the compiled inference plan
 * (src/models/inference) when the model compiles, else model.predict (the reason is kept).
 */
function batchOneForward(model: tf.LayersModel, x1: tf.Tensor[]): { predictor: string; run: () => void } {
  const { compiled, reason } = compileInference(model, { batch: 1 });
  if (compiled !== undefined) {
    const inputs = x1.map((x) => x.dataSync() as Float32Array);
    return { predictor: 'compileInference', run: () => void compiled.predict(inputs) };
  }
  return {
    predictor: `model.predict (not compiled: ${reason})`,
    run: () => {
      const out = model.predict(x1) as tf.Tensor | tf.Tensor[];
      (Array.isArray(out) ? (out[0] as tf.Tensor) : out).dataSync();
      tf.dispose(out);
    },
  };
}

/** Batch-1 latency as torch_reference.py times it: 10 warm-up calls, then every call for `seconds`. */
function timeLatency(run: () => void, seconds: number): { infer_p50_ms: number; infer_p99_ms: number } {
  for (let i = 0; i < 10; i++) run();
  const lat: number[] = [];
  const end = performance.now() + seconds * 1000;
  while (performance.now() < end) {
    const t = performance.now();
    run();
    lat.push(performance.now() - t);
  }
  lat.sort((a, b) => a - b);
  return {
    infer_p50_ms: round3(lat[Math.floor(lat.length / 2)] as number),
    infer_p99_ms: round3(lat[Math.floor(lat.length * 0.99)] as number),
  };
}

/**
 * The branches of a fusion network with built-in encoders: per modality its encoder (input to
 * the layer before its pooling) and its pooling ('attention-lstm': `<m>_lstm_bn` to
 * `<m>_attention`; 'concat', or an encoder that ends in its own mean over time as `tcn`:
 * `<m>_mean`), then the head (after the concatenation to the first output's logits; auxiliary
 * heads are not timed apart). Throws for other shapes (a residual encoder's branches join).
 */
function branchesOf(model: tf.LayersModel, modalities: readonly Modality[]): Branch[] {
  const chainTo = (last: tf.layers.Layer, stop: (l: tf.layers.Layer) => boolean): tf.layers.Layer[] => {
    const out: tf.layers.Layer[] = [];
    let layer: tf.layers.Layer | undefined = last;
    while (layer !== undefined && !stop(layer)) {
      out.unshift(layer);
      const inbound: tf.layers.Layer[] = layer.inboundNodes[0]?.inboundLayers ?? [];
      if (inbound.length !== 1) throw new Error(`fusion-step: ${layer.name} is not in a chain of single-input layers`);
      layer = inbound[0];
    }
    return out;
  };
  const has = (name: string) => model.layers.some((l) => l.name === name);
  const shapeOf = (layer: tf.layers.Layer) => {
    const s = layer.inboundNodes[0]?.inputShapes ?? [];
    return ((Array.isArray(s[0]) ? s[0] : s) as number[]).slice(1);
  };
  const pooled: string[] = [];
  const branches: Branch[] = [];
  for (const m of modalities) {
    const [first, last] = has(`${m}_attention`) ? [`${m}_lstm_bn`, `${m}_attention`] : [`${m}_mean`, `${m}_mean`];
    const pool = chainTo(
      model.getLayer(last),
      (l) => l.name === (model.getLayer(first).inboundNodes[0]?.inboundLayers[0]?.name ?? ''),
    );
    const encoder = chainTo(pool[0]?.inboundNodes[0]?.inboundLayers[0] as tf.layers.Layer, (l) => l.name === m);
    branches.push({
      name: `${m}_encoder`,
      layers: encoder,
      inputShape: shapeOf(encoder[0] as tf.layers.Layer),
      gradIn: false,
    });
    branches.push({ name: `${m}_pool`, layers: pool, inputShape: shapeOf(pool[0] as tf.layers.Layer), gradIn: true });
    pooled.push(last);
  }
  const output = model.outputs[0]?.sourceLayer as tf.layers.Layer;
  const head = chainTo(output, (l) => l.name === 'fuse' || pooled.includes(l.name));
  branches.push({ name: 'head', layers: head, inputShape: shapeOf(head[0] as tf.layers.Layer), gradIn: true });
  return branches;
}

/**
 * A branch as a model of its own, of copies of the network's layers (their config and weights:
 * the network's own layers stay applied once, so its forward still compiles), and its timing: a training step at the batch (forward, gradients of its weights
 * and, past an encoder, of its input) and a batch-1 forward, in ms, median of `repeats`.
 */
function branchModel(branch: Branch, batch: number, random: (shape: number[]) => tf.Tensor) {
  const input = tf.input({ shape: branch.inputShape });
  let y: tf.SymbolicTensor = input;
  for (const layer of branch.layers) {
    const entry = tf.serialization.SerializationMap.getMap().classNameMap[layer.getClassName()];
    if (entry === undefined)
      throw new Error(`fusion-step: ${layer.getClassName()} is not registered for serialization`);
    const copy = entry[1](entry[0], layer.getConfig()) as unknown as tf.layers.Layer;
    y = copy.apply(y) as tf.SymbolicTensor;
    copy.setWeights(layer.getWeights());
  }
  const sub = tf.model({ inputs: input, outputs: y });
  const params = countParams(branch.layers.flatMap((l) => l.trainableWeights));
  return {
    name: branch.name,
    dispose: () => sub.dispose(),
    time(repeats: number): BranchCost {
      const x = random([batch, ...branch.inputShape]);
      const x1 = tf.slice(x, 0, 1);
      const r = random(y.shape.map((d) => d ?? batch));
      const xVar = branch.gradIn ? tf.variable(x, true) : undefined;
      const vars = [...(xVar === undefined ? [] : [xVar]), ...sub.trainableWeights.map((w) => w.read() as tf.Variable)];
      const train = () => {
        const { value, grads } = tf.variableGrads(
          () => tf.sum(tf.mul(sub.apply(xVar ?? x, { training: true }) as tf.Tensor, r)) as tf.Scalar,
          vars,
        );
        // Reading a gradient back waits for the work (as reading the loss does in training).
        (Object.values(grads)[0] as tf.Tensor).dataSync();
        tf.dispose([value, ...Object.values(grads)]);
      };
      const train_ms = medianMs(train, repeats);
      const forward = batchOneForward(sub, [x1]);
      const cost = { params, train_ms, infer_ms: medianMs(forward.run, repeats * 4), predictor: forward.predictor };
      tf.dispose([x, x1, r, ...(xVar === undefined ? [] : [xVar])]);
      return cost;
    },
  };
}

interface Ratios {
  train: number;
  infer_p50: number;
  infer_p99: number;
  branches: Record<string, { train: number; infer: number }>;
}

/** Training: ours/torch samples/s; latency: torch/ours ms: > 1 means we are faster. */
function ratiosOf(ours: SideResult, torch: SideResult): Ratios {
  return {
    train: round3(ours.train_samples_per_s / torch.train_samples_per_s),
    infer_p50: round3(torch.infer_p50_ms / ours.infer_p50_ms),
    infer_p99: round3(torch.infer_p99_ms / ours.infer_p99_ms),
    branches: Object.fromEntries(
      Object.entries(ours.branches).flatMap(([name, b]) => {
        const t = torch.branches[name];
        return t === undefined
          ? []
          : [[name, { train: round3(t.train_ms / b.train_ms), infer: round3(t.infer_ms / b.infer_ms) }]];
      }),
    ),
  };
}

export function twinAvailable(python: string): { ok: true } | { ok: false; reason: string } {
  const probe = spawnSync(python, ['-c', 'import torch'], { encoding: 'utf8' });
  if (probe.error !== undefined) return { ok: false, reason: `${python}: ${probe.error.message}` };
  if (probe.status !== 0) return { ok: false, reason: `${python} cannot import torch (apt-get install python3-torch)` };
  return { ok: true };
}

/** Trainable parameters of a fusion network, in all and per branch (as the twin's --params-only prints them). */
export function networkParams(
  model: tf.LayersModel,
  modalities: readonly Modality[],
): { params: number; branches: Record<string, { params: number }> } {
  return {
    params: countParams(model.trainableWeights),
    branches: Object.fromEntries(
      branchesOf(model, modalities).map((b) => [
        b.name,
        { params: countParams(b.layers.flatMap((l) => l.trainableWeights)) },
      ]),
    ),
  };
}

/** The twin's trainable parameters, in all and per branch, for `spec` (twinSpec of experimentNetwork). */
export function twinParams(
  python: string,
  spec: object,
): { params: number; branches: Record<string, { params: number }> } {
  const run = spawnSync(python, [TWIN_SCRIPT, '--spec', JSON.stringify(spec), '--params-only'], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`fusion-step: the PyTorch twin failed (exit ${run.status}):\n${run.stderr}`);
  return JSON.parse(run.stdout.trim().split('\n').pop() ?? '') as ReturnType<typeof twinParams>;
}

function countParams(weights: readonly tf.LayerVariable[]): number {
  return weights.reduce((n, w) => n + w.shape.reduce((a: number, b) => a * (b ?? 1), 1), 0);
}

/** One run of the twin (OpenBLAS on one thread, PyTorch on 2, as ../shared/bench/compare.sh): its JSON line. */
function runTwin(args: FusionStepArgs, spec: object): SideResult {
  const run = spawnSync(
    args.python,
    [
      TWIN_SCRIPT,
      '--spec',
      JSON.stringify(spec),
      '--threads',
      '2',
      '--seconds',
      String(args.seconds),
      '--warmup',
      String(args.warmup),
      '--repeats',
      String(args.repeats),
      '--layout',
      args.layout,
    ],
    { encoding: 'utf8', env: { ...process.env, OPENBLAS_NUM_THREADS: '1' }, maxBuffer: 1 << 24 },
  );
  if (run.status !== 0) throw new Error(`fusion-step: the PyTorch twin failed (exit ${run.status}):\n${run.stderr}`);
  const last = run.stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(last) as SideResult;
}

function round3(x: number): number {
  return Number(x.toFixed(3));
}
