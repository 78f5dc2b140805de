import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs';
import { WASM_KERNEL_SETS, kernelsByMode, onBackend, relativeError, useWasmKernelSet } from '../helpers/tf-backends.ts';
import { SeededRandom } from '../../src/core/random.ts';
import { layerTrainingPass } from '../helpers/layer-training-pass.ts';
import { FastConv2D, convThenMaxPool } from '../../src/models/layers/fast-conv2d.ts';
import { CONV2D_BIAS_RELU } from '../../src/backend/wasm-kernels/conv2d-bias-relu.ts';
import { CONV2D_BIAS_RELU_POOL } from '../../src/backend/wasm-kernels/conv2d-bias-relu-pool.ts';

type ConvArgs = Parameters<typeof tf.layers.conv2d>[0];

const CASES: { name: string; input: number[]; args: ConvArgs }[] = [
  {
    name: '3 -> 8, 3x3 same, ReLU',
    input: [4, 9, 7, 3],
    args: { filters: 8, kernelSize: 3, padding: 'same', activation: 'relu' },
  },
  {
    name: '5 -> 16, 3x3 valid, stride 2, ReLU',
    input: [3, 11, 10, 5],
    args: { filters: 16, kernelSize: 3, strides: 2, activation: 'relu' },
  },
  { name: '8 -> 7, 2x3 same, linear', input: [2, 6, 8, 8], args: { filters: 7, kernelSize: [2, 3], padding: 'same' } },
];

for (const set of WASM_KERNEL_SETS) {
  const Conv = suite(`FastConv2D (${set} kernel set)`);
  Conv.before(() => useWasmKernelSet(set));

  Conv('trains to the same output and gradients as tf.layers.conv2d', async () => {
    let seed = 1;
    for (const c of CASES) {
      const s = seed++;
      const stock = await onBackend('cpu', () => layerTrainingPass(tf.layers.conv2d(c.args), c.input, s));
      const ours = await onBackend('wasm', () => layerTrainingPass(new FastConv2D(c.args), c.input, s));
      ['output', 'dx', 'dkernel', 'dbias'].forEach((what, i) => {
        const err = relativeError(ours[i] as Float32Array, stock[i] as Float32Array);
        assert.ok(err < 1e-5, `${c.name}, ${what}: relative error ${err}`);
      });
    }
  });

  Conv(
    'runs conv, bias and ReLU as one kernel in training where the addon is loaded, and stock elsewhere',
    async () => {
      await tf.setBackend('wasm');
      const layer = new FastConv2D({ filters: 8, kernelSize: 3, padding: 'same', activation: 'relu' });
      const x = tf.ones([2, 5, 5, 3]);
      const profile = await tf.profile(() => {
        tf.dispose(tf.grad((xi: tf.Tensor) => tf.sum(layer.apply(xi, { training: true }) as tf.Tensor))(x));
      });
      const names = profile.kernels.map((k) => k.name);
      assert.is(names.includes(CONV2D_BIAS_RELU), set === 'native', names.join(' '));
      assert.is(names.includes('Relu'), set !== 'native', names.join(' '));
      tf.dispose(x);
      layer.dispose();
    },
  );

  Conv.run();
}

type PoolArgs = Parameters<typeof tf.layers.maxPooling2d>[0];

/** Two conv + max-pool blocks, then flatten: linked (convThenMaxPool) or stock layers. */
function convPoolNetwork(input: number[], blocks: { conv: ConvArgs; pool: PoolArgs }[], linked: boolean) {
  const x = tf.input({ shape: input.slice(1) });
  let y = x;
  blocks.forEach((b, i) => {
    const conv = { ...b.conv, name: `conv${i}` };
    const pool = { ...b.pool, name: `pool${i}` };
    y = linked
      ? convThenMaxPool(y, conv, pool)
      : (tf.layers.maxPooling2d(pool).apply(tf.layers.conv2d(conv).apply(y)) as tf.SymbolicTensor);
  });
  return tf.model({ inputs: x, outputs: tf.layers.flatten().apply(y) as tf.SymbolicTensor });
}

/** Training output and the gradients of sum(out * r) for the input and every weight, weights from `seed`. */
function networkTrainingPass(model: tf.LayersModel, input: number[], seed: number, inputs?: Float32Array) {
  const rng = new SeededRandom(seed);
  const random = (shape: number[]) =>
    tf.tensor(
      Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.uniform(-1, 1)),
      shape,
    );
  const x = inputs === undefined ? random(input) : tf.tensor(inputs, input);
  model.setWeights(model.getWeights().map((w) => random(w.shape)));
  const out = model.apply(x, { training: true }) as tf.Tensor;
  const r = random(out.shape);
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const f = (xi: tf.Tensor) => tf.sum(tf.mul(model.apply(xi, { training: true }) as tf.Tensor, r)) as tf.Scalar;
  const { grads } = tf.variableGrads(() => f(x), variables);
  return [out, tf.grad(f)(x), ...variables.map((v) => grads[v.name] as tf.Tensor)];
}

