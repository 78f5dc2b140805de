import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs';
import { WASM_KERNEL_SETS, kernelsByMode, onBackend, relativeError, useWasmKernelSet } from '../helpers/tf-backends.ts';
import { SeededRandom } from '../../src/core/random.ts';
import { FastBatchNormalization } from '../../src/models/layers/fast-batch-normalization.ts';
import { temporalConvBlock } from '../../src/models/layers/temporal-block-layers.ts';
import { TEMPORAL_BLOCK } from '../../src/backend/wasm-kernels/temporal-block.ts';

interface Block {
  filters: number;
  kernel: number;
  padding: 'same' | 'valid';
  dilation?: number;
}

/** Blocks of conv1d (no bias) -> BatchNorm -> ReLU -> max pool 2, then flatten: linked or stock layers. */
function network(input: number[], blocks: Block[], linked: boolean) {
  const x = tf.input({ shape: input.slice(1) });
  let y = x;
  blocks.forEach((b, i) => {
    const conv = {
      filters: b.filters,
      kernelSize: b.kernel,
      padding: b.padding,
      dilationRate: b.dilation ?? 1,
      useBias: false,
      name: `conv${i}`,
    };
    if (linked) {
      y = temporalConvBlock(y, {
        conv,
        batchNorm: { momentum: 0.9, name: `bn${i}` },
        relu: { name: `relu${i}` },
        pool: { poolSize: 2, name: `pool${i}` },
      });
    } else {
      const apply = (layer: tf.layers.Layer, t: tf.SymbolicTensor) => layer.apply(t) as tf.SymbolicTensor;
      y = apply(tf.layers.conv1d(conv), y);
      y = apply(new FastBatchNormalization({ momentum: 0.9, name: `bn${i}` }), y);
      y = apply(tf.layers.reLU({ name: `relu${i}` }), y);
      y = apply(tf.layers.maxPooling1d({ poolSize: 2, name: `pool${i}` }), y);
    }
  });
  return tf.model({ inputs: x, outputs: tf.layers.flatten().apply(y) as tf.SymbolicTensor });
}

/**
 * One training pass: the output, the gradients of sum(out * r) for the input and every trainable
 * weight, and every BatchNorm's moving mean and variance after it.
 */
function trainingPass(model: tf.LayersModel, input: number[], seed: number) {
  const rng = new SeededRandom(seed);
  const random = (shape: number[], lo = -1, hi = 1) =>
    tf.tensor(
      Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.uniform(lo, hi)),
      shape,
    );
  // gamma away from 0 and moving variances positive; the rest in [-1, 1].
  model.setWeights(
    model.weights.map((w) => {
      const shape = w.shape as number[];
      return /gamma|moving_variance/.test(w.name) ? random(shape, 0.5, 1.5) : random(shape);
    }),
  );
  const x = random(input);
  const r = random(model.outputs[0]!.shape.map((d, i) => (i === 0 ? input[0]! : d!)));
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const f = (xi: tf.Tensor) => tf.sum(tf.mul(model.apply(xi, { training: true }) as tf.Tensor, r)) as tf.Scalar;
  const out = model.apply(x, { training: true }) as tf.Tensor; // moves the moving averages once
  const { grads } = tf.variableGrads(() => f(x), variables); // and again
  const dx = tf.grad(f)(x); // and again
  const moving = model.weights.filter((w) => /moving_/.test(w.name)).map((w) => w.read());
  return [out, dx, ...variables.map((v) => grads[v.name] as tf.Tensor), ...moving];
}

const CASES: { name: string; input: number[]; blocks: Block[] }[] = [
  {
    name: "UTD-MHAD's IMU encoder, small: 7 -> 16 -> 24 channels, kernel 5, same",
    input: [4, 16, 7],
    blocks: [
      { filters: 16, kernel: 5, padding: 'same' },
      { filters: 24, kernel: 5, padding: 'same' },
    ],
  },
  {
    name: 'odd lengths (the pool drops a step), valid padding, 5 channels',
    input: [3, 15, 4],
    blocks: [
      { filters: 5, kernel: 3, padding: 'valid' },
      { filters: 8, kernel: 2, padding: 'same' },
    ],
  },
];

for (const set of WASM_KERNEL_SETS) {
  const Block = suite(`temporalConvBlock (${set} kernel set)`);
  Block.before(() => useWasmKernelSet(set));

  Block('trains to the same output, gradients and moving averages as the stock layers', async () => {
    let seed = 21;
    for (const c of CASES) {
      const s = seed++;
      const stock = await onBackend('cpu', () => trainingPass(network(c.input, c.blocks, false), c.input, s));
      const ours = await onBackend('wasm', () => trainingPass(network(c.input, c.blocks, true), c.input, s));
      assert.is(ours.length, stock.length);
      stock.forEach((want, i) => {
        const err = relativeError(ours[i] as Float32Array, want);
        assert.ok(err < 1e-4, `${c.name}, result ${i} of ${stock.length}: relative error ${err}`);
      });
    }
  });

  Block('runs as one kernel each way in training where the addon is loaded; stock in inference', async () => {
    await tf.setBackend('wasm');
    const c = CASES[0]!;
    const model = network(c.input, c.blocks, true);
    const x = tf.ones(c.input);
    const { training, explaining, predicting } = await kernelsByMode(model, x);
    assert.is(training.filter((n) => n === TEMPORAL_BLOCK).length, set === 'native' ? 2 : 0, training.join(' '));
    assert.is(training.includes('MaxPool'), set !== 'native', training.join(' '));
    assert.not.ok(explaining.includes(TEMPORAL_BLOCK), explaining.join(' '));
    assert.not.ok(predicting.includes(TEMPORAL_BLOCK), predicting.join(' '));
    tf.dispose(x);
    model.dispose();
  });

  Block.run();
}

const Saved = suite('temporalConvBlock saved');
Saved('saves as plain Conv1D, BatchNorm, ReLU and MaxPooling1D layers', async () => {
  const model = network([1, 8, 3], [{ filters: 4, kernel: 3, padding: 'same' }], true);
  assert.equal(
    model.layers.map((l) => l.getClassName()),
    ['InputLayer', 'Conv1D', 'FastBatchNormalization', 'ReLU', 'MaxPooling1D', 'Flatten'],
  );
  model.dispose();
});
Saved.run();
