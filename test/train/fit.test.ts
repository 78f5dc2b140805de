import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { selectBackend } from '../../src/backend/select-backend.ts';
import { setLogLevel } from '../../src/core/logger.ts';
import { buildFusionNetwork } from '../../src/models/fusion-network.ts';
import { DEFAULT_FUSION_SPEC } from '../../src/models/fusion-network-spec.ts';
import type { InputPipeline } from '../../src/train/batches.ts';
import { learningRateAt, predictProbabilities, trainModel } from '../../src/train/fit.ts';
import { PAPER_TRAINING } from '../../src/train/paper-training.ts';
import { emptyInputSet, inputShapes } from '../../src/inputs/model-inputs.ts';
import { type InputSet, type InputSpec } from '../../src/inputs/input-spec.ts';
import { loadTrainedModel, saveTrainedModel } from '../../src/train/model-store.ts';
import { fitStandardiser } from '../../src/train/standardiser.ts';

/** The training loop on small generated data: schedule, learning, early stopping, reproducibility, save/load. */
const spec: InputSpec = { imu: { placements: ['wrist'], rate: 20, window: 1 } };
const shapes = inputShapes(spec);

/** Class 0 is a slow sine on every channel, class 1 a fast one; `flip` swaps the labels. */
function toySet(n: number, flip = false): InputSet {
  const set = emptyInputSet(spec, n);
  for (let i = 0; i < n; i++) {
    const cls = i % 2;
    set.labels[i] = flip ? 1 - cls : cls;
    set.ids[i] = `x${i}`;
    set.subjects[i] = `S${i % 5}`;
    // Seven input channels per placement: six signals and the coverage mask (all covered).
    for (let t = 0; t < 20; t++) {
      for (let c = 0; c < 6; c++)
        set.imu!.data[(i * 20 + t) * 7 + c] = Math.sin((t + i) * (cls === 0 ? 0.3 : 1.3) + c) * (1 + c);
      set.imu!.data[(i * 20 + t) * 7 + 6] = 1;
    }
  }
  return set;
}
const rows = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);
const pipelineFor = (set: InputSet, train: number[]): InputPipeline => ({
  modalities: ['imu'],
  standardisers: { imu: fitStandardiser({ data: set.imu!.data, shape: set.imu!.shape }, train) },
});
const model = (seed = 3) =>
  buildFusionNetwork({ ...DEFAULT_FUSION_SPEC, modalities: ['imu'], lstmUnits: 8, imuFilters: [8] }, shapes, 2, seed);

const Fit = suite('training loop');
Fit.before(async () => {
  setLogLevel('warn');
  await selectBackend('wasm');
});

Fit('the step-decay schedule halves the rate every 10 epochs', () => {
  assert.equal(
    [0, 9, 10, 19, 20, 35].map((e) => learningRateAt(e, PAPER_TRAINING)),
    [0.001, 0.001, 0.0005, 0.0005, 0.00025, 0.000125],
  );
});

Fit('learns a separable problem; the same seed gives the same weights', async () => {
  const set = toySet(64);
  const train = rows(0, 48);
  const pipeline = pipelineFor(set, train);
  const weights: Float32Array[][] = [];
  for (let run = 0; run < 2; run++) {
    const m = model();
    const result = await trainModel(m, set, { train, validation: rows(48, 64) }, pipeline, 2, {
      ...PAPER_TRAINING,
      epochs: 15,
      learningRate: 0.01,
      seed: 5,
    });
    const last = result.history[result.history.length - 1]!;
    assert.ok(last.loss < result.history[0]!.loss, `loss fell: ${result.history[0]!.loss} -> ${last.loss}`);
    assert.ok(
      (result.history[result.bestEpoch - 1]!.valAccuracy ?? 0) > 0.9,
      `validation accuracy ${result.history[result.bestEpoch - 1]!.valAccuracy}`,
    );
    weights.push(m.getWeights().map((w) => w.dataSync() as Float32Array));
    m.dispose();
  }
  weights[0]!.forEach((w, i) =>
    assert.equal(Array.from(w), Array.from(weights[1]![i]!), `weight ${i} differs between runs`),
  );
});

