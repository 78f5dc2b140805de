import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs';
import { relativeError } from '../../helpers/tf-backends.ts';
import { SeededRandom } from '../../../src/core/random.ts';
import { loadNativeAddon } from '../../../src/backend/native/native-addon.ts';
import { compileInference } from '../../../src/models/inference/compile-inference.ts';
import { FastBatchNormalization } from '../../../src/models/layers/fast-batch-normalization.ts';
import { FastLstm } from '../../../src/models/layers/fast-lstm.ts';
import { LogMeanProbabilities } from '../../../src/models/layers/log-mean-probabilities.ts';
import { TemporalAttentionPooling } from '../../../src/models/layers/temporal-attention-pooling.ts';
import { buildRefNet, REFNET } from '../../../bench/refnet-model.ts';

/**
 * Compiled inference against model.predict (stock tfjs ops on WASM) with the same weights, after
 * a couple of training steps and with BatchNorm moving statistics set far from 0 / 1, so that
 * folding them into the convolutions and dense layers is exercised.
 */
const { addon, reason } = loadNativeAddon();
if (addon === undefined) console.log(`compiled inference tests: skipped (native addon: ${reason})`);
const Compiled = suite('compileInference');
const test = addon === undefined ? Compiled.skip : Compiled;

Compiled.before(async () => {
  await tf.setBackend('wasm');
});

function randomArray(rng: SeededRandom, n: number, scale = 1): Float32Array {
  return Float32Array.from({ length: n }, () => rng.normal() * scale);
}

/** Two training steps (batch 2), then moving statistics spread out: mean ~ N(0, 0.5), variance in [0.5, 2]. */
function trainAndSpreadStatistics(model: tf.LayersModel, xs: tf.Tensor[], classes: number, rng: SeededRandom): void {
  const labels = tf.oneHot(tf.tensor1d([0, classes - 1], 'int32'), classes);
  const optimizer = tf.train.adam(1e-2);
  for (let i = 0; i < 2; i++) {
    optimizer.minimize(
      () => tf.losses.softmaxCrossEntropy(labels, model.apply(xs, { training: true }) as tf.Tensor) as tf.Scalar,
      false,
      model.trainableWeights.map((w) => w.read() as tf.Variable),
    );
  }
  optimizer.dispose();
  labels.dispose();
  for (const layer of model.layers) {
    if (!layer.name.includes('bn')) continue;
    const values = layer.weights.map((w) => {
      const n = w.shape[0] as number;
      if (w.originalName.endsWith('moving_mean')) return tf.tensor1d(randomArray(rng, n, 0.5));
      if (w.originalName.endsWith('moving_variance'))
        return tf.tensor1d(Float32Array.from({ length: n }, () => rng.uniform(0.5, 2)));
      return w.read().clone();
    });
    layer.setWeights(values);
    tf.dispose(values);
  }
}

function expectSame(model: tf.LayersModel, xs: tf.Tensor[], batch: number): void {
  const result = compileInference(model, { batch });
  assert.ok(result.compiled, result.reason);
  const want = tf.tidy(() => Float32Array.from((model.predict(xs) as tf.Tensor).dataSync()));
  const inputs = xs.map((x) => Float32Array.from(x.dataSync()));
  const got = result.compiled.predict(inputs);
  assert.equal(result.compiled.outputShape, [batch, ...(model.outputs[0]!.shape.slice(1) as number[])]);
  const err = relativeError(got, want);
  assert.ok(err < 1e-4, `relative error ${err}`);
  // A second call on the same buffers gives the same numbers (nothing left over from the first).
  assert.equal(Array.from(result.compiled.predict(inputs)), Array.from(got));
}

