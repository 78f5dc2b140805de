import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs';
import { WASM_KERNEL_SETS, relativeError, useWasmKernelSet } from '../helpers/tf-backends.ts';
import { reloadedDifference, saveAndReload } from '../helpers/round-trip.ts';
import { registerWasmTrainingKernels } from '../../src/backend/wasm-kernels/register.ts';
import { SeededRandom } from '../../src/core/random.ts';
import { FastBatchNormalization } from '../../src/models/layers/fast-batch-normalization.ts';
import { MOVING_AVERAGES, movingAveragesConfig } from '../../src/backend/wasm-kernels/moving-averages.ts';

function randomTensor(rng: SeededRandom, shape: number[], mean = 0, std = 1): tf.Tensor {
  return tf.tensor(
    Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal(mean, std)),
    shape,
  );
}

/** Training-mode output, gradients of sum(out * r) for x, gamma and beta, and the moving statistics after. */
function trainingPass(layer: tf.layers.Layer, x: tf.Tensor, r: tf.Tensor): Float32Array[] {
  return tf.tidy(() => {
    const loss = (input: tf.Tensor) =>
      tf.sum(tf.mul(layer.apply(input, { training: true }) as tf.Tensor, r)) as tf.Scalar;
    const vars = layer.trainableWeights.map((w) => w.read() as tf.Variable);
    const { grads } = tf.variableGrads(() => loss(x), vars);
    const dx = tf.grad(loss)(x);
    const out = layer.apply(x, { training: true }) as tf.Tensor;
    // Three training calls so far: the moving statistics moved three times.
    const [, , movingMean, movingVariance] = layer.getWeights();
    return [out, dx, ...vars.map((v) => grads[v.name] as tf.Tensor), movingMean, movingVariance].map((t) =>
      Float32Array.from((t as tf.Tensor).dataSync()),
    );
  });
}

const VARIANTS = [
  ...WASM_KERNEL_SETS.map((set) => ({ backend: 'wasm' as const, set, label: `wasm, ${set} kernels` })),
  { backend: 'cpu' as const, set: undefined, label: 'cpu' },
];

for (const { backend, set, label } of VARIANTS) {
  const Bn = suite(`FastBatchNormalization on ${label}`);
  Bn.before(async () => {
    await tf.setBackend(backend);
    if (set !== undefined) useWasmKernelSet(set);
  });
  Bn.after(async () => {
    await tf.setBackend('wasm');
    registerWasmTrainingKernels();
  });

  Bn("gives tf.layers.batchNormalization's outputs, gradients and moving statistics", () => {
    const rng = new SeededRandom(1);
    // [batch, time, joints, channels] as in ST-GCN; off-centre and scaled, so the moments matter.
    const x = randomTensor(rng, [4, 3, 5, 6], 2, 3);
    const r = randomTensor(rng, [4, 3, 5, 6]);
    const ours = new FastBatchNormalization({ momentum: 0.9 });
    const stock = tf.layers.batchNormalization({ momentum: 0.9 });
    (ours.apply(x) as tf.Tensor).dispose();
    (stock.apply(x) as tf.Tensor).dispose();
    const weights = [
      randomTensor(rng, [6], 1, 0.3),
      randomTensor(rng, [6]),
      randomTensor(rng, [6]),
      tf.abs(randomTensor(rng, [6], 1, 0.5)),
    ];
    ours.setWeights(weights);
    stock.setWeights(weights);
    const got = trainingPass(ours, x, r);
    const want = trainingPass(stock, x, r);
    ['output', 'dx', 'dGamma', 'dBeta', 'movingMean', 'movingVariance'].forEach((name, i) => {
      const e = relativeError(got[i] as Float32Array, want[i] as Float32Array);
      assert.ok(e < 1e-4, `${name}: relative error ${e.toExponential(2)}`);
    });
    // Inference uses the moving statistics, as tfjs's.
    const a = ours.apply(x) as tf.Tensor;
    const b = stock.apply(x) as tf.Tensor;
    assert.ok(relativeError(a.dataSync(), b.dataSync()) < 1e-5, 'inference');
    tf.dispose([x, r, a, b, ...weights]);
    ours.dispose();
    stock.dispose();
  });

  Bn.run();
}

const Layer = suite('FastBatchNormalization');
Layer.before(async () => {
  await tf.setBackend('wasm');
});

Layer('normalises by the batch in training and moves the statistics by 1 - momentum', () => {
  // One channel, rows 1 and 3: mean 2, biased variance 1.
  const layer = new FastBatchNormalization({ momentum: 0.9, epsilon: 0.001 });
  const x = tf.tensor2d([[1], [3]]);
  (layer.apply(x) as tf.Tensor).dispose();
  layer.setWeights([tf.tensor1d([2]), tf.tensor1d([0.5]), tf.tensor1d([0]), tf.tensor1d([1])]);
  const y = layer.apply(x, { training: true }) as tf.Tensor;
  const d = 2 / Math.sqrt(1.001);
  const got = Array.from(y.dataSync());
  [0.5 - d, 0.5 + d].forEach((want, i) => assert.ok(Math.abs((got[i] as number) - want) < 1e-5, `y[${i}]`));
  const [, , movingMean, movingVariance] = layer.getWeights().map((w) => (w.dataSync()[0] as number).toFixed(6));
  assert.equal([movingMean, movingVariance], ['0.200000', '1.000000']);
  tf.dispose([x, y]);
  layer.dispose();
});