Fit(
  'per-batch augmentation sees each training batch once, never validation, and leaves the batch order alone',
  async () => {
    const set = toySet(40);
    const train = rows(0, 30);
    const options = { ...PAPER_TRAINING, epochs: 2, batchSize: 8, learningRate: 0.01, seed: 3 };
    const plain = pipelineFor(set, train);
    const calls: number[] = [];
    // A no-op that records its batch sizes: training must then be exactly the plain one.
    const recording: InputPipeline = { ...plain, augment: { imu: (_values, rowCount) => void calls.push(rowCount) } };
    const weights: Float32Array[][] = [];
    for (const pipeline of [plain, recording]) {
      const m = model();
      await trainModel(m, set, { train, validation: rows(30, 40) }, pipeline, 2, options);
      weights.push(m.getWeights().map((w) => w.dataSync() as Float32Array));
      m.dispose();
    }
    // 30 training rows in batches of 8: 8, 8, 8, 6 per epoch; the 10 validation rows never.
    assert.equal(calls, [8, 8, 8, 6, 8, 8, 8, 6]);
    weights[0]!.forEach((w, i) => assert.equal(Array.from(w), Array.from(weights[1]![i]!), `weight ${i}`));
  },
);

Fit(
  'early stopping stops after `patience` epochs without a lower validation loss and restores the best weights',
  async () => {
    // Validation labels are the opposite of the training labels: the better the model learns, the
    // worse its validation loss, so the best epoch is the first.
    const set = toySet(64);
    const flipped = toySet(64, true);
    for (let i = 48; i < 64; i++) set.labels[i] = flipped.labels[i]!;
    const train = rows(0, 48);
    const validation = rows(48, 64);
    const pipeline = pipelineFor(set, train);
    const m = model();
    const result = await trainModel(m, set, { train, validation }, pipeline, 2, {
      ...PAPER_TRAINING,
      epochs: 40,
      learningRate: 0.01,
      patience: 4,
      seed: 1,
    });
    assert.ok(result.stoppedEarly);
    assert.is(result.history.length, result.bestEpoch + 4);
    const probs = await predictProbabilities(m, set, validation, pipeline);
    let loss = 0;
    validation.forEach((r, i) => {
      loss -= Math.log(probs[i * 2 + set.labels[r]!]!);
    });
    assert.ok(
      Math.abs(loss / validation.length - result.history[result.bestEpoch - 1]!.valLoss!) < 1e-4,
      "the model holds the best epoch's weights",
    );
    assert.ok(result.history[result.history.length - 1]!.valLoss! > result.history[result.bestEpoch - 1]!.valLoss!);
    m.dispose();
  },
);

Fit('a saved model loads back with its preprocessing and predicts identically', async () => {
  const tensorsBefore = tf.memory().numTensors; // other suites in this process may hold some
  const set = toySet(32);
  const train = rows(0, 24);
  const pipeline = pipelineFor(set, train);
  const m = model();
  await trainModel(m, set, { train, validation: [] }, pipeline, 2, { ...PAPER_TRAINING, epochs: 2, seed: 2 });
  const dir = await mkdtemp(join(tmpdir(), 'motionfuse-model-'));
  try {
    await saveTrainedModel(dir, { model: m, classes: ['slow', 'fast'], inputs: spec, pipeline });
    const back = await loadTrainedModel(dir);
    assert.equal(back.classes, ['slow', 'fast']);
    assert.equal(back.inputs, spec);
    assert.equal(Array.from(back.pipeline.standardisers.imu!.mean), Array.from(pipeline.standardisers.imu!.mean));
    const before = await predictProbabilities(m, set, rows(24, 32), pipeline);
    const after = await predictProbabilities(back.model, set, rows(24, 32), back.pipeline);
    assert.equal(Array.from(after), Array.from(before));
    back.model.dispose();
  } finally {
    m.dispose();
    await rm(dir, { recursive: true, force: true });
  }
  assert.is(tf.memory().numTensors, tensorsBefore, 'nothing left behind');
});

Fit('standardisers see the training rows only', () => {
  const set = toySet(20);
  const train = rows(0, 10);
  const a = fitStandardiser({ data: set.imu!.data, shape: set.imu!.shape }, train);
  for (let k = 10 * 140; k < set.imu!.data.length; k++) set.imu!.data[k] = 1e6; // the test rows change wildly
  const b = fitStandardiser({ data: set.imu!.data, shape: set.imu!.shape }, train);
  assert.equal(Array.from(a.mean), Array.from(b.mean));
  assert.equal(Array.from(a.std), Array.from(b.std));
});

Fit.run();
