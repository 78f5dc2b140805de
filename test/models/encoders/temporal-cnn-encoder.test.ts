import { batchLosses, encoderClassifier } from '../../helpers/encoder-classifier.ts';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../../src/backend/select-backend.ts';
import { setLogLevel } from '../../../src/core/logger.ts';
import { buildTemporalCnnEncoder } from '../../../src/models/encoders/temporal-cnn-encoder.ts';
import {
  DEFAULT_TEMPORAL_CNN_OPTIONS,
  type TemporalCnnOptions,
} from '../../../src/models/encoders/temporal-cnn-options.ts';

/** A classifier on the encoder alone: [T, D] -> encoder vector -> logits. */
function classifier(shape: number[], classes: number, options: Partial<TemporalCnnOptions> = {}): tf.LayersModel {
  let seed = 1;
  const input = tf.input({ shape, name: 'imu' });
  const out = buildTemporalCnnEncoder(
    input,
    { ...DEFAULT_TEMPORAL_CNN_OPTIONS, ...options },
    { modality: 'imu', shape, nextSeed: () => seed++ },
  );
  assert.is(out.kind, 'vector');
  return encoderClassifier(input, out, classes, seed++);
}

const Encoder = suite('temporal CNN encoder');
Encoder.before(async () => {
  setLogLevel('warn');
  await selectBackend('wasm');
});

Encoder('defaults: conv k5 + BN + ReLU + max-pool 2 with 64, 64, 128 filters, averaged to a 128-vector', () => {
  assert.equal(DEFAULT_TEMPORAL_CNN_OPTIONS, { widths: [64, 64, 128], kernel: 5, residual: false });
  const model = classifier([200, 14], 5);
  const names = model.layers.map((l) => l.name);
  for (const block of [1, 2, 3])
    for (const layer of ['conv', 'bn', 'relu', 'pool'])
      assert.ok(names.includes(`imu_${layer}${block}`), `${layer}${block}`);
  assert.not.ok(names.some((n) => n.startsWith('imu_res') || n.startsWith('imu_add')));
  assert.equal(model.getLayer('imu_conv1').getWeights()[0]?.shape, [5, 14, 64]);
  // No bias in a conv that feeds a BatchNorm; the BatchNorm's momentum is 0.9.
  assert.is(model.getLayer('imu_conv1').getWeights().length, 1);
  assert.is(model.getLayer('imu_bn1').getConfig()['momentum'], 0.9);
  assert.equal(model.getLayer('imu_pool3').outputShape, [null, 25, 128]);
  assert.equal(model.getLayer('imu_mean').outputShape, [null, 128]);
  model.dispose();
});

Encoder('residual: a 1x1 projection of each block input added before the ReLU', () => {
  const model = classifier([32, 180], 3, { widths: [16, 24], residual: true });
  assert.equal(model.getLayer('imu_res2').getWeights()[0]?.shape, [1, 16, 24]);
  const add = model.getLayer('imu_add2');
  assert.equal(
    (add.inboundNodes[0]?.inboundLayers ?? []).map((l) => l.name),
    ['imu_bn2', 'imu_res_bn2'],
  );
  assert.equal(model.getLayer('imu_mean').outputShape, [null, 24]);
  model.dispose();
});

Encoder('a tiny model learns a sine from a square wave: the loss falls over a few steps', async () => {
  // 16 sequences of 32 steps, 3 channels: class 0 carries a sine on channel 0, class 1 a square wave.
  const [n, T, D] = [16, 32, 3];
  const data = new Float32Array(n * T * D);
  for (let i = 0; i < n; i++)
    for (let t = 0; t < T; t++) {
      const phase = (2 * Math.PI * (t + i)) / 8;
      data[(i * T + t) * D] = i % 2 === 0 ? Math.sin(phase) : Math.sign(Math.sin(phase));
      data[(i * T + t) * D + 1] = 0.1 * Math.cos(i + t);
    }
  const x = tf.tensor3d(data, [n, T, D]);
  const y = tf.oneHot(
    tf.tensor1d(
      Array.from({ length: n }, (_, i) => i % 2),
      'int32',
    ),
    2,
  );
  const model = classifier([T, D], 2, { widths: [8, 8], kernel: 3 });
  const losses = await batchLosses(model, x, y, 20, 0.02);
  assert.ok(
    (losses.at(-1) as number) < 0.25 * (losses[0] as number),
    `loss ${losses.map((l) => l.toFixed(3)).join(', ')}`,
  );
  const before = tf.memory().numTensors;
  await model.trainOnBatch(x, y);
  (model.predict(x) as tf.Tensor).dispose();
  assert.is(tf.memory().numTensors, before);
  model.dispose();
  tf.dispose([x, y]);
});

Encoder('names what is wrong with the input and the options', () => {
  const build = (shape: number[], widths = [4, 8, 16]) =>
    buildTemporalCnnEncoder(
      tf.input({ shape }),
      { ...DEFAULT_TEMPORAL_CNN_OPTIONS, widths },
      { modality: 'imu', shape, nextSeed: () => 1 },
    );
  assert.throws(() => build([16, 4, 3]), /buildTemporalCnnEncoder\(\): imu input must be \[steps, features\]/);
  assert.throws(() => build([7, 3]), /imu input has 7 steps, too few for 3 max-pools of 2 \(needs 8\)/);
  assert.throws(() => build([16, 3], []), /widths must name at least one block/);
});

Encoder.run();