Layer('survives a save and reload inside a model', async () => {
  const rng = new SeededRandom(2);
  const input = tf.input({ shape: [5, 3] });
  const output = new FastBatchNormalization({ momentum: 0.8, epsilon: 0.01 }).apply(input) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: output });
  model.setWeights([randomTensor(rng, [3]), randomTensor(rng, [3]), randomTensor(rng, [3]), tf.ones([3])]);
  const { reloaded } = await saveAndReload(model);
  const copy = reloaded.layers[1] as FastBatchNormalization;
  assert.equal([copy.momentum, copy.epsilon], [0.8, 0.01]);
  const x = randomTensor(rng, [2, 5, 3]);
  assert.ok(reloadedDifference(model, reloaded, x) < 1e-6);
});

Layer('swaps weights by name with tf.layers.batchNormalization, whose saved models still load', async () => {
  // The networks that moved to FastBatchNormalization (fusion, baselines, RefNet) keep their weight
  // names and order, so weights trained with the stock class carry over.
  const rng = new SeededRandom(3);
  const build = (fast: boolean) => {
    const input = tf.input({ shape: [4, 3] });
    const bn = { momentum: 0.9, name: 'fused_bn' };
    const layer = fast ? new FastBatchNormalization(bn) : tf.layers.batchNormalization(bn);
    return tf.model({ inputs: input, outputs: layer.apply(input) as tf.SymbolicTensor });
  };
  const [stock, fast] = [build(false), build(true)];
  const names = (m: tf.LayersModel) => m.weights.map((w) => w.originalName);
  assert.equal(names(fast), names(stock));
  assert.equal(names(fast), ['fused_bn/gamma', 'fused_bn/beta', 'fused_bn/moving_mean', 'fused_bn/moving_variance']);
  stock.setWeights([randomTensor(rng, [3]), randomTensor(rng, [3]), randomTensor(rng, [3]), tf.ones([3])]);
  fast.setWeights(stock.getWeights());
  const x = randomTensor(rng, [2, 4, 3]);
  const [a, b] = [fast.predict(x) as tf.Tensor, stock.predict(x) as tf.Tensor];
  assert.ok(relativeError(a.dataSync(), b.dataSync()) < 1e-6);
  tf.dispose([a, b]);
  fast.dispose();
  const { reloaded } = await saveAndReload(stock);
  assert.is(reloaded.layers[1]?.getClassName(), 'BatchNormalization');
  assert.ok(reloadedDifference(stock, reloaded, x) < 1e-6);
});

Layer('leaks no tensor in training, with gradients, or in inference', () => {
  const layer = new FastBatchNormalization();
  const x = tf.randomNormal([4, 3]);
  const run = () => {
    tf.tidy(() => {
      tf.grad((input: tf.Tensor) => tf.sum(layer.apply(input, { training: true }) as tf.Tensor))(x);
    });
    (layer.apply(x, { training: true }) as tf.Tensor).dispose();
    (layer.apply(x) as tf.Tensor).dispose();
  };
  run();
  const n = tf.memory().numTensors;
  run();
  assert.is(tf.memory().numTensors, n);
  x.dispose();
  layer.dispose();
});

Layer('names what is wrong with its arguments and its input', () => {
  assert.throws(
    () => new FastBatchNormalization({ momentum: 1.5 }),
    /FastBatchNormalization\(\): momentum must be in \[0, 1\]/,
  );
  assert.throws(() => new FastBatchNormalization({ epsilon: 0 }), /FastBatchNormalization\(\): epsilon must be > 0/);
  assert.throws(
    () => new FastBatchNormalization().apply(tf.input({ shape: [null as unknown as number] })),
    /FastBatchNormalization: expected input \[batch, \.\.\., channels\] with known channels/,
  );
});

Layer('moves both statistics in one kernel on wasm, bit for bit as the ops', async () => {
  registerWasmTrainingKernels();
  const movedStatistics = () => {
    const layer = new FastBatchNormalization({ momentum: 0.9 });
    const rng = new SeededRandom(5);
    for (let step = 0; step < 3; step++)
      tf.dispose(layer.apply(randomTensor(rng, [33, 7], step, 2), { training: true }) as tf.Tensor);
    const [, , mean, variance] = layer.getWeights().map((w) => Float32Array.from(w.dataSync()));
    layer.dispose();
    return [mean, variance];
  };
  const profile = await tf.profile(() => movedStatistics());
  assert.is(profile.kernels.filter((k) => k.name === MOVING_AVERAGES).length, 3);
  assert.is(profile.kernels.filter((k) => k.name === 'Sub').length, 0);
  const withKernel = movedStatistics();
  tf.unregisterKernel(MOVING_AVERAGES, 'wasm');
  try {
    const withOps = movedStatistics();
    assert.equal(withKernel, withOps);
    // Not trivially equal: the statistics moved from their initial 0 and 1.
    assert.ok(withKernel[0]?.every((v) => v !== 0) && withKernel[1]?.every((v) => v !== 1));
  } finally {
    tf.registerKernel(movingAveragesConfig);
  }
});

Layer.run();
