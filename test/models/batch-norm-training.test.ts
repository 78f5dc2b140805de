import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs';
import { WASM_KERNEL_SETS, kernelSetSuite, onBackend, relativeError } from '../helpers/tf-backends.ts';
import { SeededRandom } from '../../src/core/random.ts';
import { batchNormTraining } from '../../src/models/ops/batch-norm-training.ts';
import { BATCH_NORM_TRAINING } from '../../src/backend/wasm-kernels/native-batch-norm.ts';

const EPSILON = 1e-3;

/** Inputs from a seed alone, so both backends see the same numbers; x off-centre so the moments matter. */
function inputs(rows: number, channels: number, seed: number) {
  const rng = new SeededRandom(seed);
  const values = (n: number, mean: number, std: number) =>
    Float32Array.from({ length: n }, () => rng.normal(mean, std));
  return {
    x: values(rows * channels, 2, 3),
    r: values(rows * channels, 0, 1),
    gamma: values(channels, 1, 0.3),
    beta: values(channels, 0, 1),
  };
}

type Inputs = ReturnType<typeof inputs>;

/** batchNormTraining's y, its moments disposed (they belong to the caller, outside any tidy). */
function normalised(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor): tf.Tensor2D {
  const { y, mean, variance } = batchNormTraining(x as tf.Tensor2D, gamma as tf.Tensor1D, beta as tf.Tensor1D, EPSILON);
  tf.dispose([mean, variance]);
  return y;
}

/** y, mean, variance, and the gradients of sum(y * r) for x, gamma and beta, by batchNormTraining. */
function ours(d: Inputs, rows: number, channels: number): tf.Tensor[] {
  const x = tf.tensor2d(d.x, [rows, channels]);
  const r = tf.tensor2d(d.r, [rows, channels]);
  const [gamma, beta] = [tf.tensor1d(d.gamma), tf.tensor1d(d.beta)];
  const { y, mean, variance } = batchNormTraining(x, gamma, beta, EPSILON);
  const loss = (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(normalised(a, g, b), r));
  return [y, mean, variance, ...tf.grads(loss)([x, gamma, beta])];
}

/** The same through tf.layers.batchNormalization's training path (moments, FusedBatchNorm, taped gradients). */
function stock(d: Inputs, rows: number, channels: number): tf.Tensor[] {
  const x = tf.tensor2d(d.x, [rows, channels]);
  const r = tf.tensor2d(d.r, [rows, channels]);
  const layer = tf.layers.batchNormalization({ epsilon: EPSILON });
  layer.build([null, channels]);
  layer.setWeights([tf.tensor1d(d.gamma), tf.tensor1d(d.beta), tf.zeros([channels]), tf.ones([channels])]);
  const vars = layer.trainableWeights.map((w) => w.read() as tf.Variable);
  const loss = (input: tf.Tensor) =>
    tf.sum(tf.mul(layer.apply(input, { training: true }) as tf.Tensor, r)) as tf.Scalar;
  const y = layer.apply(x, { training: true }) as tf.Tensor;
  const { mean, variance } = tf.moments(x, 0);
  const dx = tf.grad(loss)(x);
  const { grads } = tf.variableGrads(() => loss(x), vars);
  const out = [y, mean, variance, dx, ...vars.map((v) => grads[v.name] as tf.Tensor)];
  layer.weights.forEach((w) => w.dispose());
  return out;
}

const NAMES = ['y', 'mean', 'variance', 'dx', 'dgamma', 'dbeta'];
/** The CPU backend's reference per case, computed once for both kernel sets. */
const references = new Map<string, Float32Array[]>();