test('RefNet: batch 1 and batch 2 equal model.predict; conv, BN, ReLU and pool become one step', () => {
  const rng = new SeededRandom(3);
  const { imuSteps, imuChannels, keyFrames, frameFeatures, classes } = REFNET;
  const model = buildRefNet(0);
  const imu = tf.tensor3d(randomArray(rng, 2 * imuSteps * imuChannels), [2, imuSteps, imuChannels]);
  const video = tf.tensor3d(randomArray(rng, 2 * keyFrames * frameFeatures), [2, keyFrames, frameFeatures]);
  trainAndSpreadStatistics(model, [imu, video], classes, rng);
  const imu1 = imu.slice([1, 0, 0], [1, imuSteps, imuChannels]);
  const video1 = video.slice([1, 0, 0], [1, keyFrames, frameFeatures]);
  expectSame(model, [imu1, video1], 1);
  expectSame(model, [imu, video], 2);
  // 2 conv blocks + video dense + 2 LSTMs + 2 attentions + concat + logits (dropout is free).
  assert.is(compileInference(model).compiled?.steps, 9);
  tf.dispose([imu, video, imu1, video1]);
  model.dispose();
});

test('odd conv stacks (same with odd and even kernels, valid, dilation, stride, no bias), dense on 3-D input, both LSTM outputs, concat, add', () => {
  const rng = new SeededRandom(4);
  const a = tf.input({ shape: [29, 5], name: 'a' });
  const b = tf.input({ shape: [6, 3], name: 'b' });
  const apply = (layer: tf.layers.Layer, x: tf.SymbolicTensor | tf.SymbolicTensor[]) =>
    layer.apply(x) as tf.SymbolicTensor;
  // Not trained: tfjs has no gradient for dilated convolutions.
  let x = apply(
    tf.layers.conv1d({ filters: 7, kernelSize: 3, padding: 'same', dilationRate: 2, trainable: false, name: 'c1' }),
    a,
  );
  x = apply(new FastBatchNormalization({ name: 'bn1' }), x);
  x = apply(tf.layers.reLU({ name: 'relu1' }), x);
  const p1 = apply(tf.layers.maxPooling1d({ poolSize: 3, strides: 2, name: 'pool1' }), x); // [14, 7]
  const residual = apply(tf.layers.conv1d({ filters: 7, kernelSize: 1, name: 'res' }), p1);
  const mean = apply(
    tf.layers.globalAveragePooling1d({ name: 'mean' }),
    // A max pool after Add has no convolution to fuse into: its own step.
    apply(
      tf.layers.maxPooling1d({ poolSize: 2, name: 'pool_add' }),
      apply(tf.layers.add({ name: 'add' }), [p1, residual]),
    ),
  );
  let y = apply(
    tf.layers.conv1d({ filters: 6, kernelSize: 4, strides: 2, activation: 'relu', useBias: false, name: 'c2' }),
    p1,
  ); // valid: [6, 6]
  y = apply(tf.layers.maxPooling1d({ poolSize: 2, name: 'pool2' }), y); // [3, 6]
  y = apply(
    tf.layers.conv1d({ filters: 5, kernelSize: 2, padding: 'same', name: 'c3' }) /* even kernel: no left padding */,
    y,
  );
  y = apply(tf.layers.batchNormalization({ name: 'bn3' }), y);
  y = apply(tf.layers.activation({ activation: 'tanh', name: 'tanh3' }), y);
  y = apply(
    tf.layers.flatten({ name: 'flat' }),
    apply(tf.layers.dense({ units: 4, activation: 'sigmoid', name: 'd3' }), y),
  );
  const seq = apply(new FastLstm({ units: 8, returnSequences: true, seed: 1, name: 'lstm_seq' }), b);
  const att = apply(new TemporalAttentionPooling({ seed: 2, name: 'att' }), seq);
  const last = apply(new FastLstm({ units: 5, seed: 3, name: 'lstm_last' }), b);
  let z = apply(tf.layers.concatenate({ name: 'cat' }), [mean, y, att, last]);
  z = apply(tf.layers.batchNormalization({ name: 'bn_cat' }), z); // no layer to fold into: its own step
  z = apply(tf.layers.dense({ units: 6, name: 'd4' }), z);
  z = apply(tf.layers.batchNormalization({ name: 'bn4' }), z);
  z = apply(tf.layers.reLU({ name: 'relu4' }), z);
  z = apply(tf.layers.dropout({ rate: 0.3, name: 'drop' }), z);
  const out = apply(tf.layers.dense({ units: 3, activation: 'softmax', name: 'out' }), z);
  const model = tf.model({ inputs: [a, b], outputs: out });
  const xa = tf.tensor3d(randomArray(rng, 2 * 29 * 5), [2, 29, 5]);
  const xb = tf.tensor3d(randomArray(rng, 2 * 6 * 3), [2, 6, 3]);
  trainAndSpreadStatistics(model, [xa, xb], 3, rng);
  expectSame(model, [xa.slice(0, 1), xb.slice(0, 1)], 1);
  expectSame(model, [xa, xb], 2);
  // c1+bn1+relu1+pool1, res, add, pool_add, mean, c2+pool2, c3+bn3, tanh3 (copy, tanh), d3, 2 LSTMs,
  // att, cat, bn_cat, d4+bn4+relu4, out: 17 (flatten and dropout are free).
  assert.is(compileInference(model).compiled?.steps, 17);
  tf.dispose([xa, xb]);
  model.dispose();
});

