import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs';
import '../helpers/tf-backends.ts';
import { mixJoints, mixJointsFixed } from '../../src/models/ops/mix-joints.ts';

const Mix = suite('mixJoints');
Mix.before(async () => {
  await tf.setBackend('wasm');
});

// a [2 rows, 2 joints], x [2 samples, 2 joints, 1 channel].
const a = () => tf.tensor2d([1, 2, 3, 4], [2, 2]);
const x = () => tf.tensor3d([1, 10, 100, 1000], [2, 2, 1]);

Mix('mixes joints by a, the same for every sample: out[n, r] = sum_w a[r, w] x[n, w]', () => {
  const out = mixJoints(a(), x());
  assert.equal(out.shape, [2, 2, 1]);
  assert.equal(Array.from(out.dataSync()), [21, 43, 2100, 4300]);
});

Mix('has gradients da = sum_n dy[n] x[n]^T and dx = a^T dy (dy all ones)', () => {
  const [da, dx] = tf.grads((aa: tf.Tensor, xx: tf.Tensor) => tf.sum(mixJoints(aa as tf.Tensor2D, xx as tf.Tensor3D)))([
    a(),
    x(),
  ]);
  // da[r, w] = sum_n x[n, w] = [101, 1010] per row; dx[n, w] = sum_r a[r, w] = [4, 6] per sample.
  assert.equal(Array.from((da as tf.Tensor).dataSync()), [101, 1010, 101, 1010]);
  assert.equal(Array.from((dx as tf.Tensor).dataSync()), [4, 6, 4, 6]);
});

Mix('mixJointsFixed: the same values, and dx without a gradient for a', () => {
  const fixed = a();
  assert.equal(Array.from(mixJointsFixed(fixed, x()).dataSync()), [21, 43, 2100, 4300]);
  const dx = tf.grad((xx: tf.Tensor) => tf.sum(mixJointsFixed(fixed, xx as tf.Tensor3D)))(x());
  assert.equal(Array.from(dx.dataSync()), [4, 6, 4, 6]);
});

Mix('leaks no tensor', () => {
  const [aa, xx] = [a(), x()];
  const run = () =>
    tf.tidy(() => {
      tf.grads((p: tf.Tensor, q: tf.Tensor) => tf.sum(mixJoints(p as tf.Tensor2D, q as tf.Tensor3D)))([aa, xx]);
      tf.grad((q: tf.Tensor) => tf.sum(mixJointsFixed(aa, q as tf.Tensor3D)))(xx);
    });
  run();
  const n = tf.memory().numTensors;
  run();
  assert.is(tf.memory().numTensors, n);
  tf.dispose([aa, xx]);
});

Mix('names the bad argument', () => {
  assert.throws(
    () => mixJoints(a(), tf.zeros([2, 3, 1]) as tf.Tensor3D),
    /mixJoints\(\): x must be \[batch, 2, channels\]/,
  );
  assert.throws(
    () => mixJointsFixed(tf.zeros([2]) as unknown as tf.Tensor2D, x()),
    /mixJointsFixed\(\): a must be \[rows, joints\]/,
  );
});

Mix.run();
