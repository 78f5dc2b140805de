import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs';
import { WASM_KERNEL_SETS, kernelSetSuite, onBackend, relativeError } from '../helpers/tf-backends.ts';
import { SeededRandom } from '../../src/core/random.ts';
import { RELU_GRAD } from '../../src/backend/wasm-kernels/relu-gradient.ts';

const X = [Number.NaN, -1, 0, -0, 2, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];
const DY = [1, -3, Number.POSITIVE_INFINITY, -2, Number.NaN, 5, 6];

/** Element-wise Object.is, so NaN matches NaN and -0 differs from +0. */
function assertSameBits(got: Float32Array, want: number[], what: string) {
  assert.is(got.length, want.length, what);
  want.forEach((w, i) => assert.ok(Object.is(got[i], w), `${what}[${i}]: got ${got[i]}, want ${w}`));
}

for (const set of WASM_KERNEL_SETS) {
  const Relu = kernelSetSuite('Relu and its gradient (wasm)', set);

  Relu('hand-worked edge values: NaN, signed zeros, infinities', async () => {
    const [y, dx] = await onBackend('wasm', () => {
      const x = tf.tensor1d(X);
      return [tf.relu(x), tf.grad((t: tf.Tensor) => tf.relu(t))(x, tf.tensor1d(DY))];
    });
    assertSameBits(y as Float32Array, [Number.NaN, 0, 0, 0, 2, Number.POSITIVE_INFINITY, 0], 'relu');
    // dy * step(x): step is NaN for NaN, 1 above zero, else 0; inf * 0 is NaN, -3 * 0 is -0.
    assertSameBits(dx as Float32Array, [Number.NaN, -0, Number.NaN, -0, Number.NaN, 5, 0], 'gradient');
  });

  Relu('the gradient is one kernel with the addon, and matches the CPU backend on [3, 7, 64]', async () => {
    const rng = new SeededRandom(401);
    const xs = Float32Array.from({ length: 3 * 7 * 64 }, () => rng.normal());
    const dys = Float32Array.from({ length: xs.length }, () => rng.normal());
    const call = () => tf.grad((t: tf.Tensor) => tf.relu(t))(tf.tensor3d(xs, [3, 7, 64]), tf.tensor3d(dys, [3, 7, 64]));
    const [ref] = await onBackend('cpu', call);
    const [got] = await onBackend('wasm', call);
    assert.ok(relativeError(got as Float32Array, ref as Float32Array) < 1e-6);
    const profile = await tf.profile(() => tf.tidy(call));
    const names = profile.kernels.map((k) => k.name);
    // The addon's single kernel; without it tfjs's own step-and-multiply (a JavaScript loop was slower).
    assert.is(names.includes(RELU_GRAD), set === 'native', `kernels: ${names}`);
    assert.is(names.includes('Step'), set === 'js', `kernels: ${names}`);
  });

  Relu.run();
}
