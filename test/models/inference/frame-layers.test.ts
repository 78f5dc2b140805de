import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs';
import { relativeError } from '../../helpers/tf-backends.ts';
import { SeededRandom } from '../../../src/core/random.ts';
import { loadNativeAddon } from '../../../src/backend/native/native-addon.ts';
import { compileInference } from '../../../src/models/inference/compile-inference.ts';
import { BatchToFrames, FramesToBatch } from '../../../src/models/layers/frame-batching.ts';

/**
 * The fusion network's per-frame CNN compiled (FramesToBatch, AveragePooling2D, Conv2D + ReLU +
 * MaxPooling2D, Flatten, Dense, BatchToFrames) against model.predict with the same weights.
 */
const { addon, reason } = loadNativeAddon();
if (addon === undefined) console.log(`compiled frame-layer tests: skipped (native addon: ${reason})`);
const Frames = suite('compileInference: frame CNN layers');
const test = addon === undefined ? Frames.skip : Frames;

Frames.before(async () => {
  await tf.setBackend('wasm');
});

const FRAMES = 3;

/** [frames, 10, 12, 2] clips -> per-frame CNN -> [frames, 5] -> mean over frames -> 4 classes. */
function frameModel(pool2d: 'valid' | 'same', seed: number): tf.LayersModel {
  const init = () => tf.initializers.glorotUniform({ seed: seed++ });
  const bias = () => tf.initializers.randomNormal({ stddev: 0.3, seed: seed++ });
  const input = tf.input({ shape: [FRAMES, 10, 12, 2] });
  let x = new FramesToBatch({}).apply(input) as tf.SymbolicTensor;
  x = tf.layers.averagePooling2d({ poolSize: 2, padding: pool2d }).apply(x) as tf.SymbolicTensor;
  const conv = (filters: number, activation: 'relu' | 'tanh' | 'linear', padding: 'same' | 'valid') =>
    tf.layers.conv2d({
      filters,
      kernelSize: 3,
      padding,
      activation,
      kernelInitializer: init(),
      biasInitializer: bias(),
    });
  x = conv(8, 'relu', 'same').apply(x) as tf.SymbolicTensor;
  x = tf.layers.maxPooling2d({ poolSize: 2 }).apply(x) as tf.SymbolicTensor; // fused into the conv above
  x = conv(16, 'tanh', 'same').apply(x) as tf.SymbolicTensor; // an activation after the conv step
  x = tf.layers.flatten().apply(x) as tf.SymbolicTensor;
  x = tf.layers.dense({ units: 5, kernelInitializer: init() }).apply(x) as tf.SymbolicTensor;
  x = new BatchToFrames({ frames: FRAMES }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.globalAveragePooling1d().apply(x) as tf.SymbolicTensor;
  const output = tf.layers.dense({ units: 4, kernelInitializer: init() }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: output });
}

test('a per-frame CNN at batch 1 and 2 equals model.predict', () => {
  const model = frameModel('valid', 21);
  const rng = new SeededRandom(5);
  for (const batch of [1, 2]) {
    const xs = tf.tensor5d(
      Float32Array.from({ length: batch * FRAMES * 10 * 12 * 2 }, () => rng.normal()),
      [batch, FRAMES, 10, 12, 2],
    );
    const result = compileInference(model, { batch });
    assert.ok(result.compiled, result.reason);
    const want = tf.tidy(() => Float32Array.from((model.predict(xs) as tf.Tensor).dataSync()));
    const got = result.compiled.predict([Float32Array.from(xs.dataSync())]);
    assert.equal(result.compiled.outputShape, [batch, 4]);
    const err = relativeError(got, want);
    assert.ok(err < 1e-4, `batch ${batch}: relative error ${err}`);
    xs.dispose();
  }
});

test('hand-worked: 2 x 2 average pooling, a 1 x 1 convolution with bias and ReLU, then 2 x 2 max pooling', () => {
  // One frame of 4 x 4 x 1 holding 0 .. 15: the 2 x 2 means are [2.5, 4.5; 10.5, 12.5]; times -1 plus 6
  // gives [3.5, 1.5; -4.5, -6.5], ReLU [3.5, 1.5; 0, 0], and the max of the window is 3.5.
  const input = tf.input({ shape: [1, 4, 4, 1] });
  let x = new FramesToBatch({}).apply(input) as tf.SymbolicTensor;
  x = tf.layers.averagePooling2d({ poolSize: 2 }).apply(x) as tf.SymbolicTensor;
  const conv = tf.layers.conv2d({ filters: 1, kernelSize: 1, activation: 'relu' });
  x = conv.apply(x) as tf.SymbolicTensor;
  x = tf.layers.maxPooling2d({ poolSize: 2 }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.flatten().apply(x) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: new BatchToFrames({ frames: 1 }).apply(x) as tf.SymbolicTensor });
  conv.setWeights([tf.tensor4d([-1], [1, 1, 1, 1]), tf.tensor1d([6])]);
  const result = compileInference(model, { batch: 1 });
  assert.ok(result.compiled, result.reason);
  assert.equal(result.compiled.outputShape, [1, 1, 1]);
  assert.equal(Array.from(result.compiled.predict([Float32Array.from({ length: 16 }, (_, i) => i)])), [3.5]);
});

test("average pooling with 'same' padding is not compiled, and says so", () => {
  const result = compileInference(frameModel('same', 40), { batch: 1 });
  assert.is(result.compiled, undefined);
  assert.match(result.reason ?? '', /AveragePooling2D.*valid padding/);
});

Frames.run();
