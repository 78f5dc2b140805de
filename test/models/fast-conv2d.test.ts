import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs';
import { WASM_KERNEL_SETS, onBackend, relativeError, useWasmKernelSet } from '../helpers/tf-backends.ts';
import { SeededRandom } from '../../src/core/random.ts';
import { FastConv2D } from '../../src/models/layers/fast-conv2d.ts';
import { CONV2D_BIAS_RELU } from '../../src/backend/wasm-kernels/conv2d-bias-relu.ts';

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

/** Output and the gradients of sum(out * r) for x, kernel and bias, with the layer's weights set from `seed`. */
function trainingPass(layer: tf.layers.Layer, input: number[], seed: number) {
  const rng = new SeededRandom(seed);
  const random = (shape: number[]) =>
    tf.tensor(
      Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.uniform(-1, 1)),
      shape,
    );
  const x = random(input);
  layer.build(x.shape);
  layer.setWeights(layer.getWeights().map((w) => random(w.shape)));
  const out = layer.apply(x) as tf.Tensor;
  const r = random(out.shape);
  const [kernel, bias] = layer.trainableWeights.map((w) => w.read() as tf.Variable);
  const f = (xi: tf.Tensor) => tf.sum(tf.mul(layer.apply(xi, { training: true }) as tf.Tensor, r)) as tf.Scalar;
  const { grads } = tf.variableGrads(() => f(x), [kernel as tf.Variable, bias as tf.Variable]);
  const dx = tf.grad(f)(x);
  return [
    layer.apply(x, { training: true }) as tf.Tensor,
    dx,
    grads[(kernel as tf.Variable).name] as tf.Tensor,
    grads[(bias as tf.Variable).name] as tf.Tensor,
  ];
}

for (const set of WASM_KERNEL_SETS) {
  const Conv = suite(`FastConv2D (${set} kernel set)`);
  Conv.before(() => useWasmKernelSet(set));

  Conv('trains to the same output and gradients as tf.layers.conv2d', async () => {
    let seed = 1;
    for (const c of CASES) {
      const s = seed++;
      const stock = await onBackend('cpu', () => trainingPass(tf.layers.conv2d(c.args), c.input, s));
      const ours = await onBackend('wasm', () => trainingPass(new FastConv2D(c.args), c.input, s));
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
Saved.run();