const POOL_CASES: { name: string; input: number[]; blocks: { conv: ConvArgs; pool: PoolArgs }[]; zeros?: boolean }[] = [
  {
    name: '3 -> 8 -> 16, ReLU, odd sizes (the pool drops a row and a column)',
    input: [3, 11, 9, 3],
    blocks: [
      { conv: { filters: 8, kernelSize: 3, padding: 'same', activation: 'relu' }, pool: { poolSize: 2 } },
      { conv: { filters: 16, kernelSize: 3, padding: 'same', activation: 'relu' }, pool: { poolSize: 2 } },
    ],
  },
  {
    name: '4 -> 32 (many input channels: GEMM path) -> 24, linear then ReLU, valid',
    input: [2, 10, 12, 20],
    blocks: [
      { conv: { filters: 32, kernelSize: 3, padding: 'valid' }, pool: { poolSize: 2 } },
      { conv: { filters: 24, kernelSize: 2, padding: 'same', activation: 'relu' }, pool: { poolSize: 2 } },
    ],
  },
  {
    name: '5 and 12 channels (not a multiple of 8: scalar pooling)',
    input: [2, 8, 8, 2],
    blocks: [
      { conv: { filters: 5, kernelSize: 3, padding: 'same', activation: 'relu' }, pool: { poolSize: 2 } },
      { conv: { filters: 12, kernelSize: 3, padding: 'same' }, pool: { poolSize: 2 } },
    ],
  },
  {
    name: 'an all-zero input (every window tied: the first maximum takes the gradient)',
    input: [2, 6, 6, 3],
    zeros: true,
    blocks: [
      {
        conv: { filters: 8, kernelSize: 3, padding: 'same', activation: 'relu', useBias: true },
        pool: { poolSize: 2 },
      },
      { conv: { filters: 8, kernelSize: 3, padding: 'same' }, pool: { poolSize: 2 } },
    ],
  },
];

for (const set of WASM_KERNEL_SETS) {
  const Pool = suite(`convThenMaxPool (${set} kernel set)`);
  Pool.before(() => useWasmKernelSet(set));

  Pool('trains to the same output and gradients as stock conv2d + maxPooling2d', async () => {
    let seed = 11;
    for (const c of POOL_CASES) {
      const s = seed++;
      const inputs = c.zeros === true ? new Float32Array(c.input.reduce((a, b) => a * b, 1)) : undefined;
      const stock = await onBackend('cpu', () =>
        networkTrainingPass(convPoolNetwork(c.input, c.blocks, false), c.input, s, inputs),
      );
      const ours = await onBackend('wasm', () =>
        networkTrainingPass(convPoolNetwork(c.input, c.blocks, true), c.input, s, inputs),
      );
      assert.is(ours.length, stock.length);
      stock.forEach((want, i) => {
        const what = ['output', 'dx', 'conv0 kernel', 'conv0 bias', 'conv1 kernel', 'conv1 bias'][i];
        const err = relativeError(ours[i] as Float32Array, want);
        assert.ok(err < 1e-5, `${c.name}, ${what}: relative error ${err}`);
      });
    }
  });

  Pool(
    'runs as one kernel each way in training where the addon is loaded; stock in inference and Grad-CAM',
    async () => {
      await tf.setBackend('wasm');
      const model = convPoolNetwork(POOL_CASES[0]!.input, POOL_CASES[0]!.blocks, true);
      const x = tf.ones(POOL_CASES[0]!.input);
      const { training, explaining, predicting } = await kernelsByMode(model, x);
      assert.is(
        training.filter((n) => n === CONV2D_BIAS_RELU_POOL).length,
        set === 'native' ? 2 : 0,
        training.join(' '),
      );
      assert.is(training.includes('MaxPool'), set !== 'native', training.join(' '));
      // Gradients recorded outside training (how Grad-CAM reads a conv layer's own output): unfused.
      assert.not.ok(explaining.includes(CONV2D_BIAS_RELU_POOL), explaining.join(' '));
      assert.ok(explaining.includes('MaxPool'), explaining.join(' '));
      assert.not.ok(predicting.includes(CONV2D_BIAS_RELU_POOL), predicting.join(' '));
      tf.dispose(x);
      model.dispose();
    },
  );

  Pool.run();
}

const Saved = suite('FastConv2D saved');
Saved('is a plain Conv2D in a saved model', async () => {
  const input = tf.input({ shape: [6, 6, 2] });
  const output = new FastConv2D({ filters: 4, kernelSize: 3, activation: 'relu', name: 'conv' }).apply(
    input,
  ) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: output });
  assert.is(model.getLayer('conv').getClassName(), 'Conv2D');
  const json = JSON.stringify(model.toJSON(null, false));
  assert.ok(json.includes('"class_name":"Conv2D"'));
  model.dispose();
});
Saved('convThenMaxPool saves as a plain Conv2D and MaxPooling2D', async () => {
  const model = convPoolNetwork([1, 6, 6, 2], [{ conv: { filters: 8, kernelSize: 3 }, pool: { poolSize: 2 } }], true);
  assert.equal(
    model.layers.map((l) => l.getClassName()),
    ['InputLayer', 'Conv2D', 'MaxPooling2D', 'Flatten'],
  );
  const json = JSON.stringify(model.toJSON(null, false));
  assert.ok(json.includes('"class_name":"MaxPooling2D"'));
  model.dispose();
});
Saved.run();
