import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs';
import { relativeError } from '../helpers/tf-backends.ts';
import { SeededRandom } from '../../src/core/random.ts';

/** Three classes of 6-channel sequences: sines of different frequencies in noise, like IMU axes. */
function learnableTask(rng: SeededRandom, perClass: number, steps: number) {
  const freqs = [1, 2.5, 4.5];
  const xs = new Float32Array(freqs.length * perClass * steps * 6);
  const labels: number[] = [];
  let o = 0;
  for (let c = 0; c < freqs.length; c++) {
    for (let n = 0; n < perClass; n++) {
      const phase = rng.uniform(0, 2 * Math.PI);
      for (let t = 0; t < steps; t++) {
        for (let ch = 0; ch < 6; ch++) {
          xs[o++] = Math.sin((2 * Math.PI * (freqs[c] as number) * t) / steps + phase + ch) + rng.normal(0, 0.3);
        }
      }
      labels.push(c);
    }
  }
  return { xs, labels, n: labels.length };
}

const Training = suite('training on wasm');
Training.before(async () => {
  await tf.setBackend('wasm');
});

Training('a conv1d + LSTM + dense classifier learns a learnable task: loss falls and accuracy rises', async () => {
  const rng = new SeededRandom(5);
  const steps = 32;
  const { xs, labels, n } = learnableTask(rng, 24, steps);
  const init = (seed: number) => tf.initializers.glorotUniform({ seed });
  const model = tf.sequential({
    layers: [
      tf.layers.conv1d({
        inputShape: [steps, 6],
        filters: 8,
        kernelSize: 5,
        padding: 'same',
        activation: 'relu',
        kernelInitializer: init(1),
      }),
      tf.layers.maxPooling1d({ poolSize: 2 }),
      tf.layers.lstm({
        units: 16,
        kernelInitializer: init(2),
        recurrentInitializer: tf.initializers.orthogonal({ seed: 3 }),
      }),
      tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: init(4) }),
    ],
  });
  const optimizer = tf.train.adam(0.01);
  model.compile({ optimizer, loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  const x = tf.tensor3d(xs, [n, steps, 6]);
  const y = tf.oneHot(tf.tensor1d(labels, 'int32'), 3);
  // The first epoch creates Adam's moment tensors; after that the count must stay flat.
  const first = await model.fit(x, y, { epochs: 1, batchSize: 16, shuffle: false, verbose: 0 });
  const before = tf.memory().numTensors;
  const rest = await model.fit(x, y, { epochs: 24, batchSize: 16, shuffle: false, verbose: 0 });
  const history = {
    history: {
      loss: [...(first.history['loss'] as number[]), ...(rest.history['loss'] as number[])],
      acc: rest.history['acc'] as number[],
    },
  };
  const loss = history.history['loss'] as number[];
  const acc = history.history['acc'] as number[];
  assert.ok((loss.at(-1) as number) < 0.5 * (loss[0] as number), `loss ${loss[0]} -> ${loss.at(-1)} did not halve`);
  assert.ok((acc.at(-1) as number) > 0.9, `training accuracy ${acc.at(-1)} <= 0.9`);
  // Tensor count is stable across training (no per-step leak).
  assert.is(tf.memory().numTensors, before);
  model.dispose();
  optimizer.dispose();
  x.dispose();
  y.dispose();
});
Training.run();

/**
 * Every layer kind the project's models use, as a small model. For each, the gradients of the
 * loss with respect to all trainable weights are computed on the CPU backend and on wasm, from the
 * same weights and inputs, and must agree.
 * Two choices keep the comparison well-posed: max pooling comes before ReLU (after ReLU, a window
 * often holds several equal zeros, and each backend may route the gradient to a different,
 * equally valid, argmax), and convolutions that feed BatchNorm have no bias (its gradient is zero
 * in exact arithmetic, so only rounding noise would be compared; real models drop it too).
 */
