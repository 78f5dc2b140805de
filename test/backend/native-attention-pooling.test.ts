import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs';
import { WASM_KERNEL_SETS, kernelSetSuite, relativeError } from '../helpers/tf-backends.ts';
import { SeededRandom } from '../../src/core/random.ts';
import { ATTENTION_POOLING } from '../../src/backend/wasm-kernels/native-attention-pooling.ts';
import { attentionPooling, attentionPoolingOps } from '../../src/models/ops/attention-pooling.ts';

const TOLERANCE = 1e-4;

type Args = [tf.Tensor3D, tf.Tensor2D, tf.Tensor1D, tf.Tensor2D];

function randomArgs(seed: number, B: number, T: number, F: number, U: number): Args {
  const rng = new SeededRandom(seed);
  const t = (shape: number[]) =>
    tf.tensor(
      Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal()),
      shape,
    );
  return [t([B, T, F]) as tf.Tensor3D, t([F, U]) as tf.Tensor2D, t([U]) as tf.Tensor1D, t([U, 1]) as tf.Tensor2D];
}

/** Output and gradients w.r.t. x, W, b, v of sum(pool(...) * r), as plain arrays. */
function outputAndGradients(pool: typeof attentionPooling, args: Args, r: tf.Tensor): Float32Array[] {
  return tf.tidy(() => {
    const out = pool(...args);
    const loss = (x: tf.Tensor, W: tf.Tensor, b: tf.Tensor, v: tf.Tensor) =>
      tf.sum(tf.mul(pool(x as tf.Tensor3D, W as tf.Tensor2D, b as tf.Tensor1D, v as tf.Tensor2D), r));
    const grads = tf.grads(loss)(args);
    return [out, ...grads].map((t) => Float32Array.from(t.dataSync()));
  });
}

// B 1/3/32, T 1/8/50, F 5/128, units both below and above the features.
const SHAPES: [number, number, number, number][] = [
  [1, 1, 5, 3],
  [3, 8, 5, 7],
  [3, 50, 5, 2],
  [1, 50, 128, 96],
  [32, 8, 128, 128],
  [32, 50, 128, 96],
];
const NAMES = ['out', 'dx', 'dW', 'db', 'dv'];

for (const set of WASM_KERNEL_SETS) {
  const Pool = kernelSetSuite('attentionPooling', set);
  Pool.before(async () => {
    await tf.setBackend('wasm');
  });

  Pool(`${set === 'native' ? 'runs the native kernel' : 'runs the stock ops (no kernel)'} on the wasm backend`, () => {
    assert.is(tf.getKernel(ATTENTION_POOLING, 'wasm') !== undefined, set === 'native');
  });

  Pool('matches the stock ops in output and every gradient', () => {
    SHAPES.forEach(([B, T, F, U], i) => {
      const args = randomArgs(10 + i, B, T, F, U);
      const [r] = randomArgs(50 + i, 1, B, F, 1);
      const got = outputAndGradients(attentionPooling, args, r);
      const want = outputAndGradients(attentionPoolingOps, args, r);
      got.forEach((g, k) => {
        const w = want[k] as Float32Array;
        // T = 1: the weight is 1 whatever the scores, so W, b and v get exactly zero gradient.
        const err = w.every((z) => z === 0) ? Math.max(...g.map(Math.abs)) : relativeError(g, w);
        assert.ok(err < TOLERANCE, `[${B},${T},${F},${U}] ${NAMES[k]}: relative error ${err.toExponential(2)}`);
      });
      tf.dispose([...args, r]);
    });
  });

  Pool('gives the hand-worked output and gradients', () => {
    // x = [1, 3] over time, W = b = 0: every score is 0, so w = [1/2, 1/2] and out = 2. With
    // dout = 1: ds_t = w_t (x_t - out) = [-1/2, 1/2]; dz_t = ds_t v (1 - tanh(0)^2) = [-1, 1] (v = 2);
    // dx = w dout + dz W = [1/2, 1/2]; dW = sum_t x_t dz_t = 2; db = sum dz = 0; dv = sum ds tanh(0) = 0.
    const args: Args = [tf.tensor3d([[[1], [3]]]), tf.zeros([1, 1]), tf.zeros([1]), tf.tensor2d([[2]])];
    const got = outputAndGradients(attentionPooling, args, tf.ones([1, 1]));
    const want = [[2], [0.5, 0.5], [2], [0], [0]];
    got.forEach((g, k) =>
      assert.equal(
        Array.from(g, (z) => Math.round(z * 1e5) / 1e5 + 0),
        want[k],
        `${NAMES[k]}`,
      ),
    );
    tf.dispose(args);
  });

  Pool('outside a gradient allocates only the output, and leaks nothing with one', async () => {
    const args = randomArgs(3, 1, 50, 128, 96);
    attentionPooling(...args).dispose();
    const before = tf.memory();
    const profile = await tf.profile(() => attentionPooling(...args));
    assert.is(tf.memory().numTensors, before.numTensors + 1);
    if (set === 'native') {
      // One kernel, and not one byte beyond the [1, 128] output: no activations kept for a gradient.
      assert.is(profile.kernels.length, 1);
      assert.is(profile.peakBytes - before.numBytes, 128 * 4);
    }
    (profile.result as tf.Tensor).dispose();
    const dx = tf.grad((x: tf.Tensor) => tf.sum(attentionPooling(x as tf.Tensor3D, args[1], args[2], args[3])))(
      args[0],
    );
    dx.dispose();
    assert.is(tf.memory().numTensors, before.numTensors);
    tf.dispose(args);
  });

  Pool.run();
}
