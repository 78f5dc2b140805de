import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs';
import { relativeError } from '../helpers/tf-backends.ts';
import { reloadedDifference, saveAndReload } from '../helpers/round-trip.ts';
import { SeededRandom } from '../../src/core/random.ts';
import { TemporalConvolution } from '../../src/models/layers/temporal-convolution.ts';

const Tcn = suite('TemporalConvolution');
Tcn.before(async () => {
  await tf.setBackend('wasm');
});

function randomTensor(rng: SeededRandom, shape: number[]): tf.Tensor {
  return tf.tensor(
    Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal()),
    shape,
  );
}

Tcn('convolves each joint over time alone: out[t, v] = sum_i x[t*s + i - pad, v] W[i] + b', () => {
  // One channel, kernel [1, 2, 3], stride 2, 'same' over 5 steps: ceil(5 / 2) = 3 outputs, one zero
  // padded at each end. Joint 0 holds 1..5, joint 1 ten times that.
  const layer = new TemporalConvolution({ filters: 1, kernelSize: 3, stride: 2 });
  const x = tf.tensor4d([1, 10, 2, 20, 3, 30, 4, 40, 5, 50], [1, 5, 2, 1]);
  (layer.apply(x) as tf.Tensor).dispose();
  layer.setWeights([tf.tensor4d([1, 2, 3], [3, 1, 1, 1]), tf.tensor1d([0.5])]);
  const y = layer.apply(x) as tf.Tensor;
  assert.equal(y.shape, [1, 3, 2, 1]);
  // Joint 0 padded [0, 1, 2, 3, 4, 5, 0]: windows [0, 1, 2] -> 8, [2, 3, 4] -> 20, [4, 5, 0] -> 14.
  const want = [8.5, 80.5, 20.5, 200.5, 14.5, 140.5];
  assert.equal(Array.from(y.dataSync()), want);
  tf.dispose([x, y]);
  layer.dispose();
});

Tcn('gives the same output and gradients as tf.layers.conv2d with kernel [k, 1] and strides [s, 1]', () => {
  const rng = new SeededRandom(1);
  const x = randomTensor(rng, [3, 9, 4, 5]) as tf.Tensor4D;
  const ours = new TemporalConvolution({ filters: 6, kernelSize: 5, stride: 2, seed: 2 });
  const stock = tf.layers.conv2d({ filters: 6, kernelSize: [5, 1], strides: [2, 1], padding: 'same' });
  (ours.apply(x) as tf.Tensor).dispose();
  (stock.apply(x) as tf.Tensor).dispose();
  const weights = [randomTensor(rng, [5, 1, 5, 6]), randomTensor(rng, [6])];
  ours.setWeights(weights);
  stock.setWeights(weights);
  const r = randomTensor(rng, [3, 5, 4, 6]);
  const run = (layer: tf.layers.Layer) =>
    tf.tidy(() => {
      const loss = (input: tf.Tensor) => tf.sum(tf.mul(layer.apply(input) as tf.Tensor, r)) as tf.Scalar;
      const vars = layer.trainableWeights.map((w) => w.read() as tf.Variable);
      const { grads } = tf.variableGrads(() => loss(x), vars);
      return [layer.apply(x) as tf.Tensor, tf.grad(loss)(x), ...vars.map((v) => grads[v.name] as tf.Tensor)].map((t) =>
        Float32Array.from(t.dataSync()),
      );
    });
  const got = run(ours);
  const want = run(stock);
  ['output', 'dx', 'dKernel', 'dBias'].forEach((name, i) => {
    const e = relativeError(got[i] as Float32Array, want[i] as Float32Array);
    assert.ok(e < 1e-5, `${name}: relative error ${e.toExponential(2)}`);
  });
  tf.dispose([x, r, ...weights]);
  ours.dispose();
  stock.dispose();
});

Tcn('survives a save and reload inside a model', async () => {
  const rng = new SeededRandom(3);
  const input = tf.input({ shape: [8, 3, 2] });
  const output = new TemporalConvolution({ filters: 4, kernelSize: 3, stride: 2, useBias: false, seed: 4 }).apply(
    input,
  ) as tf.SymbolicTensor;
  assert.equal(output.shape, [null, 4, 3, 4]);
  const model = tf.model({ inputs: input, outputs: output });
  const { reloaded } = await saveAndReload(model);
  const x = randomTensor(rng, [2, 8, 3, 2]);
  assert.ok(reloadedDifference(model, reloaded, x) < 1e-6);
});

Tcn('leaks no tensor', () => {
  const layer = new TemporalConvolution({ filters: 2, kernelSize: 3 });
  const x = tf.ones([1, 4, 2, 3]);
  (layer.apply(x) as tf.Tensor).dispose();
  const n = tf.memory().numTensors;
  (layer.apply(x) as tf.Tensor).dispose();
  assert.is(tf.memory().numTensors, n);
  x.dispose();
  layer.dispose();
});

Tcn('names what is wrong with its arguments and its input', () => {
  assert.throws(
    () => new TemporalConvolution({ filters: 2, kernelSize: 3, stride: 0 }),
    /TemporalConvolution\(\): filters, kernelSize and stride must be whole numbers >= 1/,
  );
  assert.throws(
    () => new TemporalConvolution({ filters: 2, kernelSize: 3 }).apply(tf.input({ shape: [4, 3] })),
    /TemporalConvolution: expected input \[batch, time, joints, channels\]/,
  );
});

Tcn.run();
