import { batchLosses, encoderClassifier } from '../../helpers/encoder-classifier.ts';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../../src/backend/select-backend.ts';
import { setLogLevel } from '../../../src/core/logger.ts';
import { buildDepthMapsEncoder } from '../../../src/models/encoders/depth-maps-encoder.ts';
import {
  DEFAULT_DEPTH_MAPS_OPTIONS,
  type DepthMapsEncoderOptions,
} from '../../../src/models/encoders/depth-maps-options.ts';

/** A classifier on the encoder alone: maps [S, S, 3] -> encoder vector -> logits. */
function classifier(size: number, options: DepthMapsEncoderOptions, classes: number): tf.LayersModel {
  let seed = 1;
  const input = tf.input({ shape: [size, size, 3], name: 'depthMaps' });
  const out = buildDepthMapsEncoder(input, options, {
    modality: 'depthMaps',
    shape: [size, size, 3],
    nextSeed: () => seed++,
  });
  assert.is(out.kind, 'vector');
  return encoderClassifier(input, out, classes, seed++);
}

const Encoder = suite('depth maps encoder');
Encoder.before(async () => {
  setLogLevel('warn');
  await selectBackend('wasm');
});

Encoder('defaults: three blocks of 16, 32, 64 filters, each halving the map by its stride, flattened', () => {
  assert.equal(DEFAULT_DEPTH_MAPS_OPTIONS, { widths: [16, 32, 64], downsample: 'stride', pooling: 'flatten' });
  const model = classifier(64, DEFAULT_DEPTH_MAPS_OPTIONS, 5);
  const names = model.layers.map((l) => l.name);
  for (const block of [1, 2, 3])
    for (const layer of ['conv', 'bn', 'relu'])
      assert.ok(names.includes(`depthMaps_${layer}${block}`), `${layer}${block}`);
  assert.not.ok(names.some((n) => n.includes('pool')));
  assert.equal(model.getLayer('depthMaps_conv1').outputShape, [null, 32, 32, 16]);
  assert.equal(model.getLayer('depthMaps_relu3').outputShape, [null, 8, 8, 64]);
  // Where on the map each feature is stays in the vector: 8 x 8 x 64.
  assert.equal(model.getLayer('depthMaps_flatten').outputShape, [null, 8 * 8 * 64]);
  // No bias in a conv that feeds a BatchNorm.
  assert.is(model.getLayer('depthMaps_conv1').getWeights().length, 1);
  model.dispose();
});

Encoder("'max-pool' convolves at full size, then pools 2x2; 'mean' averages the last map", () => {
  const model = classifier(64, { widths: [16, 32, 64], downsample: 'max-pool', pooling: 'mean' }, 5);
  assert.equal(model.getLayer('depthMaps_conv1').outputShape, [null, 64, 64, 16]);
  assert.equal(model.getLayer('depthMaps_pool3').outputShape, [null, 8, 8, 64]);
  assert.equal(model.getLayer('depthMaps_mean').outputShape, [null, 64]);
  model.dispose();
});

Encoder('a tiny model learns maps apart: the loss falls over a few steps', async () => {
  // Two classes of 16 x 16 maps: motion in the upper half, or in the lower half.
  const n = 16;
  const x = tf.tidy(() => {
    const rows = tf.range(0, 16).reshape([1, 16, 1, 1]);
    const upper = tf.cast(tf.less(rows, 8), 'float32').tile([n / 2, 1, 16, 3]);
    const lower = tf.sub(1, upper);
    return tf.concat([upper, lower]).mul(tf.randomUniform([n, 16, 16, 3], 0.5, 1, 'float32', 3));
  });
  const y = tf.oneHot(tf.tensor1d([...Array<number>(n / 2).fill(0), ...Array<number>(n / 2).fill(1)], 'int32'), 2);
  const model = classifier(16, { ...DEFAULT_DEPTH_MAPS_OPTIONS, widths: [4, 8] }, 2);
  const losses = await batchLosses(model, x, y, 12, 0.01);
  assert.ok(
    (losses.at(-1) as number) < 0.5 * (losses[0] as number),
    `loss ${losses.map((l) => l.toFixed(3)).join(', ')}`,
  );
  model.dispose();
  tf.dispose([x, y]);
});

Encoder('names what is wrong with the input', () => {
  const build = (shape: number[], widths = [4, 8, 16], downsample = 'stride', pooling = 'flatten') =>
    buildDepthMapsEncoder(tf.input({ shape }), { widths, downsample, pooling } as DepthMapsEncoderOptions, {
      modality: 'depthMaps',
      shape,
      nextSeed: () => 1,
    });
  assert.throws(
    () => build([16, 16]),
    /buildDepthMapsEncoder\(\): depthMaps input must be \[height, width, channels\]/,
  );
  assert.throws(() => build([4, 4, 3]), /4 x 4, too small for 3 halvings \(needs 8\)/);
  assert.throws(() => build([16, 16, 3], [4], 'avg'), /downsample must be 'stride' or 'max-pool', got avg/);
  assert.throws(() => build([16, 16, 3], [4], 'stride', 'max'), /pooling must be 'flatten' or 'mean', got max/);
  assert.throws(() => build([16, 16, 3], []), /widths must name at least one block/);
});

Encoder.run();