interface Case {
  name: string;
  inputShape: number[];
  build(): tf.LayersModel;
  input(rng: SeededRandom): tf.Tensor;
}
const init = () => tf.initializers.glorotUniform({ seed: 7 });
const CASES: Case[] = [
  {
    name: 'conv1d + batchNorm + maxPool1d + relu + strided conv1d + globalAveragePooling1d',
    inputShape: [4, 24, 6],
    build: () =>
      tf.sequential({
        layers: [
          tf.layers.conv1d({
            inputShape: [24, 6],
            filters: 8,
            kernelSize: 5,
            padding: 'same',
            useBias: false,
            kernelInitializer: init(),
          }),
          tf.layers.batchNormalization(),
          tf.layers.maxPooling1d({ poolSize: 2 }),
          tf.layers.reLU(),
          tf.layers.conv1d({ filters: 8, kernelSize: 3, strides: 2, padding: 'valid', kernelInitializer: init() }),
          tf.layers.globalAveragePooling1d(),
          tf.layers.dense({ units: 3, kernelInitializer: init() }),
        ],
      }),
    input: (rng) =>
      tf.tensor3d(
        Float32Array.from({ length: 4 * 24 * 6 }, () => rng.normal()),
        [4, 24, 6],
      ),
  },
  {
    name: 'conv2d (strided) + batchNorm + maxPool2d + averagePool2d + flatten',
    inputShape: [3, 16, 16, 3],
    build: () =>
      tf.sequential({
        layers: [
          tf.layers.conv2d({
            inputShape: [16, 16, 3],
            filters: 6,
            kernelSize: 3,
            strides: 2,
            padding: 'same',
            useBias: false,
            kernelInitializer: init(),
          }),
          tf.layers.batchNormalization(),
          tf.layers.maxPooling2d({ poolSize: 2 }),
          tf.layers.reLU(),
          tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', kernelInitializer: init() }),
          tf.layers.averagePooling2d({ poolSize: 2 }),
          tf.layers.flatten(),
          tf.layers.dense({ units: 3, kernelInitializer: init() }),
        ],
      }),
    input: (rng) =>
      tf.tensor4d(
        Float32Array.from({ length: 3 * 16 * 16 * 3 }, () => rng.normal()),
        [3, 16, 16, 3],
      ),
  },
  {
    name: 'depthwiseConv2d + separableConv2d (MobileNet-style) + globalAveragePooling2d',
    inputShape: [2, 12, 12, 4],
    build: () =>
      tf.sequential({
        layers: [
          tf.layers.depthwiseConv2d({
            inputShape: [12, 12, 4],
            kernelSize: 3,
            depthMultiplier: 2,
            strides: 2,
            padding: 'same',
            depthwiseInitializer: init(),
          }),
          tf.layers.separableConv2d({
            filters: 6,
            kernelSize: 3,
            padding: 'same',
            depthwiseInitializer: init(),
            pointwiseInitializer: init(),
          }),
          tf.layers.globalAveragePooling2d({}),
          tf.layers.dense({ units: 3, kernelInitializer: init() }),
        ],
      }),
    input: (rng) =>
      tf.tensor4d(
        Float32Array.from({ length: 2 * 12 * 12 * 4 }, () => rng.normal()),
        [2, 12, 12, 4],
      ),
  },
  {
    name: 'LSTM (sequences) + GRU + dense',
    inputShape: [3, 10, 5],
    build: () =>
      tf.sequential({
        layers: [
          tf.layers.lstm({
            inputShape: [10, 5],
            units: 8,
            returnSequences: true,
            kernelInitializer: init(),
            recurrentInitializer: init(),
          }),
          tf.layers.gru({ units: 6, kernelInitializer: init(), recurrentInitializer: init() }),
          tf.layers.dense({ units: 3, kernelInitializer: init() }),
        ],
      }),
    input: (rng) =>
      tf.tensor3d(
        Float32Array.from({ length: 3 * 10 * 5 }, () => rng.normal()),
        [3, 10, 5],
      ),
  },
  {
    name: 'embedding (gather) + timeDistributed dense + LSTM',
    inputShape: [4, 7],
    build: () =>
      tf.sequential({
        layers: [
          tf.layers.embedding({ inputDim: 12, outputDim: 5, inputLength: 7, embeddingsInitializer: init() }),
          tf.layers.timeDistributed({
            layer: tf.layers.dense({ units: 4, activation: 'tanh', kernelInitializer: init() }),
          }),
          tf.layers.lstm({ units: 4, kernelInitializer: init(), recurrentInitializer: init() }),
          tf.layers.dense({ units: 3, kernelInitializer: init() }),
        ],
      }),
    input: (rng) =>
      tf.tensor2d(
        Float32Array.from({ length: 28 }, () => rng.int(0, 11)),
        [4, 7],
      ),
  },
];

async function gradients(backend: 'cpu' | 'wasm', c: Case, weights: Float32Array[] | undefined, seed: number) {
  await tf.setBackend(backend);
  const model = c.build();
  if (weights) model.setWeights(model.getWeights().map((w, i) => tf.tensor(weights[i] as Float32Array, w.shape)));
  const rng = new SeededRandom(seed);
  const x = c.input(rng);
  const labels = tf.oneHot(
    tf.tensor1d(
      Array.from({ length: x.shape[0] as number }, (_, i) => i % 3),
      'int32',
    ),
    3,
  );
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const { value, grads } = tf.variableGrads(
    () => tf.losses.softmaxCrossEntropy(labels, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar,
    vars,
  );
  const out = {
    weights: model.getWeights().map((w) => Float32Array.from(w.dataSync())),
    names: vars.map((v) => v.name.replace(/_\d+/g, '')),
    grads: vars.map((v) => Float32Array.from((grads[v.name] as tf.Tensor).dataSync())),
    loss: value.dataSync()[0] as number,
  };
  tf.dispose([value, x, labels, ...Object.values(grads)]);
  model.dispose();
  return out;
}

const LayerGradients = suite('layer gradients on wasm match the CPU backend');
for (const c of CASES) {
  LayerGradients(c.name, async () => {
    const ref = await gradients('cpu', c, undefined, 9);
    const got = await gradients('wasm', c, ref.weights, 9);
    assert.ok(Math.abs(got.loss - ref.loss) <= 1e-4 * Math.abs(ref.loss), `loss ${got.loss} vs ${ref.loss}`);
    assert.ok(ref.grads.length > 0);
    ref.grads.forEach((g, i) => {
      const err = relativeError(got.grads[i] as Float32Array, g);
      assert.ok(err < 1e-4, `${ref.names[i]}: relative error ${err.toExponential(2)}`);
      assert.ok(
        g.some((v) => v !== 0),
        `${ref.names[i]}: zero gradient, the case tests nothing`,
      );
    });
  });
}
LayerGradients.run();
