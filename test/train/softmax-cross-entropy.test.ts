import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs';
import { WASM_KERNEL_SETS, onBackend, relativeError, useWasmKernelSet } from '../helpers/tf-backends.ts';
import { SeededRandom } from '../../src/core/random.ts';
import { meanSoftmaxCrossEntropy } from '../../src/train/softmax-cross-entropy.ts';
import {
  SOFTMAX_CROSS_ENTROPY,
  SOFTMAX_CROSS_ENTROPY_GRAD,
} from '../../src/backend/wasm-kernels/softmax-cross-entropy.ts';

/** The loss, its gradient for the logits and for the labels (of loss times 1.7, so dy is not 1). */
function lossAndGradients(loss: (y: tf.Tensor, z: tf.Tensor) => tf.Scalar, labels: number[][], logits: number[][]) {
  const y = tf.tensor2d(labels);
  const z = tf.tensor2d(logits);
  const scaled = (a: tf.Tensor, b: tf.Tensor) => tf.mul(loss(a, b), 1.7) as tf.Scalar;
  const [dy, dz] = tf.grads(scaled)([y, z]);
  return [loss(y, z), dz as tf.Tensor, dy as tf.Tensor];
}

function randomCase(seed: number, B: number, C: number) {
  const rng = new SeededRandom(seed);
  const logits = Array.from({ length: B }, () => Array.from({ length: C }, () => rng.normal(0, 4)));
  // One-hot rows and, in odd cases, soft labels (label smoothing and mixup make those).
  const labels = Array.from({ length: B }, (_, b) => {
    const row = new Array<number>(C).fill(seed % 2 === 1 ? 0.1 / C : 0);
    row[rng.int(0, C - 1)] = seed % 2 === 1 ? 0.9 + 0.1 / C : 1;
    return row;
  });
  return { labels, logits };
}

for (const set of WASM_KERNEL_SETS) {
  const Loss = suite(`meanSoftmaxCrossEntropy (${set} kernel set)`);
  Loss.before(() => useWasmKernelSet(set));

  Loss('equals tf.losses.softmaxCrossEntropy, value and gradients, on odd shapes', async () => {
    let seed = 1;
    for (const [B, C] of [
      [1, 2],
      [3, 7],
      [32, 27],
      [17, 101],
    ] as const) {
      const { labels, logits } = randomCase(seed++, B, C);
      const stock = await onBackend('cpu', () =>
        lossAndGradients((y, z) => tf.losses.softmaxCrossEntropy(y, z) as tf.Scalar, labels, logits),
      );
      const ours = await onBackend('wasm', () => lossAndGradients(meanSoftmaxCrossEntropy, labels, logits));
      ['loss', 'dlogits', 'dlabels'].forEach((what, i) => {
        const err = relativeError(ours[i] as Float32Array, stock[i] as Float32Array);
        assert.ok(err < 1e-5, `[${B}, ${C}] ${what}: relative error ${err}`);
      });
    }
  });

  Loss('worked by hand: two classes, logits 0 and ln 3', async () => {
    // p = [1/4, 3/4]; label class 1: loss -ln(3/4); dlogits (times 1.7) = 1.7 [1/4, -1/4].
    const [loss, dz] = await onBackend('wasm', () =>
      lossAndGradients(meanSoftmaxCrossEntropy, [[0, 1]], [[0, Math.log(3)]]),
    );
    assert.ok(Math.abs((loss?.[0] as number) + Math.log(0.75)) < 1e-6);
    assert.ok(Math.abs((dz?.[0] as number) - 1.7 / 4) < 1e-6 && Math.abs((dz?.[1] as number) + 1.7 / 4) < 1e-6);
  });

  Loss('is one kernel each way on wasm and leaks nothing', async () => {
    await tf.setBackend('wasm');
    const { labels, logits } = randomCase(9, 8, 5);
    const before = tf.memory().numTensors;
    const profile = await tf.profile(() => {
      tf.tidy(() => lossAndGradients(meanSoftmaxCrossEntropy, labels, logits)[0] as tf.Tensor).dispose();
    });
    const names = profile.kernels.map((k) => k.name);
    assert.is(names.filter((n) => n === SOFTMAX_CROSS_ENTROPY).length, 2, names.join(' ')); // the taped call and the value
    assert.is(names.filter((n) => n === SOFTMAX_CROSS_ENTROPY_GRAD).length, 1);
    assert.not.ok(names.includes('Exp') || names.includes('Max'), names.join(' '));
    assert.is(tf.memory().numTensors, before);
  });

  Loss("takes tf.oneHot's int32 labels (what the trainer passes) through the same kernels", async () => {
    await tf.setBackend('wasm');
    const { logits } = randomCase(4, 6, 5);
    const classes = [0, 4, 2, 2, 1, 3];
    const z = tf.tensor2d(logits);
    const oneHot = tf.oneHot(tf.tensor1d(classes, 'int32'), 5);
    assert.is(oneHot.dtype, 'int32');
    const profile = await tf.profile(() => {
      tf.dispose(tf.grad((zi: tf.Tensor) => meanSoftmaxCrossEntropy(oneHot, zi))(z));
    });
    const names = profile.kernels.map((k) => k.name);
    assert.is(names.filter((n) => n === SOFTMAX_CROSS_ENTROPY).length, 1, names.join(' '));
    assert.not.ok(names.includes('Exp') || names.includes('Max'), names.join(' '));
    const ours = meanSoftmaxCrossEntropy(oneHot, z).dataSync()[0] as number;
    const stock = tf.losses.softmaxCrossEntropy(oneHot, z).dataSync()[0] as number;
    assert.ok(Math.abs(ours - stock) < 1e-5 * Math.abs(stock), `${ours} vs ${stock}`);
    tf.dispose([z, oneHot]);
  });

  Loss.run();
}
