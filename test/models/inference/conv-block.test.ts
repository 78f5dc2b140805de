import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs';
import { relativeError } from '../../helpers/tf-backends.ts';
import { SeededRandom } from '../../../src/core/random.ts';
import { loadNativeAddon } from '../../../src/backend/native/native-addon.ts';

/** The addon's convBlock (conv1d + bias + ReLU + max pool in one call, BatchNorm folded in by the caller). */
const { addon, reason } = loadNativeAddon();
if (addon === undefined) console.log(`convBlock tests: skipped (native addon: ${reason})`);
const ConvBlock = suite('native convBlock');
const test = addon === undefined ? ConvBlock.skip : ConvBlock;

test('a hand-worked case: x 1..5, filter [1, 1, 1] same, bias -7, ReLU, pool 2', () => {
  // conv [3, 6, 9, 12, 9] - 7 = [-4, -1, 2, 5, 2]; ReLU [0, 0, 2, 5, 2]; pool 2 (stride 2) -> [0, 5].
  const y = new Float32Array(2);
  addon!.convBlock(
    Float32Array.of(1, 2, 3, 4, 5),
    Float32Array.of(1, 1, 1),
    Float32Array.of(-7),
    y,
    [1, 5, 1, 5, 1, 3, 1, 1, 1, 1, 2, 2, 2],
    true,
  );
  assert.equal(Array.from(y), [0, 5]);
});

test('matches tf.conv1d + batchNorm + relu + maxPool (BatchNorm folded into filter and bias), dilation 2', async () => {
  await tf.setBackend('wasm');
  const rng = new SeededRandom(7);
  const [B, W, C, K, O] = [2, 13, 3, 3, 4];
  const rand = (n: number, scale = 1) => Float32Array.from({ length: n }, () => rng.normal() * scale);
  const x = rand(B * W * C);
  const filter = rand(K * C * O);
  const bias = rand(O);
  const mean = rand(O, 0.5);
  const variance = Float32Array.from({ length: O }, () => rng.uniform(0.5, 1.5));
  const gamma = rand(O);
  const beta = rand(O);
  const eps = 1e-3;
  const want = tf.tidy(() => {
    const conv = tf.add(
      tf.conv1d(tf.tensor3d(x, [B, W, C]), tf.tensor3d(filter, [K, C, O]), 1, 'same', 'NWC', 2),
      bias,
    );
    const bn = tf.batchNorm(conv, mean, variance, beta, gamma, eps);
    const pooled = tf.maxPool(tf.reshape(tf.relu(bn), [B, 1, W, O]) as tf.Tensor4D, [1, 2], [1, 2], 'valid');
    return Float32Array.from(pooled.dataSync());
  });
  const scale = Float32Array.from(gamma, (g, o) => g / Math.sqrt((variance[o] as number) + eps));
  const folded = Float32Array.from(filter, (w, i) => w * (scale[i % O] as number));
  const foldedBias = Float32Array.from(
    bias,
    (b, o) => (b - (mean[o] as number)) * (scale[o] as number) + (beta[o] as number),
  );
  const outW = Math.floor(W / 2);
  const y = new Float32Array(B * outW * O);
  // same padding, dilation 2: total padding (W - 1) + 2 * (K - 1) + 1 - W = 4, 2 on the left.
  addon!.convBlock(x, folded, foldedBias, y, [B, W, C, W, O, K, 1, 2, 2, 1, 2, 2, outW], true);
  const err = relativeError(y, want);
  assert.ok(err < 1e-5, `relative error ${err}`);
});

ConvBlock.run();
