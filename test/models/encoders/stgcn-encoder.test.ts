import { batchLosses, encoderClassifier } from '../../helpers/encoder-classifier.ts';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../../src/backend/select-backend.ts';
import { setLogLevel } from '../../../src/core/logger.ts';
import { JOINT_SETS, type JointSet } from '../../../src/core/joint-sets.ts';
import '../../../src/models/layers/register-layers.ts';
import { buildStgcnEncoder } from '../../../src/models/encoders/stgcn-encoder.ts';
import { DEFAULT_STGCN_OPTIONS, type StgcnOptions } from '../../../src/models/encoders/stgcn-options.ts';
import { reloadedDifference, saveAndReload } from '../../helpers/round-trip.ts';

/** A classifier on the encoder alone: pose [F, J*C] -> encoder vector -> logits. */
function classifier(
  frames: number,
  channels: number,
  classes: number,
  options: Partial<StgcnOptions> = {},
  joints: JointSet = 'kinect20',
): tf.LayersModel {
  let seed = 1;
  const shape = [frames, JOINT_SETS[joints].names.length * channels];
  const input = tf.input({ shape, name: 'pose' });
  const out = buildStgcnEncoder(
    input,
    { ...DEFAULT_STGCN_OPTIONS, ...options },
    { modality: 'pose', shape, joints, nextSeed: () => seed++ },
  );
  assert.is(out.kind, 'vector');
  return encoderClassifier(input, out, classes, seed++);
}

const Encoder = suite('ST-GCN encoder');
Encoder.before(async () => {
  setLogLevel('warn');
  await selectBackend('wasm');
});

Encoder('defaults: three blocks of 16, 32, 32 channels, time 32 -> 16 -> 8, pooled to a 32-vector', () => {
  const model = classifier(32, 9, 5);
  const shapeOf = (name: string) => model.getLayer(name).outputShape;
  assert.equal(shapeOf('pose_joints'), [null, 32, 20, 9]);
  assert.equal(shapeOf('pose_gcn1'), [null, 32, 20, 16]);
  assert.equal(shapeOf('pose_relu1'), [null, 16, 20, 16]);
  assert.equal(shapeOf('pose_relu2'), [null, 8, 20, 32]);
  assert.equal(shapeOf('pose_relu3'), [null, 8, 20, 32]);
  assert.equal(shapeOf('pose_pool'), [null, 32]);
  const names = model.layers.map((l) => l.name);
  // The first block has no residual; the second projects (16 -> 32 channels, stride 2); the third adds its input.
  assert.not.ok(names.includes('pose_add1'));
  assert.ok(names.includes('pose_res2') && names.includes('pose_add2'));
  assert.ok(names.includes('pose_add3') && !names.includes('pose_res3'));
  // No bias before a BatchNorm, no edge importance by default: the kernel alone.
  assert.is(model.getLayer('pose_gcn1').getWeights().length, 1);
  assert.is(model.getLayer('pose_tcn1').getWeights().length, 1);
  model.dispose();
});

Encoder('builds on coco17 with 2-D positions, and with edge importance and dropout', () => {
  const model = classifier(
    16,
    2,
    3,
    { channels: [8, 16], strides: [1, 2], edgeImportance: true, dropout: 0.1 },
    'coco17',
  );
  assert.equal(model.getLayer('pose_joints').outputShape, [null, 16, 17, 2]);
  assert.equal(model.getLayer('pose_pool').outputShape, [null, 16]);
  assert.equal(
    model
      .getLayer('pose_gcn1')
      .getWeights()
      .map((w) => w.shape),
    [
      [3 * 2, 8],
      [17 * 3, 17],
    ],
  );
  assert.ok(model.layers.some((l) => l.name === 'pose_dropout2'));
  model.dispose();
});

Encoder('a tiny model learns which hand is raised: the loss falls over a few steps', async () => {
  // kinect20, 3 channels, 8 frames: class 0 raises the left hand over time, class 1 the right.
  const [n, frames, J, C] = [16, 8, 20, 3];
  const hand = {
    0: JOINT_SETS.kinect20.names.indexOf('left_hand'),
    1: JOINT_SETS.kinect20.names.indexOf('right_hand'),
  };
  const data = new Float32Array(n * frames * J * C);
  for (let i = 0; i < n; i++)
    for (let f = 0; f < frames; f++)
      for (let j = 0; j < J; j++)
        for (let c = 0; c < C; c++) {
          const raised = j === hand[(i % 2) as 0 | 1] && c === 1 ? f / frames : 0;
          data[((i * frames + f) * J + j) * C + c] = raised + 0.05 * Math.sin(i * 7 + j * 3 + c + f);
        }
  const x = tf.tensor3d(data, [n, frames, J * C]);
  const y = tf.oneHot(
    tf.tensor1d(
      Array.from({ length: n }, (_, i) => i % 2),
      'int32',
    ),
    2,
  );
  const model = classifier(frames, C, 2, { channels: [8, 8], strides: [1, 2], temporalKernel: 3 });
  const losses = await batchLosses(model, x, y, 20, 0.02);
  assert.ok(
    (losses.at(-1) as number) < 0.25 * (losses[0] as number),
    `loss ${losses.map((l) => l.toFixed(3)).join(', ')}`,
  );
  // Training leaves no tensor behind.
  const before = tf.memory().numTensors;
  await model.trainOnBatch(x, y);
  (model.predict(x) as tf.Tensor).dispose();
  assert.is(tf.memory().numTensors, before);
  model.dispose();
  tf.dispose([x, y]);
});

Encoder('survives a save and reload: the same outputs from the model JSON and weights', async () => {
  const model = classifier(8, 3, 4, { channels: [4, 8], strides: [1, 2], temporalKernel: 3, edgeImportance: true });
  const { reloaded } = await saveAndReload(model);
  const x = tf.randomNormal([3, 8, 60], 0, 1, 'float32', 5);
  assert.ok(reloadedDifference(model, reloaded, x) < 1e-6);
});

Encoder('names what is wrong with the input and the options', () => {
  const build = (shape: number[], options: Partial<StgcnOptions> = {}, joints: JointSet | 'none' = 'kinect20') =>
    buildStgcnEncoder(
      tf.input({ shape }),
      { ...DEFAULT_STGCN_OPTIONS, ...options },
      { modality: 'pose', shape, ...(joints === 'none' ? {} : { joints }), nextSeed: () => 1 },
    );
  assert.throws(() => build([8, 60], {}, 'none'), /buildStgcnEncoder\(\): pose input has no joint set/);
  assert.throws(
    () => build([8, 61]),
    /buildStgcnEncoder\(\): pose input must be \[frames, 20 joints x channels\], got \[8, 61\]/,
  );
  assert.throws(() => build([8, 60], { strides: [1, 2] }), /needs one stride per block/);
});

Encoder.run();