for (const set of WASM_KERNEL_SETS) {
  const Op = kernelSetSuite('batchNormTraining', set);
  Op.before(async () => {
    await tf.setBackend('wasm');
  });

  Op(`runs as ${set === 'native' ? 'one native kernel' : 'tfjs ops'} on wasm`, async () => {
    assert.is(tf.getKernel(BATCH_NORM_TRAINING, 'wasm') !== undefined, set === 'native');
    const d = inputs(3, 7, 1);
    const { kernelNames } = await tf.profile(() => ours(d, 3, 7));
    assert.is(kernelNames.includes(BATCH_NORM_TRAINING), set === 'native');
  });

  Op('gives the stock layer’s outputs, moments and gradients on odd shapes', async () => {
    let seed = 10;
    for (const rows of [1, 3, 200 * 32]) {
      for (const channels of [1, 7, 64]) {
        const d = inputs(rows, channels, seed++);
        const got = await onBackend('wasm', () => ours(d, rows, channels));
        // The reference on the CPU backend, which none of our kernels replace.
        const key = `${rows}x${channels}`;
        const want = references.get(key) ?? (await onBackend('cpu', () => stock(d, rows, channels)));
        references.set(key, want);
        NAMES.forEach((name, i) => {
          const [a, b] = [got[i] as Float32Array, want[i] as Float32Array];
          const e = relativeError(a, b);
          if (rows === 1 && name === 'dx') {
            // One row: y = beta whatever x is, so dx is zero, reached as the difference of terms
            // near gamma r / sqrt(epsilon) ~ 30; the taped path leaves their rounding (~1e-5).
            const largest = Math.max(...a.map(Math.abs), ...b.map(Math.abs));
            assert.ok(largest < 1e-3, `[1, ${channels}] dx: ${largest.toExponential(2)} from zero`);
          } else assert.ok(e < 1e-4, `[${rows}, ${channels}] ${name}: relative error ${e.toExponential(2)}`);
        });
      }
    }
    await tf.setBackend('wasm');
  });

  Op('tf.batchNorm (inference) gives the CPU backend’s numbers, per channel or broadcast', async () => {
    const rng = new SeededRandom(3);
    const values = (n: number, mean = 0, std = 1) => Float32Array.from({ length: n }, () => rng.normal(mean, std));
    const cases = [
      { shape: [1, 64], param: [64] },
      { shape: [2, 5, 7], param: [7] },
      { shape: [3, 4, 2, 1], param: [1] },
      // A statistic that is not per channel: the package's kernel.
      { shape: [2, 3, 4], param: [3, 4] },
    ];
    for (const { shape, param } of cases) {
      const n = (s: number[]) => s.reduce((a, b) => a * b, 1);
      const [x, mean, variance, offset, scale] = [
        values(n(shape), 2, 3),
        values(n(param)),
        values(n(param)).map((v) => Math.abs(v) + 0.1),
        values(n(param)),
        values(n(param), 1, 0.3),
      ];
      for (const withParams of [true, false]) {
        const run = () =>
          tf.batchNorm(
            tf.tensor(x, shape),
            tf.tensor(mean, param),
            tf.tensor(variance, param),
            withParams ? tf.tensor(offset, param) : undefined,
            withParams ? tf.tensor(scale, param) : undefined,
            EPSILON,
          );
        const [got] = await onBackend('wasm', run);
        const [want] = await onBackend('cpu', run);
        const e = relativeError(got as Float32Array, want as Float32Array);
        assert.ok(e < 1e-5, `[${shape}] with params ${withParams}: relative error ${e.toExponential(2)}`);
      }
    }
    await tf.setBackend('wasm');
  });

  Op('leaks no tensor with gradients', () => {
    const x = tf.randomNormal([5, 3]) as tf.Tensor2D;
    const [gamma, beta] = [tf.ones([3]) as tf.Tensor1D, tf.zeros([3]) as tf.Tensor1D];
    const run = () => {
      tf.tidy(() => {
        tf.grads((a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.sum(normalised(a, g, b)))([x, gamma, beta]);
      });
      const { y, mean, variance } = batchNormTraining(x, gamma, beta, EPSILON);
      tf.dispose([y, mean, variance]);
    };
    run();
    const n = tf.memory().numTensors;
    run();
    assert.is(tf.memory().numTensors, n);
    tf.dispose([x, gamma, beta]);
  });

  Op.run();
}
