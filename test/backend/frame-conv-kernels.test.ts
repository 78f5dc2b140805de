import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs';
import { WASM_KERNEL_SETS, kernelSetSuite, onBackend, relativeError } from '../helpers/tf-backends.ts';
import { SeededRandom } from '../../src/core/random.ts';

type Shape4 = [number, number, number, number];

function randoms(rng: SeededRandom, shape: number[]): Float32Array {
  return Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal());
}

/** Output, dx and dfilter of a convolution on `backend`, for a fixed random dy. */
function convWithGradients(
  xShape: Shape4,
  filterShape: Shape4,
  strides: number,
  pad: 'same' | 'valid',
  dilations: number,
  seed: number,
) {
  const rng = new SeededRandom(seed);
  const xs = randoms(rng, xShape);
  const fs = randoms(rng, filterShape);
  const info = tf.backend_util.computeConv2DInfo(xShape, filterShape, strides, dilations, pad);
  const dys = randoms(rng, info.outShape);
  return () => {
    const x = tf.tensor4d(xs, xShape);
    const f = tf.tensor4d(fs, filterShape);
    const dy = tf.tensor4d(dys, info.outShape);
    const conv = (a: tf.Tensor4D, b: tf.Tensor4D) => tf.conv2d(a, b, strides, pad, 'NHWC', dilations);
    const [dx, df] = tf.grads((a: tf.Tensor, b: tf.Tensor) => conv(a as tf.Tensor4D, b as tf.Tensor4D))([x, f], dy);
    return [conv(x, f), dx as tf.Tensor, df as tf.Tensor];
  };
}

// Shapes of the fusion network's frame CNNs, small: few output channels take the direct kernels
// (forward, filter gradient, and the input gradient at stride 1 as a flipped forward convolution).
// (tfjs has no convolution gradient with dilation above 1, so none is tested here.)
const CASES: { name: string; x: Shape4; filter: Shape4; strides: number; pad: 'same' | 'valid'; dilations: number }[] =
  [
    { name: '3 -> 8 channels, same', x: [2, 9, 7, 3], filter: [3, 3, 3, 8], strides: 1, pad: 'same', dilations: 1 },
    { name: '8 -> 16 channels, same', x: [2, 6, 5, 8], filter: [3, 3, 8, 16], strides: 1, pad: 'same', dilations: 1 },
    {
      name: '16 -> 32 channels, valid',
      x: [1, 6, 6, 16],
      filter: [3, 3, 16, 32],
      strides: 1,
      pad: 'valid',
      dilations: 1,
    },
    {
      name: '8 -> 24 channels, stride 2',
      x: [2, 9, 8, 8],
      filter: [3, 3, 8, 24],
      strides: 2,
      pad: 'same',
      dilations: 1,
    },
    {
      name: '16 -> 8 channels, 3 x 2 filter (uneven padding)',
      x: [1, 8, 7, 16],
      filter: [3, 2, 16, 8],
      strides: 1,
      pad: 'same',
      dilations: 1,
    },
    {
      name: '2 -> 8 channels, 5 x 5 valid',
      x: [3, 7, 9, 2],
      filter: [5, 5, 2, 8],
      strides: 1,
      pad: 'valid',
      dilations: 1,
    },
  ];

for (const set of WASM_KERNEL_SETS) {
  const Conv = kernelSetSuite('frame CNN convolutions (wasm)', set);

  CASES.forEach((c, i) => {
    Conv(`${c.name}: output, dx and dfilter match the CPU backend`, async () => {
      const call = convWithGradients(c.x, c.filter, c.strides, c.pad, c.dilations, 700 + i);
      const ref = await onBackend('cpu', call);
      const got = await onBackend('wasm', call);
      ['y', 'dx', 'dfilter'].forEach((what, k) => {
        const err = relativeError(got[k] as Float32Array, ref[k] as Float32Array);
        assert.ok(err < 1e-5, `${what}: relative error ${err}`);
      });
    });
  });

  Conv('fused conv2d with bias and ReLU (predict path) matches conv, add and relu on the CPU backend', async () => {
    const rng = new SeededRandom(711);
    const xs = randoms(rng, [2, 7, 6, 3]);
    const fs = randoms(rng, [3, 3, 3, 8]);
    const bs = randoms(rng, [8]);
    const call = () => {
      const x = tf.tensor4d(xs, [2, 7, 6, 3]);
      const filter = tf.tensor4d(fs, [3, 3, 3, 8]);
      const bias = tf.tensor1d(bs);
      return [
        tf.fused.conv2d({ x, filter, bias, pad: 'same', strides: 1, activation: 'relu' }),
        tf.fused.conv2d({ x, filter, pad: 'valid', strides: 1 }),
      ];
    };
    const ref = await onBackend('cpu', call);
    const got = await onBackend('wasm', call);
    assert.ok(relativeError(got[0] as Float32Array, ref[0] as Float32Array) < 1e-5, 'bias + relu');
    assert.ok(relativeError(got[1] as Float32Array, ref[1] as Float32Array) < 1e-5, 'linear, no bias');
    assert.ok(
      (got[0] as Float32Array).every((v) => v >= 0),
      'relu leaves no negative value',
    );
    assert.ok(
      (got[0] as Float32Array).some((v) => v === 0),
      'relu clipped some values',
    );
  });

  Conv('a bias added along the last axis, either operand order, and its gradient', async () => {
    // Hand-worked: ones + [0.5, -2] is [1.5, -1] in every row; the bias gradient sums dy = 1 over 4096 rows.
    const [y, yr, db] = await onBackend('wasm', () => {
      const x = tf.ones([4096, 2]);
      const b = tf.tensor1d([0.5, -2]);
      return [tf.add(x, b), tf.add(b, x), tf.grad((t: tf.Tensor) => tf.add(x, t))(b)];
    });
    for (const out of [y, yr] as Float32Array[]) {
      assert.is(out.length, 8192);
      assert.ok(
        out.every((v, i) => v === (i % 2 === 0 ? 1.5 : -1)),
        'every row is [1.5, -1]',
      );
    }
    assert.equal(Array.from(db as Float32Array), [4096, 4096]);
  });

  Conv.run();
}
