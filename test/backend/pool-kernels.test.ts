import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs';
import { WASM_KERNEL_SETS, kernelSetSuite, onBackend, relativeError } from '../helpers/tf-backends.ts';
import { SeededRandom } from '../../src/core/random.ts';

const TOLERANCE = 1e-4;
const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);
type Shape4 = [number, number, number, number];

/** A pooling case: channels 1, 7 or 64; pool 1-3 a side; strides 1-3; same or valid. */
function randomPoolCase(rng: SeededRandom, i: number) {
  const [fh, fw] = [rng.int(1, 3), rng.int(1, 3)];
  const channels = [1, 7, 64][i % 3] as number;
  const xShape: Shape4 = [rng.int(1, 3), rng.int(fh, 9), rng.int(fw, 9), channels];
  const strides: [number, number] = [rng.int(1, 3), rng.int(1, 3)];
  const pad = rng.bernoulli(0.5) ? ('same' as const) : ('valid' as const);
  // Every other case draws from five values, so windows hold ties (the first maximum must win).
  const tied = i % 2 === 0;
  const x = Float32Array.from({ length: size(xShape) }, () => (tied ? rng.int(-2, 2) : rng.normal()));
  const info = tf.backend_util.computePool2DInfo(xShape, [fh, fw], strides, 1, pad);
  const dy = Float32Array.from({ length: size(info.outShape) }, () => rng.normal());
  return { fh, fw, xShape, strides, pad, x, dy, info, label: `x=[${xShape}] pool=[${fh},${fw}] s=[${strides}] ${pad}` };
}

for (const set of WASM_KERNEL_SETS) {
  const Pool = kernelSetSuite('MaxPool and its gradient (wasm)', set);

  Pool('pools a hand-worked 1-D case and sends each gradient to the first maximum', async () => {
    const [y, dx] = await onBackend('wasm', () => {
      const x = tf.tensor3d([1, 3, 2, 2, -1, 0], [1, 6, 1]);
      const pooled = tf.layers.maxPooling1d({ poolSize: 2 }).apply(x) as tf.Tensor;
      const grad = tf.grad((t: tf.Tensor) =>
        tf.sum(
          tf.mul(
            tf.layers.maxPooling1d({ poolSize: 2 }).apply(t) as tf.Tensor,
            tf.tensor1d([10, 20, 30]).reshape([1, 3, 1]),
          ),
        ),
      )(x);
      return [pooled, grad];
    });
    assert.equal(Array.from(y as Float32Array), [3, 2, 0]);
    assert.equal(Array.from(dx as Float32Array), [0, 10, 20, 0, 0, 30]);
  });

  Pool(
    'matches the CPU backend forward and backward on 24 random cases (channels 1/7/64, pools 1-3, ties)',
    async () => {
      const rng = new SeededRandom(301);
      for (let i = 0; i < 24; i++) {
        const c = randomPoolCase(rng, i);
        const call = () =>
          tf.tidy(() => {
            const xt = tf.tensor4d(c.x, c.xShape);
            const y = tf.maxPool(xt, [c.fh, c.fw], c.strides, c.pad);
            const dx = tf
              .engine()
              .runKernel(
                'MaxPoolGrad',
                { dy: tf.tensor(c.dy, c.info.outShape), input: xt, output: y },
                { filterSize: [c.fh, c.fw], strides: c.strides, pad: c.pad },
              ) as tf.Tensor;
            return [y, dx];
          });
        const ref = await onBackend('cpu', call);
        const got = await onBackend('wasm', call);
        for (const [k, name] of ['y', 'dx'].entries()) {
          const err = relativeError(got[k] as Float32Array, ref[k] as Float32Array);
          assert.ok(err < TOLERANCE, `case ${i} ${c.label} ${name}: relative error ${err.toExponential(2)}`);
        }
      }
    },
  );

  // The package's own MaxPool (the js set's) lets NaN through; the addon's follows the CPU backend.
  Pool('ignores NaN in a window, as the CPU backend does (native kernels)', async () => {
    if (set !== 'native') return;
    const call = () => tf.maxPool(tf.tensor4d([Number.NaN, 2, 5, Number.NaN], [1, 4, 1, 1]), [2, 1], [2, 1], 'valid');
    const [got] = await onBackend('wasm', call);
    assert.equal(Array.from(got as Float32Array), [2, 5]);
  });

  Pool.run();

  const Cast = kernelSetSuite('Cast (wasm, shared when the dtype stays)', set);
  Cast('a cast to the same dtype shares memory and outlives its input; a real conversion still converts', async () => {
    await tf.setBackend('wasm');
    const buffers = tf.engine().backend.numDataIds();
    const x = tf.tensor([1.5, -2.5, 3]);
    const y = tf.cast(x, 'float32');
    assert.is(tf.engine().backend.numDataIds(), buffers + 1, 'no second buffer');
    x.dispose();
    assert.equal(Array.from(y.dataSync()), [1.5, -2.5, 3]);
    const ints = tf.cast(y, 'int32');
    assert.is(ints.dtype, 'int32');
    assert.equal(Array.from(ints.dataSync()), [1, -2, 3]);
    const floats = tf.cast(ints, 'float32');
    assert.is(floats.dtype, 'float32');
    assert.equal(Array.from(floats.dataSync()), [1, -2, 3]);
    tf.dispose([y, ints, floats]);
    assert.is(tf.engine().backend.numDataIds(), buffers, 'every buffer is freed with its last tensor');
  });
  Cast.run();
}