test('a model with an auxiliary head: the first output only, the head left out', () => {
  const x = tf.input({ shape: [6, 3] });
  const hidden = tf.layers.dense({ units: 4, activation: 'relu', name: 'hidden' }).apply(x) as tf.SymbolicTensor;
  const flat = tf.layers.flatten().apply(hidden) as tf.SymbolicTensor;
  const main = tf.layers.dense({ units: 2, name: 'main' }).apply(flat) as tf.SymbolicTensor;
  const aux = tf.layers.dense({ units: 3, name: 'aux' }).apply(flat) as tf.SymbolicTensor;
  const model = tf.model({ inputs: x, outputs: [main, aux] });
  const input = Float32Array.from({ length: 18 }, (_, i) => Math.sin(i));
  const { compiled } = compileInference(model);
  assert.ok(compiled);
  assert.is(compiled.steps, 2, 'hidden and main; flatten is free and aux is not run');
  const want = tf.tidy(() => (model.predict(tf.tensor3d(input, [1, 6, 3])) as tf.Tensor[])[0]!.dataSync());
  assert.ok(relativeError(compiled.predict([input]), want) < 1e-6);
  model.dispose();
});

test('late fusion: LogMeanProbabilities of two heads', () => {
  const a = tf.input({ shape: [2] });
  const b = tf.input({ shape: [2] });
  const out = new LogMeanProbabilities().apply([a, b]) as tf.SymbolicTensor;
  const model = tf.model({ inputs: [a, b], outputs: out });
  const { compiled } = compileInference(model);
  assert.ok(compiled);
  // softmax [0, 0] = [0.5, 0.5], softmax [ln 3, 0] = [0.75, 0.25]; mean [0.625, 0.375].
  const got = compiled.predict([Float32Array.of(0, 0), Float32Array.of(Math.log(3), 0)]);
  assert.ok(Math.abs(got[0]! - Math.log(0.625)) < 1e-6 && Math.abs(got[1]! - Math.log(0.375)) < 1e-6, `${got}`);
  model.dispose();
});

test('an unsupported layer: undefined, with the layer named', () => {
  const model = tf.sequential({
    layers: [tf.layers.permute({ dims: [2, 1], inputShape: [4, 3], name: 'swap' }), tf.layers.dense({ units: 2 })],
  });
  const result = compileInference(model);
  assert.is(result.compiled, undefined);
  assert.match(result.reason ?? '', "layer 'swap' (Permute) is not supported");
  model.dispose();
});

test('a Sequential model (flatten + dense, as the live test model) compiles; wrong input sizes throw', () => {
  const model = tf.sequential({
    layers: [tf.layers.flatten({ inputShape: [4, 3] }), tf.layers.dense({ units: 2, kernelInitializer: 'ones' })],
  });
  const { compiled } = compileInference(model);
  assert.ok(compiled);
  // ones kernel, zero bias: each output is the sum of the 12 inputs 0..11 = 66.
  assert.equal(Array.from(compiled.predict([Float32Array.from({ length: 12 }, (_, i) => i)])), [66, 66]);
  assert.throws(() => compiled.predict([new Float32Array(11)]), /input 0 holds 11 floats, expected 12/);
  model.dispose();
});

Compiled.run();
