import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs';
import '../helpers/tf-backends.ts';
import { SeededRandom } from '../../src/core/random.ts';

/**
 * Our Sum/Mean gradients (registered by the test helper, as by selectBackend) must equal tfjs's
 * own formula, dy * ones(x.shape) (/ n for Mean), bit for bit.
 */
const Grads = suite('Sum and Mean gradients');
for (const backend of ['cpu', 'wasm'] as const) {
  Grads(`equal tfjs's dy * ones formula exactly on ${backend}`, async () => {
    await tf.setBackend(backend);
    const rng = new SeededRandom(91);
    const cases: [number[], number | number[], boolean][] = [
      [[5], 0, false],
      [[4, 6], 1, true],
      [[4, 6], [0, 1], false],
      [[3, 1, 7, 5], [0, 1, 2], false],
      [[3, 1, 7, 5], [1, 3], true],
      [[2, 3, 4], -1, false],
      [[32, 1, 20, 8], [0, 1, 2], true],
    ];
    for (const [shape, axis, keepDims] of cases) {
      for (const op of ['sum', 'mean'] as const) {
        tf.tidy(() => {
          const x = tf.tensor(
            Float32Array.from({ length: tf.util.sizeFromShape(shape) }, () => rng.normal()),
            shape,
          );
          const reduce = (t: tf.Tensor) => (op === 'sum' ? tf.sum(t, axis, keepDims) : tf.mean(t, axis, keepDims));
          const dy = tf.tensor(
            Float32Array.from({ length: reduce(x).size }, () => rng.normal()),
            reduce(x).shape,
          );
          const got = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(reduce(t), dy)))(x);
          const expanded = shape.slice();
          for (const a of tf.util.parseAxisParam(axis, shape)) expanded[a] = 1;
          let want = tf.mul(tf.reshape(dy, expanded), tf.ones(shape, 'float32'));
          if (op === 'mean') want = tf.div(want, tf.util.sizeFromShape(shape) / dy.size);
          assert.equal(got.shape, shape);
          assert.equal(
            Array.from(got.dataSync()),
            Array.from(want.dataSync()),
            `${op} [${shape}] axis ${JSON.stringify(axis)} keepDims ${keepDims}`,
          );
        });
      }
    }
  });
}
Grads("of int32 input is float32, as with tfjs's own", async () => {
  await tf.setBackend('cpu');
  const g = tf.grad((t: tf.Tensor) => tf.sum(t))(tf.tensor([1, 2, 3], [3], 'int32'));
  assert.is(g.dtype, 'float32');
  assert.equal(Array.from(g.dataSync()), [1, 1, 1]);
});
Grads.run();
