import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs';
import '../helpers/tf-backends.ts';
import { modalityAttribution } from '../../src/explain/modality-attribution.ts';
import type { InputSet } from '../../src/inputs/input-spec.ts';

const Attribution = suite('modalityAttribution');
Attribution.before(async () => {
  await tf.setBackend('wasm');
});

/**
 * Two one-number modalities, each passed through (a 1-unit linear dense, weight 1), concatenated
 * as `fuse`, then logits = [imu, pose]: class 0 when the IMU's number is the larger, 1 when the
 * pose's is.
 */
function twoModalityModel(): tf.LayersModel {
  const imu = tf.input({ shape: [1], name: 'imu' });
  const pose = tf.input({ shape: [1], name: 'pose' });
  const pass = (name: string) => tf.layers.dense({ units: 1, useBias: false, kernelInitializer: 'ones', name });
  const fused = tf.layers
    .concatenate({ name: 'fuse' })
    .apply([pass('imu_features').apply(imu), pass('pose_features').apply(pose)] as tf.SymbolicTensor[]);
  const logits = tf.layers.dense({ units: 2, useBias: false, name: 'logits' });
  const model = tf.model({ inputs: [imu, pose], outputs: logits.apply(fused) as tf.SymbolicTensor });
  logits.setWeights([
    tf.tensor2d([
      [1, 0],
      [0, 1],
    ]),
  ]);
  return model;
}

Attribution('hand-worked: a class decided by one modality fails without it, and only then', async () => {
  // Rows 0-1: class 0 (imu 2 > pose 1); rows 2-3: class 1 (imu 1 < pose 2). Without the IMU
  // (its feature 0) class 0's rows become [0, 1] -> class 1: error 1; class 1 stays right.
  // Without the pose, class 1's rows become [1, 0] -> class 0: error 1.
  const set: InputSet = {
    imu: { data: Float32Array.from([2, 2, 1, 1]), shape: [1] },
    pose: { data: Float32Array.from([1, 1, 2, 2]), shape: [1] },
    labels: Int32Array.from([0, 0, 1, 1]),
    ids: ['a', 'b', 'c', 'd'],
    subjects: ['s', 's', 't', 't'],
    count: 4,
  };
  const model = twoModalityModel();
  const n0 = tf.memory().numTensors;
  const rows = await modalityAttribution(model, set, [0, 1, 2, 3], { modalities: ['imu', 'pose'], standardisers: {} }, [
    'zero',
    'one',
  ]);
  assert.is(tf.memory().numTensors, n0, 'leaks no tensor');
  assert.equal(
    rows.map((r) => [r.removed, r.perClass.map((c) => [c.name, c.support, c.error])]),
    [
      [
        null,
        [
          ['zero', 2, 0],
          ['one', 2, 0],
        ],
      ],
      [
        'imu',
        [
          ['zero', 2, 1],
          ['one', 2, 0],
        ],
      ],
      [
        'pose',
        [
          ['zero', 2, 0],
          ['one', 2, 1],
        ],
      ],
    ],
  );
  assert.not.ok(Object.prototype.hasOwnProperty.call(model.getLayer('fuse'), 'call'), 'the layer is restored');
  model.dispose();
});

Attribution('a model without a fused vector is refused, saying why', async () => {
  const input = tf.input({ shape: [1], name: 'imu' });
  const model = tf.model({ inputs: input, outputs: tf.layers.dense({ units: 2 }).apply(input) as tf.SymbolicTensor });
  const set: InputSet = {
    imu: { data: new Float32Array(1), shape: [1] },
    labels: Int32Array.from([0]),
    ids: ['a'],
    subjects: ['s'],
    count: 1,
  };
  try {
    await modalityAttribution(model, set, [0], { modalities: ['imu'], standardisers: {} }, ['a', 'b']);
    assert.unreachable('should refuse');
  } catch (err) {
    assert.match(String(err), /modalityAttribution\(\): the model has no 'fuse' layer/);
  }
  model.dispose();
});

Attribution.run();
