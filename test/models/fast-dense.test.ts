import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs';
import { WASM_KERNEL_SETS, onBackend, relativeError, useWasmKernelSet } from '../helpers/tf-backends.ts';
import { layerTrainingPass } from '../helpers/layer-training-pass.ts';
import { FastDense } from '../../src/models/layers/fast-dense.ts';
import { DENSE, DENSE_GRAD } from '../../src/backend/wasm-kernels/dense.ts';

type DenseArgs = Parameters<typeof tf.layers.dense>[0];

const CASES: { name: string; input: number[]; args: DenseArgs }[] = [
  { name: 'a UTD-MHAD head: [32, 256] -> 27', input: [32, 256], args: { units: 27 } },
  { name: 'a frame encoder: [40, 288] -> 64', input: [40, 288], args: { units: 64 } },
  { name: 'odd sizes: [3, 5] -> 7', input: [3, 5], args: { units: 7 } },
];

for (const set of WASM_KERNEL_SETS) {
  const Dense = suite(`FastDense (${set} kernel set)`);
  Dense.before(() => useWasmKernelSet(set));

  Dense('trains to the same output and gradients as tf.layers.dense', async () => {
    let seed = 31;
    for (const c of CASES) {
      const s = seed++;
      const stock = await onBackend('cpu', () => layerTrainingPass(tf.layers.dense(c.args), c.input, s));
      const ours = await onBackend('wasm', () => layerTrainingPass(new FastDense(c.args), c.input, s));
      ['output', 'dx', 'dkernel', 'dbias'].forEach((what, i) => {
        const err = relativeError(ours[i] as Float32Array, stock[i] as Float32Array);
        assert.ok(err < 1e-5, `${c.name}, ${what}: relative error ${err}`);
      });
    }
  });

  Dense('is one kernel each way in training where the addon is loaded; stock otherwise and with ReLU', async () => {
    await tf.setBackend('wasm');
    const x = tf.ones([4, 6]);
    const names = async (layer: tf.layers.Layer) =>
      (
        await tf.profile(() => {
          tf.dispose(tf.grad((xi: tf.Tensor) => tf.sum(layer.apply(xi, { training: true }) as tf.Tensor))(x));
        })
      ).kernels.map((k) => k.name);
    const linear = await names(new FastDense({ units: 3 }));
    assert.is(linear.includes(DENSE), set === 'native', linear.join(' '));
    assert.is(linear.includes(DENSE_GRAD), set === 'native', linear.join(' '));
    const relu = await names(new FastDense({ units: 3, activation: 'relu' }));
    assert.not.ok(relu.includes(DENSE), relu.join(' '));
    const predicting = await tf.profile(() => {
      tf.dispose(new FastDense({ units: 3 }).apply(x) as tf.Tensor);
    });
    assert.not.ok(
      predicting.kernels.some((k) => k.name === DENSE),
      predicting.kernels.map((k) => k.name).join(' '),
    );
    x.dispose();
  });

  Dense.run();
}

const Saved = suite('FastDense saved');
Saved('is a plain Dense in a saved model', async () => {
  const input = tf.input({ shape: [5] });
  const model = tf.model({
    inputs: input,
    outputs: new FastDense({ units: 2, name: 'd' }).apply(input) as tf.SymbolicTensor,
  });
  assert.is(model.getLayer('d').getClassName(), 'Dense');
  assert.ok(JSON.stringify(model.toJSON(null, false)).includes('"class_name":"Dense"'));
  model.dispose();
});
Saved.run();
